import Foundation
import Testing
@testable import DeepLearning

/// Losses against PyTorch (Scripts/fixtures/optim.py): the loss for each reduction and the gradient of
/// Σ loss ⊙ r with respect to the input (and the target, where PyTorch gives one).
@Suite struct LossTests {
    static let fixture = try! Fixture.load("optim")

    /// Names of the fixture cases computed by PyTorch function `fn`.
    static func cases(_ fn: String) -> [String] {
        fixture.cases.filter { ($0.value["fn"] as? String) == fn }.map(\.key).sorted()
    }

    /// Evaluates `loss` on the case's inputs and checks output and gradients.
    func check(_ name: String, _ loss: (FixtureCase, [String: Tensor], Reduction) -> Tensor) {
        let c = Self.fixture.case(name)
        let reduction: Reduction = ["mean": .mean, "sum": .sum, "none": .none][c.string("reduction")]!
        var inputs: [String: Tensor] = [:]
        for key in ["input", "target", "weight", "pos_weight", "alpha_weight"] where c.has(key) {
            inputs[key] = c.has("d_" + key) ? c.tensor(key).requiringGrad() : c.tensor(key)
        }
        let out = loss(c, inputs, reduction)
        expectClose(out, c.tensor("out"), "\(name): loss")
        (out * c.tensor("r")).sum().backward()
        for key in ["input", "target"] where c.has("d_" + key) {
            expectClose(inputs[key]!.grad, c.tensor("d_" + key), "\(name): gradient of \(key)")
        }
    }

    @Test(arguments: cases("mse")) func mse(_ name: String) {
        check(name) { _, x, r in mseLoss(x["input"]!, x["target"]!, reduction: r) }
    }

    @Test(arguments: cases("cross_entropy")) func crossEntropyMatchesPyTorch(_ name: String) {
        check(name) { c, x, r in
            crossEntropy(x["input"]!, x["target"]!, weight: x["weight"],
                         labelSmoothing: c.has("label_smoothing") ? Float(c.number("label_smoothing")) : 0,
                         ignoreIndex: c.has("ignore_index") ? c.int("ignore_index") : nil, reduction: r)
        }
    }

    @Test(arguments: cases("nll")) func nllMatchesPyTorch(_ name: String) {
        check(name) { c, x, r in
            nllLoss(x["input"]!, x["target"]!, weight: x["weight"], ignoreIndex: c.has("ignore_index") ? c.int("ignore_index") : nil,
                    reduction: r)
        }
    }

    @Test(arguments: cases("bce")) func binaryCrossEntropyMatchesPyTorch(_ name: String) {
        check(name) { _, x, r in binaryCrossEntropy(x["input"]!, x["target"]!, weight: x["weight"], reduction: r) }
    }

    @Test(arguments: cases("bce_logits")) func binaryCrossEntropyWithLogitsMatchesPyTorch(_ name: String) {
        check(name) { _, x, r in
            binaryCrossEntropyWithLogits(x["input"]!, x["target"]!, weight: x["weight"], posWeight: x["pos_weight"], reduction: r)
        }
    }

    @Test(arguments: cases("sigmoid_focal")) func sigmoidFocalMatchesTorchvision(_ name: String) {
        check(name) { c, x, r in
            let alpha: Float? = !c.has("alpha") ? 0.25 : c.values["alpha"] is NSNull ? nil : Float(c.number("alpha"))
            return sigmoidFocalLoss(x["input"]!, x["target"]!, alpha: alpha, gamma: c.has("gamma") ? Float(c.number("gamma")) : 2,
                                    reduction: r)
        }
    }

    @Test(arguments: cases("focal")) func focalMatchesReference(_ name: String) {
        check(name) { c, x, r in
            let gamma = c.has("gamma") ? Float(c.number("gamma")) : 2
            if let w = x["alpha_weight"] { return focalLoss(x["input"]!, x["target"]!, alpha: w, gamma: gamma, reduction: r) }
            return focalLoss(x["input"]!, x["target"]!, alpha: c.has("alpha") ? Float(c.number("alpha")) : nil, gamma: gamma, reduction: r)
        }
    }

    @Test func everyLossFamilyHasCases() {
        for fn in ["mse", "cross_entropy", "nll", "bce", "bce_logits", "sigmoid_focal", "focal"] {
            #expect(Self.cases(fn).count >= 3, "\(fn)")
        }
    }

    @Test func crossEntropyEqualsNLLOfLogSoftmax() {
        let x = Tensor.randn([7, 5], seed: 3), y = Tensor([0, 4, 2, 2, 1, 3, 0])
        expectClose(crossEntropy(x, y), nllLoss(x.logSoftmax(alongAxis: 1), y), "crossEntropy vs nllLoss(logSoftmax)")
    }

    @Test func crossEntropyGradientsPassGradcheck() {
        let y = Tensor([[0, 2], [1, 1], [2, 0]])  // [N = 3, d = 2]
        let w = Tensor([0.5, 1, 2])
        expectGradcheck([Tensor.randn([3, 3, 2], seed: 5)], "crossEntropy") { t in
            crossEntropy(t[0], y, weight: w, labelSmoothing: 0.1, ignoreIndex: 1, reduction: .none)
        }
    }

    @Test func fusedCrossEntropyDoesNotRecordUnderNoGrad() {
        let x = Tensor.randn([4, 3], seed: 1).requiringGrad()
        let loss = withNoGrad { crossEntropy(x, Tensor([0, 1, 2, 1])) }
        #expect(!loss.requiresGrad)
    }

    @Test func binaryCrossEntropyClampsTheLog() {
        let loss = binaryCrossEntropy(Tensor([0, 1]), Tensor([1, 0]), reduction: .none)
        expectClose(loss, Tensor([100, 100]), "log clamped at -100")
    }

    @Test func bceWithLogitsIsStableForLargeLogits() {
        let loss = binaryCrossEntropyWithLogits(Tensor([100, -100, 30]), Tensor([1, 0, 1]), reduction: .none)
        expectClose(loss, Tensor([0, 0, Float(Foundation.exp(-30.0))]), "large logits")
    }

    // Programmer errors stop with a message naming the loss (exit tests, run in a child process).

    static func expectMessage(_ result: ExitTest.Result?, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains(message), "expected \"\(message)\" in: \(stderr)", sourceLocation: sourceLocation)
    }

    @Test func outOfRangeClassIndexNamesLossIndexAndClasses() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = crossEntropy(Tensor.zeros([2, 5]), Tensor([1, 7]))
        }
        Self.expectMessage(result, "crossEntropy: target 7 at position [1] of target of shape [2] is out of range 0..<5")
    }

    @Test func targetShapeMismatchNamesShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = nllLoss(Tensor.zeros([2, 5, 3]), Tensor([1, 2]))
        }
        Self.expectMessage(result, "nllLoss: target of shape [2] for input of shape [2, 5, 3], expected [2, 3]")
    }

    @Test func nonIntegerClassIndexIsRejected() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = focalLoss(Tensor.zeros([2, 3]), Tensor([0.5, 1]))
        }
        Self.expectMessage(result, "focalLoss: target 0.5 at position [0] of target of shape [2] is not a whole number")
    }
}
