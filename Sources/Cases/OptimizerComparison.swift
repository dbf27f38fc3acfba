import DeepLearning
import Foundation

/// optimizers — SGD, momentum, AdaGrad, RMSProp, Adam and AdamW compared.
///
/// Part 1: six copies of one 784-128-10 perceptron, from the same initial weights, each trained by one
/// optimizer on the same MNIST batches in the same order for the same number of steps; one plot of the loss
/// curves, a table of final test accuracy. Part 2: the same six update rules on two 2-D functions — the
/// Rosenbrock valley f = (1 − x)² + 100(y − x²)² and the ill-conditioned quadratic f = (x² + 100y²)/2 — with
/// their trajectories drawn over the contours: the picture of why momentum and per-coordinate steps help.
public enum OptimizerComparison: PracticeCase {
    public static let info = CaseInfo(
        name: "optimizers",
        idea: "SGD, momentum, AdaGrad, RMSProp, Adam, AdamW on the same MLP, data and budget; 2-D trajectories",
        data: "MNIST handwritten digits, 28×28 (bundled)",
        target: "loss curves of all six in one plot; trajectories on Rosenbrock and an ill-conditioned quadratic",
        defaults: TrainOptions(epochs: 3, batchSize: 128, learningRate: 1e-3, optimizer: "adam"))

    /// Each contestant: its name and how to build it over some parameters, with the learning rates it is
    /// usually run at on the MLP, on Rosenbrock and on the quadratic.
    struct Contestant {
        let name: String, mlp: Float, rosenbrock: Float, quadratic: Float
        let make: ([Tensor], Float) -> Optimizer
    }
    static let contestants = [
        Contestant(name: "sgd", mlp: 0.1, rosenbrock: 1e-3, quadratic: 0.019) { SGD($0, lr: $1) },
        Contestant(name: "momentum", mlp: 0.01, rosenbrock: 2e-4, quadratic: 0.01) { SGD($0, lr: $1, momentum: 0.9) },
        Contestant(name: "adagrad", mlp: 0.01, rosenbrock: 0.5, quadratic: 0.5) { AdaGrad($0, lr: $1) },
        Contestant(name: "rmsprop", mlp: 1e-3, rosenbrock: 0.01, quadratic: 0.05) { RMSProp($0, lr: $1) },
        Contestant(name: "adam", mlp: 1e-3, rosenbrock: 0.05, quadratic: 0.1) { Adam($0, lr: $1) },
        Contestant(name: "adamw", mlp: 1e-3, rosenbrock: 0.05, quadratic: 0.1) { AdamW($0, lr: $1, weightDecay: 0.01) },
    ]

    @discardableResult
    public static func train(_ options: TrainOptions) throws -> String {
        let (train, test) = (try MNIST(split: .train).prefix(options.limit), try MNIST(split: .test).prefix(options.limit))
        let models = identicalModels(contestants.count) { Sequential(Flatten(), Linear(784, 128), ReLU(), Linear(128, 10)) }
        let optimizers = zip(contestants, models).map { c, m in c.make(m.parameters(), c.mlp) }
        let loader = DataLoader(train, batchSize: options.batchSize, shuffle: true, seed: options.seed, transform: mnistNormalization)
        let names = contestants.map(\.name)
        let report = try Report(info, options, columns: ["epoch"] + names.map { "train_" + $0 } + names.map { "test_accuracy_" + $0 } + ["seconds"],
                                plots: [.init("test_accuracy.png", "test accuracy", names.map { "test_accuracy_" + $0 })],
                                header: ["data: \(train.count) training, \(test.count) test examples; 784-128-10 MLP, batch \(options.batchSize), \(options.epochs) epochs, seed \(options.seed)",
                                         "learning rates: " + contestants.map { "\($0.name) \($0.mlp)" }.joined(separator: ", ")])
        var stepLosses = [[Double]](repeating: [], count: contestants.count)
        var accuracies = [Float](repeating: 0, count: contestants.count)
        for epoch in 1...options.epochs {
            for (images, labels) in report.batches(of: loader, epoch: epoch) {
                var losses: [Float] = []
                for (model, optimizer) in zip(models, optimizers) {  // every optimizer takes a step on the same batch
                    let loss = crossEntropy(model(images), labels)
                    optimizer.zeroGrad()
                    loss.backward()
                    optimizer.step()
                    losses.append(loss.item)
                }
                for i in losses.indices { stepLosses[i].append(Double(losses[i])) }
                try report.batch(loss: losses.min()!, samples: labels.count, zip(names, losses).map { ($0, $1) })
            }
            accuracies = models.map { evaluate($0, on: test, classes: 10, transform: mnistNormalization).accuracy }
            try endComparisonEpoch(report, models, names, "test_accuracy_", accuracies.map(Double.init))
            try writeStepLosses(report, title: "optimizers", names: names, losses: stepLosses)
        }
        report.say("\n" + textTable(["optimizer", "lr", "final train loss (last 20 steps)", "test accuracy"],
                                    contestants.indices.map { i in
                                        [names[i], "\(contestants[i].mlp)", String(format: "%.4f", windowMeans(stepLosses[i], window: 20).y.last ?? .nan),
                                         String(format: "%.2f%%", accuracies[i] * 100)]
                                    }))
        let surfaces = try trajectories(report)
        let best = zip(names, accuracies).max { $0.1 < $1.1 }!
        return report.finish(String(format: "best test accuracy %.2f%% (%@); Rosenbrock closest: %@", best.1 * 100, best.0, surfaces))
    }

    /// Part 2: each optimizer from the same start on Rosenbrock (2,000 steps) and on the quadratic (100 steps);
    /// writes rosenbrock.png and quadratic.png with the paths over the contours, prints a table of the final
    /// points and their distance to the minimum (1, 1) and (0, 0), and returns the best on Rosenbrock.
    static func trajectories(_ report: Report) throws -> String {
        let rosenbrock: @Sendable (Double, Double) -> Double = { x, y in (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x) }
        let quadratic: @Sendable (Double, Double) -> Double = { x, y in (x * x + 100 * y * y) / 2 }
        let problems: [(file: String, title: String, f: @Sendable (Double, Double) -> Double, tensorF: (Tensor, Tensor) -> Tensor,
                        start: [Float], minimum: [Double], steps: Int, lr: KeyPath<Contestant, Float>,
                        x: ClosedRange<Double>, y: ClosedRange<Double>, log: Bool)] = [
            ("rosenbrock.png", "Rosenbrock from (-1.2, 1), 2000 steps", rosenbrock,
             { x, y in (1 - x).square() + 100 * (y - x.square()).square() }, [-1.2, 1], [1, 1], 2000, \.rosenbrock, -2...2, -1...3, true),
            ("quadratic.png", "(x*x + 100 y*y)/2 from (-4, 1), 100 steps", quadratic,
             { x, y in (x.square() + 100 * y.square()) / 2 }, [-4, 1], [0, 0], 100, \.quadratic, -4.5...1, -1.5...1.5, true),
        ]
        var bestOnRosenbrock = ""
        for problem in problems {
            var plot = LinePlot(title: problem.title, xLabel: "x", yLabel: "y")
            (plot.xRange, plot.yRange) = (problem.x, problem.y)
            plot.contours = LinePlot.Contours(levels: 14, logScale: problem.log, problem.f)
            var rows: [[String]] = []
            var closest = (name: "", distance: Double.infinity)
            for c in contestants {
                let point = Tensor(problem.start).requiringGrad()
                let optimizer = c.make([point], c[keyPath: problem.lr])
                var xs = [Double(problem.start[0])], ys = [Double(problem.start[1])]
                for _ in 0..<problem.steps {
                    let f = problem.tensorF(point.sliced(alongAxis: 0, 0..<1), point.sliced(alongAxis: 0, 1..<2)).sum()
                    optimizer.zeroGrad()
                    f.backward()
                    optimizer.step()
                    let p = point.scalars
                    xs.append(Double(p[0]))
                    ys.append(Double(p[1]))
                }
                plot.add(series: c.name, x: xs, y: ys)
                let distance = hypot(xs.last! - problem.minimum[0], ys.last! - problem.minimum[1])
                if distance < closest.distance { closest = (c.name, distance) }
                rows.append([c.name, "\(c[keyPath: problem.lr])", String(format: "(%.4f, %.4f)", xs.last!, ys.last!),
                             String(format: "%.3g", problem.f(xs.last!, ys.last!)), String(format: "%.3g", distance)])
            }
            try plot.write(toPath: report.path(problem.file), width: 800, height: 600)
            report.say("\n" + problem.title + "\n" + textTable(["optimizer", "lr", "final point", "f", "distance to minimum"], rows))
            if problem.file == "rosenbrock.png" { bestOnRosenbrock = String(format: "%@ (distance %.3g)", closest.name, closest.distance) }
        }
        return bestOnRosenbrock
    }
}
