import DeepLearning

/// mnist-cnn — a convolutional network on MNIST (the seed's §2.2): convolutions share weights across
/// positions, pooling makes features shift-tolerant, fully connected layers classify.
public enum MNISTCNN: ClassifierPracticeCase {
    public static let info = CaseInfo(
        name: "mnist-cnn",
        idea: "convolutional network: Conv2d, max pooling, fully connected layers",
        data: "MNIST handwritten digits, 28×28 (bundled)",
        target: "≥ 99% test accuracy",
        defaults: TrainOptions(epochs: 6, batchSize: 64, learningRate: 1e-3, optimizer: "adam"))
    public static let classNames = (0..<10).map(String.init)
    public static let inputShape = [1, 28, 28]
    public static let transform: ((Tensor) -> Tensor)? = mnistNormalization

    public static func makeModel() -> Sequential {
        Sequential(
            Conv2d(1, 16, kernelSize: 5, padding: 2), ReLU(), MaxPool2d(kernelSize: 2),   // 16×14×14
            Conv2d(16, 32, kernelSize: 5), ReLU(), MaxPool2d(kernelSize: 2),             // 32×5×5
            Flatten(),
            Linear(32 * 5 * 5, 128), ReLU(), Dropout(0.3),
            Linear(128, 10))
    }

    public static func data(_ options: TrainOptions) throws -> (train: TensorDataset, test: TensorDataset) {
        (try MNIST(split: .train).prefix(options.limit), try MNIST(split: .test))
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
            model.train()
            for (images, labels) in report.batches(of: loader, epoch: epoch) {
                optimizer.lr = schedule(report.step)
                let logits = model(images)
                let loss = crossEntropy(logits, labels)
                optimizer.zeroGrad()
                loss.backward()
                optimizer.step()
                try report.batch(loss: loss, samples: labels.count, [("accuracy", accuracy(logits, labels))])
            }
            evaluation = evaluate(model, on: test, classes: 10, transform: transform)
            try report.endEpoch(["test_loss": Double(evaluation.loss), "test_accuracy": Double(evaluation.accuracy)], saving: model)
        }
        return report.finish(String(format: "test accuracy %.2f%%", evaluation.accuracy * 100))
    }
}
