import Foundation
import Testing
@testable import DeepLearning

/// AveragedModel and updateBatchNorm against `torch.optim.swa_utils` (fixtures by
/// Scripts/fixtures/averaged_model.py): state-dict keys, the averaged parameters and copied buffers after each of
/// three updates (EMA with decay 0.9, and the equal average), and the batch-norm statistics recomputed from two
/// batches.
@Suite struct AveragedModelTests {
    static let fixture = try! Fixture.load("averaged_model")

    static func model() -> Sequential { Sequential(Linear(3, 4), BatchNorm1d(4), ReLU(), Linear(4, 2)) }

    static func part(_ c: FixtureCase, _ key: String, _ index: Int? = nil) -> FixtureCase {
        let value = index.map { (c.values[key] as! [Any])[$0] } ?? c.values[key]!
        return FixtureCase(name: c.name + "." + key, values: value as! [String: Any])
    }

    func check(_ name: String, decay: Float?) throws -> (AveragedModel, FixtureCase) {
        let c = Self.fixture.case(name)
        let m = Self.model()
        let averaged = AveragedModel(m, copy: Self.model(), decay: decay)
        #expect(averaged.namedState().map(\.0) == c.values["keys"] as! [String], "\(name) keys")
        for i in 0..<3 {
            let state = Self.part(c, "states", i)
            try m.loadState(Dictionary(uniqueKeysWithValues: m.namedState().map { ($0.0, state.tensor($0.0)) }))
            averaged.updateParameters(m)
            let after = Self.part(c, "after\(i + 1)")
            for (key, t) in averaged.namedState() {
                expectClose(t, after.tensor(key), atol: 1e-6, "\(name): \(key) after update \(i + 1)")
            }
        }
        return (averaged, c)
    }

    @Test func exponentialMovingAverageFollowsPyTorch() throws {
        let (averaged, c) = try check("ema", decay: 0.9)
        averaged.eval()
        let batches = (c.values["batches"] as! [Any]).map { FixtureCase(name: "batch", values: ["x": $0]).tensor("x") }
        updateBatchNorm(averaged, inputs: batches)
        let norm = (averaged.module as! Sequential).layers[1] as! BatchNorm1d
        let bn = Self.part(c, "bn")
        expectClose(norm.runningMean!, bn.tensor("running_mean"), atol: 1e-6, "running mean over both batches")
        expectClose(norm.runningVar!, bn.tensor("running_var"), atol: 1e-6, "running variance over both batches")
        #expect(norm.numBatchesTracked!.item == Float(bn.int("num_batches_tracked")))
        #expect(norm.momentum == 0.1, "momentum restored")
        #expect(!averaged.isTraining && !norm.isTraining, "the model's mode restored (it was in eval mode)")
    }

    @Test func equalAverageFollowsPyTorch() throws { _ = try check("swa", decay: nil) }

    @Test func updateBatchNormLeavesAModelWithoutBatchNormAlone() {
        let m = Sequential(Linear(3, 2))
        m.eval()
        let before = m.namedState().map(\.1.scalars)
        updateBatchNorm(m, inputs: [Tensor.randn([4, 3], seed: 1)])
        #expect(m.namedState().map(\.1.scalars) == before)
        #expect(!m.isTraining)
    }
}
