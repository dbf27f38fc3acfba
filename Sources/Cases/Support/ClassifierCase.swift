import DeepLearning
import Foundation

/// A practice case that trains an image or feature classifier: its data, its model and its defaults.
/// The training loop, evaluation, reports and checkpoints are shared (``ClassifierTrainer``).
public struct ClassifierCase {
    public let name: String
    /// The idea the case teaches, one line.
    public let idea: String
    /// The data set, one line.
    public let data: String
    /// The target on the full data.
    public let target: String
    public let defaults: TrainOptions
    public let classNames: [String]
    /// Shape of one input example, e.g. [1, 28, 28].
    public let inputShape: [Int]
    public let makeModel: () -> Sequential
    /// Training and test sets (raw inputs; `transform` is applied per batch).
    public let loadData: (_ dataDirectory: String?) throws -> (train: TensorDataset, test: TensorDataset)
    /// Normalisation applied to every batch (training and evaluation).
    public let transform: ((Tensor) -> Tensor)?
}

/// Loss, accuracy and confusion matrix of a model on a data set.
public struct Evaluation {
    public let loss: Float
    public let accuracy: Float
    /// confusion[true][predicted] counts.
    public let confusion: [[Int]]
}

public enum ClassifierTrainer {
    /// Evaluates `model` (in eval mode, without recording a tape) on `dataset`.
    public static func evaluate(_ model: Sequential, on dataset: TensorDataset, classes: Int, batchSize: Int = 500,
                                transform: ((Tensor) -> Tensor)?) -> Evaluation {
        model.eval()
        defer { model.train() }
        var confusion = Array(repeating: Array(repeating: 0, count: classes), count: classes)
        var lossSum: Float = 0
        withNoGrad {
            for (x, y) in DataLoader(dataset, batchSize: batchSize, transform: transform) {
                let logits = model(x)
                lossSum += crossEntropy(logits, y, reduction: .sum).item
                let predicted = logits.argmax(alongAxis: 1).scalars
                for (p, t) in zip(predicted, y.scalars) { confusion[Int(t)][Int(p)] += 1 }
            }
        }
        let correct = (0..<classes).reduce(0) { $0 + confusion[$1][$1] }
        return Evaluation(loss: lossSum / Float(dataset.count), accuracy: Float(correct) / Float(max(dataset.count, 1)), confusion: confusion)
    }

    /// Trains the case with `options`, printing progress, and writes `runs/<case>/`. Returns the final
    /// test evaluation.
    @discardableResult
    public static func train(_ spec: ClassifierCase, options: TrainOptions) throws -> Evaluation {
        Tensor.manualSeed(options.seed)
        var (trainSet, testSet) = try spec.loadData(options.dataDirectory)
        if let limit = options.limit, limit < trainSet.count { trainSet = trainSet.subset(0..<limit) }
        let model = spec.makeModel()
        let optimizer = try options.makeOptimizer(model.parameters())
        let loader = DataLoader(trainSet, batchSize: options.batchSize, shuffle: true, seed: options.seed, transform: spec.transform)
        let totalSteps = loader.count * options.epochs
        let rate = CosineAnnealingLR(initial: options.learningRate, tMax: Swift.max(totalSteps, 1))
        let runDirectory = options.outputDirectory + "/" + spec.name
        let log = try RunLog(directory: runDirectory, columns: ["epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy", "seconds"])
        print("\(spec.name): \(spec.idea)")
        print("data: \(spec.data) — \(trainSet.count) training, \(testSet.count) test examples")
        print("model: \(model.parameterCount) parameters; optimizer \(options.optimizer), lr \(options.learningRate), batch \(options.batchSize), \(options.epochs) epochs, seed \(options.seed)")
        let start = Date()
        var step = 0
        var last = Evaluation(loss: .nan, accuracy: 0, confusion: [])
        for epoch in 1...Swift.max(1, options.epochs) {
            let bar = ProgressBar(total: loader.count, label: "epoch \(epoch)/\(options.epochs)")
            var lossSum: Float = 0, correct = 0, seen = 0
            model.train()
            for (x, y) in loader {
                optimizer.learningRate = rate(step)
                let logits = model(x)
                let loss = crossEntropy(logits, y)
                optimizer.zeroGrad()
                loss.backward()
                optimizer.step()
                step += 1
                let n = y.count
                lossSum += loss.item * Float(n)
                correct += zip(logits.detached().argmax(alongAxis: 1).scalars, y.scalars).filter { $0 == $1 }.count
                seen += n
                bar.update(step: step - (epoch - 1) * loader.count, samples: seen,
                           metrics: [("loss", lossSum / Float(seen)), ("acc", Float(correct) / Float(seen))])
            }
            last = evaluate(model, on: testSet, classes: spec.classNames.count, transform: spec.transform)
            let seconds = Date().timeIntervalSince(start)
            print(String(format: "epoch %d: train loss %.4f acc %.4f | test loss %.4f acc %.4f | %.1fs",
                         epoch, lossSum / Float(seen), Float(correct) / Float(seen), last.loss, last.accuracy, seconds))
            try log.append([Double(epoch), Double(lossSum / Float(seen)), Double(last.loss), Double(Float(correct) / Float(seen)),
                             Double(last.accuracy), seconds],
                           plots: [("loss.png", "\(spec.name) loss", "cross-entropy", ["train_loss", "test_loss"]),
                                   ("accuracy.png", "\(spec.name) accuracy", "accuracy", ["train_accuracy", "test_accuracy"])])
            try model.save(to: runDirectory + "/model.safetensors")
        }
        let seconds = Date().timeIntervalSince(start)
        print(String(format: "%@: test accuracy %.2f%% after %d epochs in %.0fs (target: %@) — wrote %@/{model.safetensors,metrics.csv,loss.png,accuracy.png}",
                     spec.name, last.accuracy * 100, options.epochs, seconds, spec.target, runDirectory))
        return last
    }

    /// Text of a confusion matrix with class names.
    public static func confusionTable(_ m: [[Int]], classNames: [String]) -> String {
        let width = Swift.max(6, (m.flatMap { $0 }.max() ?? 0).description.count + 1)
        let names = classNames.map { String($0.prefix(width - 1)) }
        var s = "true\\pred".padding(toLength: 12, withPad: " ", startingAt: 0)
        s += names.map { $0.leftPadded(width) }.joined() + "\n"
        for (i, row) in m.enumerated() {
            s += names[i].padding(toLength: 12, withPad: " ", startingAt: 0) + row.map { "\($0)".leftPadded(width) }.joined() + "\n"
        }
        return s
    }
}

extension String {
    func leftPadded(_ n: Int) -> String { String(repeating: " ", count: Swift.max(0, n - count)) + self }
}
