import DeepLearning
import Foundation

/// losses — mean squared error, cross-entropy and focal loss on imbalanced data.
///
/// The 8×8 digits with one class (8) cut down to 5% of its training examples; six copies of one 64-32-10
/// perceptron, from the same initial weights and on the same batches, each trained with one loss: MSE on the
/// softmax probabilities against one-hot targets, cross-entropy, and focal loss −(1 − p_t)^γ log p_t with
/// γ = 0 (cross-entropy again), 1, 2 and 5. The test set keeps every class. Prints the per-class recall of
/// each loss and plots the minority class's recall as γ grows.
public enum LossComparison: PracticeCase {
    public static let info = CaseInfo(
        name: "losses",
        idea: "MSE vs cross-entropy vs focal loss (γ = 0, 1, 2, 5) on imbalanced classes: per-class recall",
        data: "scikit-learn digits (bundled), class 8 kept at 5% of its training examples; 297 held out",
        target: "per-class recall table; the minority class's recall against γ",
        defaults: TrainOptions(epochs: 30, batchSize: 32, learningRate: 3e-3, optimizer: "adam"))

    /// The class cut down, and the fraction of its training examples kept.
    static let minority = 8, kept = 0.05
    static let gammas: [Float] = [0, 1, 2, 5]
    /// Each contestant: a name and its loss of logits [N, 10] and labels [N].
    static let contestants: [(name: String, loss: (Tensor, Tensor) -> Tensor)] =
        [("mse", { logits, y in mseLoss(logits.softmax(alongAxis: 1), Tensor.eye(10).indexSelect(alongAxis: 0, indices: y)) }),
         ("cross_entropy", { crossEntropy($0, $1) })]
        + gammas.map { g in ("focal_gamma\(Int(g))", { focalLoss($0, $1, gamma: g) }) }

    /// The digits' training split with all but `kept` of the minority class's examples removed.
    static func imbalanced(_ train: TensorDataset) -> TensorDataset {
        let labels = train.labels.scalars.map(Int.init)
        let minorityIndices = labels.indices.filter { labels[$0] == minority }
        let keep = Int((Double(minorityIndices.count) * kept).rounded(.up))
        let indices = labels.indices.filter { labels[$0] != minority } + minorityIndices.prefix(keep)
        let (x, y) = train.batch(indices.sorted())
        return TensorDataset(inputs: x, labels: y)
    }

    @discardableResult
    public static func train(_ options: TrainOptions) throws -> String {
        let (balanced, test) = try DigitsMLP.data(options)
        let train = imbalanced(balanced)
        let models = identicalModels(contestants.count) { Sequential(Linear(64, 32), Tanh(), Linear(32, 10)) }
        let optimizers = try models.map { try options.makeOptimizer($0.parameters()) }
        let loader = DataLoader(train, batchSize: options.batchSize, shuffle: true, seed: options.seed, transform: DigitsMLP.transform)
        let names = contestants.map(\.name)
        let minorityCount = train.labels.scalars.filter { Int($0) == minority }.count
        let report = try Report(info, options, columns: ["epoch"] + names.map { "train_" + $0 } + names.map { "minority_recall_" + $0 } + ["seconds"],
                                plots: [.init("minority_recall.png", "recall of class \(minority)", names.map { "minority_recall_" + $0 })],
                                header: ["data: \(train.count) training examples, \(minorityCount) of them of class \(minority); \(test.count) test examples",
                                         "model: 64-32-10 tanh MLP per loss; \(options.optimizer) lr \(options.learningRate), batch \(options.batchSize), \(options.epochs) epochs, seed \(options.seed)"])
        var table: [[Double]] = []
        var accuracies: [Float] = []
        for epoch in 1...options.epochs {
            for (x, y) in report.batches(of: loader, epoch: epoch) {
                var losses: [Float] = []
                for (i, (model, optimizer)) in zip(models, optimizers).enumerated() {
                    let loss = contestants[i].loss(model(x), y)
                    optimizer.zeroGrad()
                    loss.backward()
                    optimizer.step()
                    losses.append(loss.item)
                }
                try report.batch(loss: losses[1], samples: y.count, zip(names, losses).map { ($0, $1) })
            }
            let evaluations = models.map { evaluate($0, on: test, classes: 10, transform: DigitsMLP.transform) }
            (table, accuracies) = (evaluations.map { recalls($0.confusion) }, evaluations.map(\.accuracy))
            try endComparisonEpoch(report, models, names, "minority_recall_", table.map { $0[minority] })
        }
        let header = ["loss"] + (0..<10).map { $0 == minority ? "[\($0)]" : "\($0)" } + ["accuracy"]
        report.say("\nrecall per class on the test set (class \(minority) is the minority):\n"
                   + textTable(header, zip(names, zip(table, accuracies)).map { name, r in
                       [name] + r.0.map { String(format: "%.2f", $0) } + [String(format: "%.2f%%", r.1 * 100)]
                   }))
        var plot = LinePlot(title: "recall of the minority class \(minority) against the focal loss's gamma", xLabel: "gamma", yLabel: "recall")
        plot.add(series: "focal loss", x: gammas.map(Double.init), y: (0..<gammas.count).map { table[2 + $0][minority] })
        plot.add(series: "mse", x: [0.0], y: [table[0][minority]])
        plot.yRange = 0...1
        try plot.write(toPath: report.path("recall_vs_gamma.png"))
        return report.finish("minority recall " + zip(names, table).map { String(format: "%@ %.2f", $0, $1[minority]) }.joined(separator: ", "))
    }
}
