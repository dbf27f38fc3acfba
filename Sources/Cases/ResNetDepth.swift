import DeepLearning
import Foundation

/// resnet-depth — why shortcuts matter (the seed's §3.4; He et al. 2016 §4.2, Fig. 6): plain networks (the
/// blocks of ResNet without their shortcuts) and residual networks of 8, 20 and 56 layers, trained the same way
/// for the same budget on the CIFAR-10 subset. A deeper plain network trains *worse* than a shallower one (the
/// degradation problem: not overfitting, its training loss is higher), while the residual network of the same
/// depth trains well: with y = relu(F(x) + x) each block only has to learn a correction to x, and the gradient
/// reaches the first layers through the identity paths.
public enum ResNetDepth: PracticeCase {
    public static let info = CaseInfo(
        name: "resnet-depth",
        idea: "degradation of deep plain networks and its cure, residual connections (plain vs residual, 8/20/56 layers)",
        data: "CIFAR-10 subset (bundled: 4,000 training, 1,000 test images), or the full set with --data-dir",
        target: "plain-56 trains worse than plain-20; residual-56 better than plain-56",
        defaults: TrainOptions(epochs: 4, batchSize: 64, learningRate: 0.05, optimizer: "sgd", weightDecay: 1e-4),
        extras: [.dataDir])
    /// The depths compared (6n + 2 layers).
    public static let depths = [8, 20, 56]

    /// Final figures of one network.
    struct Result { let name: String, trainLoss: Double, trainAccuracy: Float, testAccuracy: Float, seconds: Double }

    @discardableResult
    public static func train(_ options: TrainOptions) throws -> String {
        let train = try CIFAR10(split: .train, directory: options.dataDirectory).prefix(options.limit)
        let test = try CIFAR10(split: .test, directory: options.dataDirectory)
        let normalizeImages = normalize(mean: CIFARResNet.mean, std: CIFARResNet.std)
        let report = try Report(info, options, columns: [], plots: [], header: describe(train, test, resnet20(), options)
            + ["six networks, the same data order, schedule (warm-up + cosine) and number of steps each; no augmentation"])
        var curves: [(String, [Double])] = [], results: [Result] = []
        for residual in [false, true] {
            for depth in depths {
                let name = (residual ? "residual-" : "plain-") + "\(depth)"
                Tensor.manualSeed(options.seed)
                let model = cifarResNet(depth: depth, residual: residual)
                let optimizer = SGD(model.parameters(), lr: options.learningRate, momentum: 0.9, weightDecay: options.weightDecay)
                let loader = DataLoader(train, batchSize: options.batchSize, sampler: options.sampler(for: train), transform: normalizeImages)
                let steps = loader.count * options.epochs
                let schedule = LinearWarmup(steps: Swift.max(1, Swift.min(loader.count, steps - 1)),
                                            then: CosineAnnealingLR(initial: options.learningRate, tMax: Swift.max(1, steps - Swift.min(loader.count, steps - 1))))
                report.say("\(name): \(model.parameterCount) parameters")
                let start = Date()
                var losses: [Double] = [], step = 0
                for epoch in 1...options.epochs {
                    model.train()
                    for (images, labels) in report.batches(of: loader, epoch: epoch) {
                        optimizer.learningRate = schedule(step)
                        let loss = crossEntropy(model(images), labels)
                        optimizer.zeroGrad()
                        loss.backward()
                        optimizer.step()
                        step += 1
                        losses.append(Double(loss.item))
                        try report.batch(loss: loss, samples: labels.count)
                    }
                }
                let trainEval = evaluate(model, on: train, classes: 10, transform: normalizeImages)
                let testEval = evaluate(model, on: test, classes: 10, transform: normalizeImages)
                let last = losses.suffix(Swift.max(1, loader.count))  // the last epoch's batches
                results.append(Result(name: name, trainLoss: last.reduce(0, +) / Double(last.count), trainAccuracy: trainEval.accuracy,
                                      testAccuracy: testEval.accuracy, seconds: Date().timeIntervalSince(start)))
                curves.append((name, losses))
                report.say(row(results.last!))
                try writeResults(curves, results, report)
            }
        }
        let table = tableText(results)
        report.say(table)
        let loss = Dictionary(uniqueKeysWithValues: results.map { ($0.name, $0.trainLoss) })
        let degradation = loss["plain-56"]! > loss["plain-20"]!, cure = loss["residual-56"]! < loss["plain-56"]!
        return report.finish("plain-56 trains \(degradation ? "worse" : "NOT worse") than plain-20 (train loss "
            + String(format: "%.3f vs %.3f", loss["plain-56"]!, loss["plain-20"]!) + "); residual-56 \(cure ? "better" : "NOT better") than plain-56 ("
            + String(format: "%.3f", loss["residual-56"]!) + ")")
    }

    static func row(_ r: Result) -> String {
        "| " + r.name.padding(toLength: 11, withPad: " ", startingAt: 0)
            + String(format: " | %10.4f | %8.2f%% | %8.2f%% | %7.0fs |", r.trainLoss, r.trainAccuracy * 100, r.testAccuracy * 100, r.seconds)
    }

    static func tableText(_ results: [Result]) -> String {
        (["| network     | train loss | train acc |  test acc |    time |", "|---|---|---|---|---|"] + results.map(row)).joined(separator: "\n")
    }

    /// Writes `losses.png` (training loss of every network, smoothed over 10 steps), `losses.csv` and `results.md`.
    static func writeResults(_ curves: [(String, [Double])], _ results: [Result], _ report: Report) throws {
        var plot = LinePlot(title: "plain vs residual: training loss", xLabel: "step", yLabel: "cross-entropy (mean of 10 steps)")
        var csv = "network,step,loss\n"
        for (name, losses) in curves {
            let smoothed = stride(from: 0, to: losses.count, by: 10).map { i in losses[i..<Swift.min(i + 10, losses.count)].reduce(0, +) / Double(Swift.min(10, losses.count - i)) }
            plot.add(series: name, x: smoothed.indices.map { Double(Swift.min($0 * 10 + 10, losses.count)) }, y: smoothed)
            for (i, l) in losses.enumerated() { csv += "\(name),\(i + 1),\(String(format: "%.5f", l))\n" }
        }
        try plot.write(toPath: report.path("losses.png"), width: 800, height: 500)
        try csv.write(toFile: report.path("losses.csv"), atomically: true, encoding: .utf8)
        try (tableText(results) + "\n").write(toFile: report.path("results.md"), atomically: true, encoding: .utf8)
    }
}
