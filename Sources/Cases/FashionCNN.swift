import DeepLearning

/// fashion-cnn — a deeper CNN on Fashion-MNIST with batch normalization (the seed's §3.3, Ioffe & Szegedy
/// 2015: each channel normalised by its batch statistics, then scaled and shifted) and dropout.
public enum FashionCNN: ClassifierPracticeCase {
    public static let info = CaseInfo(
        name: "fashion-cnn",
        idea: "CNN with batch normalization and dropout",
        data: "Fashion-MNIST clothing images, 28×28 (Debian's dataset-fashion-mnist, installed by make deps; or --data-dir)",
        target: "≥ 91% test accuracy",
        defaults: TrainOptions(epochs: 10, batchSize: 64, learningRate: 1e-3, optimizer: "adam"),
        extras: [.dataDir])
    public static let classNames = fashionMNISTClassNames
    public static let inputShape = [1, 28, 28]
    public static let transform: ((Tensor) -> Tensor)? = normalize(mean: [0.2860], std: [0.3530])

    public static func makeModel() -> Sequential {
        Sequential(
            Conv2d(1, 32, kernelSize: 3, padding: 1), BatchNorm2d(32), ReLU(), MaxPool2d(kernelSize: 2),   // 32×14×14
            Conv2d(32, 64, kernelSize: 3, padding: 1), BatchNorm2d(64), ReLU(), MaxPool2d(kernelSize: 2),  // 64×7×7
            Flatten(), Dropout(0.25),
            Linear(64 * 7 * 7, 256), ReLU(), Dropout(0.4),
            Linear(256, 10))
    }

    public static func data(_ options: TrainOptions) throws -> (train: TensorDataset, test: TensorDataset) {
        let directory = options.dataDirectory
        return (try FashionMNIST(split: .train, directory: directory).prefix(options.limit), try FashionMNIST(split: .test, directory: directory))
    }

    @discardableResult
    public static func train(_ options: TrainOptions) throws -> String {
        let (train, test) = try data(options)
        let model = makeModel()
        let optimizer = try options.makeOptimizer(for: model)
        let loader = DataLoader(train, batchSize: options.batchSize, sampler: options.sampler(for: train), transform: transform)
        let schedule = CosineAnnealingLR(initial: options.learningRate, tMax: loader.count * options.epochs)
        let report = try Report(info, options, columns: classifierColumns, plots: classifierPlots,
                                header: describe(train, test, model, options))
        try report.track(model, optimizer, loader: loader)  // saved each epoch; restored by --resume
        var evaluation: Evaluation!
        for epoch in report.firstEpoch...options.epochs {
            model.train()  // batch norm uses the batch's statistics and updates its running ones
            for (images, labels) in report.batches(of: loader, epoch: epoch) {
                optimizer.lr = schedule(report.step)
                let logits = model(images)
                let loss = crossEntropy(logits, labels)
                optimizer.zeroGrad()
                loss.backward()
                optimizer.step()
                try report.batch(loss: loss, samples: labels.count, [("accuracy", accuracy(logits, labels))])
            }
            evaluation = evaluate(model, on: test, classes: 10, transform: transform)  // running statistics
            try report.endEpoch(["test_loss": Double(evaluation.loss), "test_accuracy": Double(evaluation.accuracy)], saving: model)
        }
        return report.finish(String(format: "test accuracy %.2f%%", evaluation.accuracy * 100))
    }
}
