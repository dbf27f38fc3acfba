import Testing
@testable import DeepLearning

@Suite struct EmbeddingTests {
    @Test func matchesPyTorchWithPadding() throws {
        let c = try Fixture.load("rnn").case("embedding_padding")
        let m = Embedding(7, 5, paddingIdx: 2)
        #expect(m.namedParameters().map(\.0) == ["weight"])
        try m.loadState(["weight": c.tensor("weight")])
        let y = m(c.tensor("indices"))
        expectClose(y, c.tensor("output"), "output")
        (y * c.tensor("r")).sum().backward()
        expectClose(m.weight.grad, c.tensor("grad.weight"), "gradient of the weight")
        #expect(m.weight.grad![2].scalars.allSatisfy { $0 == 0 }, "no gradient reaches the padding row")
    }

    @Test func initialisationIsStandardNormalWithZeroPaddingRow() {
        Tensor.manualSeed(3)
        let m = Embedding(200, 50, paddingIdx: -1)
        #expect(m.paddingIdx == 199)
        #expect(m.weight[199].scalars.allSatisfy { $0 == 0 })
        let w = m.weight[0..<199]
        #expect(Swift.abs(w.mean().item) < 0.02)
        #expect(Swift.abs(w.variance(alongAxes: []).item - 1) < 0.03)
    }

    @Test func anyIndexShapeAndRepeatedIndicesAccumulate() {
        let m = Embedding(4, 3)
        let idx = Tensor([1, 1, 3, 1, 0, 0], shape: [2, 1, 3])
        let y = m(idx)
        #expect(y.shape == [2, 1, 3, 3])
        #expect(y[0, 0, 2].scalars == m.weight[3].scalars)
        y.sum().backward()
        #expect(m.weight.grad!.scalars == [2, 2, 2, 3, 3, 3, 0, 0, 0, 1, 1, 1])
        #expect(m(Tensor(2)).shape == [3])
    }

    @Test func outOfRangeIndexStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Embedding(4, 3)(Tensor([0, 4]))
        }
        let text = result.map { String(decoding: $0.standardErrorContent, as: UTF8.self) } ?? ""
        #expect(text.contains("Embedding(4, 3): index 4 at position [1] of indices of shape [2] is out of range 0..<4"), "\(text)")
    }
}
