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

@Suite struct LinearOpTests {
    @Test func linearMatchesItsComposition() {
        let x = Tensor.randn([2, 3, 4], seed: 1).requiringGrad(), w = Tensor.randn([5, 4], seed: 2).requiringGrad()
        let b = Tensor.randn([5], seed: 3).requiringGrad()
        let up = Tensor.randn([2, 3, 5], seed: 4)
        let fused = linear(x, weight: w, bias: b)
        (fused * up).sum().backward()
        let (gx, gw, gb) = (x.grad!, w.grad!, b.grad!)
        x.zeroGrad(); w.zeroGrad(); b.zeroGrad()
        let composed = x.matmul(w.transposed()) + b
        (composed * up).sum().backward()
        expectClose(fused, composed, "output")
        expectClose(gx, x.grad!, "∂x")
        expectClose(gw, w.grad!, "∂W")
        expectClose(gb, b.grad!, "∂b")
    }

    @Test func linearGradcheck() {
        expectGradcheck([Tensor.randn([3, 4], seed: 5), Tensor.randn([2, 4], seed: 6), Tensor.randn([2], seed: 7)], "linear with bias") {
            linear($0[0], weight: $0[1], bias: $0[2])
        }
        expectGradcheck([Tensor.randn([2, 2, 3], seed: 8), Tensor.randn([4, 3], seed: 9)], "linear without bias, 3-D input") {
            linear($0[0], weight: $0[1])
        }
    }
}
