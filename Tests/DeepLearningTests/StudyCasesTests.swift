import Foundation
import Testing
@testable import Cases
@testable import DeepLearning

/// The four study cases on tiny settings: each runs, writes its files, and shows what it claims.
@Suite struct StudyCasesTests {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("dl-study-\(UUID().uuidString)").path

    func options(_ info: CaseInfo, epochs: Int, limit: Int?) -> TrainOptions {
        var o = info.defaults
        (o.epochs, o.limit, o.outputDirectory, o.quiet) = (epochs, limit, out, true)
        return o
    }

    /// metrics.csv of the latest run of `name`, as column → values.
    func metrics(_ name: String) throws -> [String: [Double]] {
        let lines = try String(contentsOfFile: Report.latestRun(of: name, in: out) + "/metrics.csv", encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        let rows = lines.dropFirst().map { $0.split(separator: ",").map { Double($0)! } }
        return Dictionary(uniqueKeysWithValues: header.enumerated().map { i, h in (h, rows.map { $0[i] }) })
    }

    func expectFiles(_ name: String, _ files: [String]) {
        for f in files {
            #expect(FileManager.default.fileExists(atPath: Report.latestRun(of: name, in: out) + "/" + f), "\(name): \(f) missing")
        }
    }

    @Test func handWrittenBackpropMatchesAutogradOnOneBatch() {
        let model = Sequential(Linear(64, 32), Sigmoid(), Linear(32, 10))
        let p = model.parameters().map { Tensor($0.scalars, shape: $0.shape) }
        let hand = BackpropByHand.Weights(w1: p[0], b1: p[1], w2: p[2], b2: p[3])
        let x = Tensor.rand([16, 64], seed: 3)
        let labels = Tensor((0..<16).map { Float($0 % 10) })
        let (loss, grads) = withNoGrad { hand.gradients(x, Tensor.eye(10).indexSelect(alongAxis: 0, indices: labels)) }
        let autograd = crossEntropy(model(x), labels)
        autograd.backward()
        #expect(Swift.abs(loss - autograd.item) <= 1e-6)
        for (g, param) in zip(grads, model.parameters()) {
            #expect(g.shape == param.shape)
            #expect(BackpropByHand.maxDifference(g, param.grad!) <= 1e-6)
        }
    }

    @Test func backpropByHandGivesTheSameGradientsAndCurves() throws {
        try BackpropByHand.train(options(BackpropByHand.info, epochs: 2, limit: 256))
        let m = try metrics("backprop-by-hand")
        #expect(m["max_grad_diff"]!.allSatisfy { $0 <= 1e-6 })
        for (a, b) in zip(m["train_loss"]!, m["train_autograd_loss"]!) { #expect(Swift.abs(a - b) <= 1e-5) }
        #expect(m["test_accuracy_by_hand"] == m["test_accuracy_autograd"])
        expectFiles("backprop-by-hand", ["loss.png", "accuracy.png", "model.safetensors"])
    }

    @Test func optimizersCaseTrainsAllSixAndDrawsTrajectories() throws {
        let summary = try OptimizerComparison.train(options(OptimizerComparison.info, epochs: 1, limit: 2048))
        #expect(summary.contains("Rosenbrock closest"))
        let m = try metrics("optimizers")
        for name in ["sgd", "momentum", "adagrad", "rmsprop", "adam", "adamw"] {
            // 16 steps: every optimizer's mean loss over them is below chance, ln 10 ≈ 2.30, and its test accuracy above 50%.
            let loss = m["train_" + name]![0], accuracy = m["test_accuracy_" + name]![0]
            #expect(loss.isFinite && loss < 2.2 && accuracy > 0.5, "\(name): mean loss \(loss), test accuracy \(accuracy)")
        }
        expectFiles("optimizers", ["loss.png", "test_accuracy.png", "rosenbrock.png", "quadratic.png", "model_adam.safetensors"])
    }

    @Test func lossesCaseKeepsFivePercentOfTheMinorityAndReportsRecall() throws {
        let (train, _) = try DigitsMLP.data(DigitsMLP.info.defaults)
        let cut = LossComparison.imbalanced(train)
        let count = { (d: TensorDataset, c: Int) in d.labels.scalars.filter { Int($0) == c }.count }
        #expect(count(cut, 8) == Int((Double(count(train, 8)) * 0.05).rounded(.up)))
        #expect(count(cut, 3) == count(train, 3))
        let summary = try LossComparison.train(options(LossComparison.info, epochs: 2, limit: nil))
        #expect(summary.contains("focal_gamma5"))
        let m = try metrics("losses")
        // γ = 0 is cross-entropy: the same model, step for step.
        #expect(m["train_cross_entropy"] == m["train_focal_gamma0"])
        #expect(m["minority_recall_cross_entropy"] == m["minority_recall_focal_gamma0"])
        expectFiles("losses", ["minority_recall.png", "recall_vs_gamma.png"])
    }

    @Test func batchNormKeepsDeepActivationsAlive() throws {
        try BatchNormStudy.train(options(BatchNormStudy.info, epochs: 1, limit: 1280))
        let run = Report.latestRun(of: "batchnorm", in: out)
        let rows = try String(contentsOfFile: run + "/activations.csv", encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",").map(String.init) }
        let lastLayerStd = { (name: String) in rows.filter { $0[0] == name && $0[1] == "10" }.map { Double($0[4])! } }
        // PyTorch's default initialisation shrinks activations layer by layer; batch norm restores them.
        #expect(!lastLayerStd("plain_lr0.01").isEmpty)
        #expect(lastLayerStd("bn_lr0.01").min()! > 5 * lastLayerStd("plain_lr0.01").max()!)
        expectFiles("batchnorm", ["loss.png", "activation_std_bn_lr0.1.png", "activations_by_layer.png", "activations.csv"])
    }
}
