import DeepLearning

/// digits-mlp — the smallest real case: a 64-32-10 perceptron with a tanh hidden layer on scikit-learn's
/// 8×8 digits, trained in seconds with plain cross-entropy and Adam.
public enum DigitsMLP: ClassifierPracticeCase {
    public static let info = CaseInfo(
        name: "digits-mlp",
        idea: "a first MLP in seconds: 64-32-10 on 8×8 digits",
        data: "scikit-learn digits, 1,797 8×8 images (bundled); 297 held out",
        target: "≥ 95% test accuracy",
        defaults: TrainOptions(epochs: 30, batchSize: 32, learningRate: 3e-3, optimizer: "adam"))
    public static let classNames = (0..<10).map(String.init)
    public static let inputShape = [64]
    /// Pixel values 0…16 scaled to 0…1.
    public static let transform: ((Tensor) -> Tensor)? = { $0 / 16 }

    public static func makeModel() -> Sequential { Sequential(Linear(64, 32), Tanh(), Linear(32, 10)) }

    public static func data(_ options: TrainOptions) throws -> (train: TensorDataset, test: TensorDataset) {
        // A fixed shuffle before the split: the file is ordered by writer, so its tail is not a fair test set.
        let all = try Digits()
        var order = Array(0..<all.count)
        var generator = RandomGenerator(seed: 2024)
        order.shuffle(using: &generator)
        let (x, y) = all.batch(order)
        let shuffled = TensorDataset(inputs: x, labels: y)
        return (shuffled.subset(0..<1500).prefix(options.limit), shuffled.subset(1500..<all.count))
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
            for (x, labels) in report.batches(of: loader, epoch: epoch) {
                optimizer.lr = schedule(report.step)
                let logits = model(x)
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
