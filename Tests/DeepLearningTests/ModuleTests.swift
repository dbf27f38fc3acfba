import Testing
@testable import DeepLearning

final class TwoLayer: Module {
    let fc1 = Linear(4, 3)
    let act = ReLU()
    let fc2 = Linear(3, 2, bias: false)
    var runningMean = Tensor.zeros([2])
}

@Suite struct ModuleTests {
    @Test func stateDictKeysFollowPyTorch() {
        let m = TwoLayer()
        #expect(m.namedState().map(\.0) == ["running_mean", "fc1.weight", "fc1.bias", "fc2.weight"])
        #expect(m.namedParameters().map(\.0) == ["fc1.weight", "fc1.bias", "fc2.weight"])
        #expect(m.namedBuffers().map(\.0) == ["running_mean"])
        #expect(m.parameterCount == 4 * 3 + 3 + 3 * 2)
        let s = Sequential(Linear(2, 3), ReLU(), Linear(3, 1))
        #expect(s.namedParameters().map(\.0) == ["0.weight", "0.bias", "2.weight", "2.bias"])
    }

    @Test func trainAndEvalReachEverySubmodule() {
        let m = TwoLayer()
        m.eval()
        #expect(!m.isTraining && !m.fc1.isTraining && !m.act.isTraining)
        m.train()
        #expect(m.fc2.isTraining)
    }

    @Test func loadStateWritesInPlaceAndChecksShapes() throws {
        let m = TwoLayer()
        var state = Dictionary(uniqueKeysWithValues: m.namedState().map { ($0.0, Tensor.ones($0.1.shape)) })
        try m.loadState(state)
        #expect(m.fc1.weight.scalars.allSatisfy { $0 == 1 })
        state["fc1.bias"] = Tensor.ones([4])
        #expect(throws: ModuleError.self) { try m.loadState(state) }
    }
}
