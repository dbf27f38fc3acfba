import DeepLearning

/// Loss, accuracy and confusion matrix of a classifier on a data set.
public struct Evaluation {
    /// Mean cross-entropy, nats per example.
    public let loss: Float
    /// Fraction of examples whose arg-max class is the label, in [0, 1].
    public let accuracy: Float
    /// confusion[true][predicted] counts.
    public let confusion: [[Int]]
}

/// Evaluates `model` (in eval mode, without recording a tape) on `dataset`, in batches of `batchSize`.
public func evaluate(_ model: any Layer, on dataset: TensorDataset, classes: Int, batchSize: Int = 500,
                     transform: ((Tensor) -> Tensor)?) -> Evaluation {
    model.eval()
    defer { model.train() }
    var confusion = Array(repeating: Array(repeating: 0, count: classes), count: classes)
    var lossSum: Float = 0
    withNoGrad {
        for (x, y) in DataLoader(dataset, batchSize: batchSize, transform: transform) {
            let logits = model(x)
            lossSum += crossEntropy(logits, y, reduction: .sum).item
            for (p, t) in zip(logits.argmax(alongAxis: 1).scalars, y.scalars) { confusion[Int(t)][Int(p)] += 1 }
        }
    }
    let correct = (0..<classes).reduce(0) { $0 + confusion[$1][$1] }
    return Evaluation(loss: lossSum / Float(Swift.max(dataset.count, 1)), accuracy: Float(correct) / Float(Swift.max(dataset.count, 1)),
                      confusion: confusion)
}

/// The fraction of rows of `logits` [N, C] whose arg-max is the label in `labels` [N].
public func accuracy(_ logits: Tensor, _ labels: Tensor) -> Float {
    let predicted = logits.detached().argmax(alongAxis: 1).scalars
    return Float(zip(predicted, labels.scalars).filter { $0 == $1 }.count) / Float(Swift.max(labels.count, 1))
}

/// Text of a confusion matrix with class names (rows: true class, columns: predicted).
public func confusionTable(_ m: [[Int]], classNames: [String]) -> String {
    let width = Swift.max(6, (m.flatMap { $0 }.max() ?? 0).description.count + 1)
    let names = classNames.map { String($0.prefix(width - 1)) }
    var s = "true\\pred".padding(toLength: 12, withPad: " ", startingAt: 0)
    s += names.map { $0.leftPadded(width) }.joined() + "\n"
    for (i, row) in m.enumerated() {
        s += names[i].padding(toLength: 12, withPad: " ", startingAt: 0) + row.map { "\($0)".leftPadded(width) }.joined() + "\n"
    }
    return s
}

extension String {
    func leftPadded(_ n: Int) -> String { String(repeating: " ", count: Swift.max(0, n - count)) + self }
}

/// The metrics a classifier case writes per epoch, and its two plots.
let classifierColumns = ["epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy", "seconds"]
let classifierPlots = [Report.Plot("loss.png", "cross-entropy", ["train_loss", "test_loss"]),
                       Report.Plot("accuracy.png", "accuracy", ["train_accuracy", "test_accuracy"])]

/// The header lines of a run: data sizes, model size and the settings.
func describe(_ train: TensorDataset, _ test: TensorDataset, _ model: Module, _ o: TrainOptions) -> [String] {
    ["data: \(train.count) training, \(test.count) test examples",
     "model: \(model.parameterCount) parameters; optimizer \(o.optimizer), lr \(o.learningRate), batch \(o.batchSize), \(o.epochs) epochs, seed \(o.seed)"]
}

/// MNIST's mean and standard deviation of pixel values, for normalisation.
let mnistNormalization = normalize(mean: [0.1307], std: [0.3081])

extension TensorDataset {
    /// The first `limit` examples, or all when `limit` is nil or larger than the set.
    func prefix(_ limit: Int?) -> TensorDataset {
        guard let limit, limit < count else { return self }
        return subset(0..<limit)
    }
}
