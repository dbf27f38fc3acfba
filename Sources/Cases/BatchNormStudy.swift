import DeepLearning
import Foundation

/// batchnorm — a 10-layer perceptron with and without batch normalization, at two learning rates.
///
/// Four copies of a 784-(128×10)-10 ReLU network — with or without `BatchNorm1d` after each hidden `Linear`,
/// trained by SGD with momentum 0.9 at the learning rate given and at ten times it — see the same MNIST
/// batches. PyTorch's default initialisation (uniform ±1/√fan_in) shrinks the activations layer after layer;
/// batch normalization brings every layer's pre-activation back to mean 0 and variance 1 (then γ, β). The case
/// records the mean and standard deviation of each hidden layer's activations every 10 steps and plots them
/// with the loss curves.
public enum BatchNormStudy: PracticeCase {
    public static let info = CaseInfo(
        name: "batchnorm",
        idea: "batch normalization: a 10-layer MLP with and without it, at two learning rates; activation statistics per layer",
        data: "MNIST handwritten digits, 28×28 (bundled)",
        target: "loss curves and per-layer activation mean/std of the four runs",
        defaults: TrainOptions(epochs: 2, batchSize: 128, learningRate: 0.01, optimizer: "sgd"))

    static let depth = 10, width = 128, statisticsEvery = 10

    /// The deep perceptron; `hidden` gives the output of each hidden layer (after ReLU).
    final class DeepMLP: Module, Layer {
        let blocks: [Sequential]
        let head: Linear
        init(batchNorm: Bool) {
            blocks = (0..<BatchNormStudy.depth).map { i in
                let linear = Linear(i == 0 ? 784 : BatchNormStudy.width, BatchNormStudy.width)
                return batchNorm ? Sequential(linear, BatchNorm1d(BatchNormStudy.width), ReLU()) : Sequential(linear, ReLU())
            }
            head = Linear(BatchNormStudy.width, 10)
        }
        func hidden(_ x: Tensor) -> (logits: Tensor, activations: [Tensor]) {
            var h = x.flattened(from: 1)
            var activations: [Tensor] = []
            for block in blocks {
                h = block(h)
                activations.append(h)
            }
            return (head(h), activations)
        }
        func callAsFunction(_ x: Tensor) -> Tensor { hidden(x).logits }
    }

    @discardableResult
    public static func train(_ options: TrainOptions) throws -> String {
        guard options.optimizer == "sgd" else { throw CaseError("batchnorm compares SGD with momentum at two learning rates; --optimizer must be sgd") }
        let (train, test) = (try MNIST(split: .train).prefix(options.limit), try MNIST(split: .test).prefix(options.limit))
        let rates = [options.learningRate, 10 * options.learningRate]
        let variants = [false, true].flatMap { bn in rates.map { (bn, $0) } }
        let names = variants.map { ($0.0 ? "bn" : "plain") + "_lr" + String(format: "%g", Double($0.1)) }
        let models = variants.map { DeepMLP(batchNorm: $0.0) }
        // The same initial Linear weights in all four (the norms' γ = 1, β = 0 start the same anyway).
        let linears = Dictionary(uniqueKeysWithValues: models[0].namedParameters())  // blocks.<i>.0.*, head.*
        for m in models.dropFirst() { try m.loadState(linears, strict: false) }
        let optimizers = zip(models, variants).map { SGD($0.parameters(), lr: $1.1, momentum: 0.9) }
        let loader = DataLoader(train, batchSize: options.batchSize, shuffle: true, seed: options.seed, transform: mnistNormalization)
        let report = try Report(info, options, columns: ["epoch"] + names.map { "train_" + $0 } + names.map { "test_accuracy_" + $0 } + ["seconds"],
                                plots: [.init("test_accuracy.png", "test accuracy", names.map { "test_accuracy_" + $0 })],
                                header: ["data: \(train.count) training, \(test.count) test examples; 784-(\(width)×\(depth))-10 ReLU MLP, SGD momentum 0.9, batch \(options.batchSize), \(options.epochs) epochs, seed \(options.seed)"])
        var stepLosses = [[Double]](repeating: [], count: models.count)
        // statistics[model][layer] = [(step, mean, std)]
        var statistics = [[[(Double, Double, Double)]]](repeating: [[(Double, Double, Double)]](repeating: [], count: depth), count: models.count)
        var accuracies = [Float](repeating: 0, count: models.count)
        for epoch in 1...options.epochs {
            for (images, labels) in report.batches(of: loader, epoch: epoch) {
                var losses: [Float] = []
                for (i, (model, optimizer)) in zip(models, optimizers).enumerated() {
                    let (logits, activations) = model.hidden(images)
                    let loss = crossEntropy(logits, labels)
                    optimizer.zeroGrad()
                    loss.backward()
                    optimizer.step()
                    losses.append(loss.item)
                    stepLosses[i].append(Double(loss.item))
                    if (report.step) % statisticsEvery == 0 {
                        for (layer, a) in activations.enumerated() {
                            let (mean, std) = meanAndStd(a.scalars)
                            statistics[i][layer].append((Double(report.step), mean, std))
                        }
                    }
                }
                try report.batch(loss: losses.filter(\.isFinite).min() ?? .nan, samples: labels.count, zip(names, losses).map { ($0, $1) })
            }
            accuracies = models.map { evaluate($0, on: test, classes: 10, transform: mnistNormalization).accuracy }
            try endComparisonEpoch(report, models, names, "test_accuracy_", accuracies.map(Double.init))
            try writePlots(report, names, stepLosses, statistics)
        }
        var rows: [[String]] = []
        for (i, name) in names.enumerated() {
            let last = statistics[i].map { $0.last.map { String(format: "%.2g", $0.2) } ?? "-" }
            rows.append([name, String(format: "%.2f%%", accuracies[i] * 100)] + last)
        }
        report.say("\ntest accuracy and, at the last recorded step, the standard deviation of each hidden layer's activations:\n"
                   + textTable(["run", "test accuracy"] + (1...depth).map { "std L\($0)" }, rows))
        return report.finish(zip(names, accuracies).map { String(format: "%@ %.2f%%", $0, $1 * 100) }.joined(separator: ", "))
    }

    /// Mean and (population) standard deviation of `values`.
    static func meanAndStd(_ values: [Float]) -> (Double, Double) {
        let n = Double(Swift.max(values.count, 1))
        let mean = values.reduce(0.0) { $0 + Double($1) } / n
        let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
        return (mean, variance.squareRoot())
    }

    /// loss.png (all runs), activation_std_<run>.png (each layer's std over the steps), activations_by_layer.png
    /// (std and mean per layer at the last recorded step) and activations.csv.
    static func writePlots(_ report: Report, _ names: [String], _ stepLosses: [[Double]], _ statistics: [[[(Double, Double, Double)]]]) throws {
        try writeStepLosses(report, title: "batchnorm", names: names, losses: stepLosses)
        var csv = "run,layer,step,mean,std\n"
        var byLayer = LinePlot(title: "activations per layer at the last recorded step", xLabel: "hidden layer", yLabel: "std / mean")
        byLayer.logScaleY = true
        for (i, name) in names.enumerated() {
            var plot = LinePlot(title: "\(name): std of each hidden layer's activations", xLabel: "step", yLabel: "std")
            plot.logScaleY = true
            for (layer, points) in statistics[i].enumerated() {
                plot.add(series: "layer \(layer + 1)", x: points.map(\.0), y: points.map(\.2))
                for p in points { csv += "\(name),\(layer + 1),\(Int(p.0)),\(p.1),\(p.2)\n" }
            }
            try plot.write(toPath: report.path("activation_std_\(name).png"), width: 800, height: 500)
            byLayer.add(series: name + " std", x: (1...statistics[i].count).map(Double.init), y: statistics[i].map { $0.last?.2 ?? .nan })
            byLayer.add(series: name + " mean", x: (1...statistics[i].count).map(Double.init), y: statistics[i].map { $0.last?.1 ?? .nan })
        }
        try byLayer.write(toPath: report.path("activations_by_layer.png"), width: 800, height: 500)
        try csv.write(toFile: report.path("activations.csv"), atomically: true, encoding: .utf8)
    }
}
