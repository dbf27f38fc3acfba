import Testing
@testable import DeepLearning

/// Ops that read indices stored as Floats stop with a message naming the op, the bad value and its position,
/// where Swift's `Int(_:)` would die with "Float value cannot be converted to Int" (issue 11, item 5).
/// Each case runs in a child process (an exit test) whose standard error is checked.
@Suite struct IndexErrorTests {
    @Test func embeddingNaNIndex() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Embedding(4, 2)(Tensor([1, .nan]))
        }
        ShapeErrorTests.expectMessage(result, "Embedding(4, 2): index nan at position [1] of indices of shape [2] is not a whole number")
    }

    @Test func embeddingIndexOutOfRange() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Embedding(4, 2)(Tensor([[0, 1], [4, 2]]))
        }
        ShapeErrorTests.expectMessage(result, "Embedding(4, 2): index 4 at position [1, 0] of indices of shape [2, 2] is out of range 0..<4")
    }

    @Test func embeddingHugeIndex() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = embedding(Tensor([1e30]), weight: Tensor.zeros([4, 2]))
        }
        ShapeErrorTests.expectMessage(result, "Embedding(4, 2): index 1e+30 at position [0] of indices of shape [1] is out of range 0..<4")
    }

    @Test func gatheringNonIntegerIndex() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).gathering(alongAxis: 1, indices: Tensor([[0, 1.5], [2, 0]]))
        }
        ShapeErrorTests.expectMessage(result, "gathering: index 1.5 at position [0, 1] of indices of shape [2, 2] is not a whole number")
    }

    @Test func gatheringNegativeIndex() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).gathering(alongAxis: 1, indices: Tensor([[0], [-1]]))
        }
        ShapeErrorTests.expectMessage(result, "gathering: index -1 at position [1, 0] of indices of shape [2, 1] is out of range 0..<3")
    }

    @Test func indexSelectInfiniteIndex() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([3, 2]).indexSelect(alongAxis: 0, indices: Tensor([0, .infinity]))
        }
        ShapeErrorTests.expectMessage(result, "indexSelect: index inf at position [1] of indices of shape [2] is not a whole number")
    }

    @Test func nllLossNaNTarget() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = nllLoss(Tensor.zeros([2, 3, 2]), Tensor([[0, 1], [.nan, 2]]))
        }
        ShapeErrorTests.expectMessage(result, "nllLoss: target nan at position [1, 0] of target of shape [2, 2] is not a whole number")
    }

    @Test func focalLossWithClassWeightsChecksTargetsFirst() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = focalLoss(Tensor.zeros([2, 3]), Tensor([0, 3]), alpha: Tensor([1, 1, 1]))
        }
        ShapeErrorTests.expectMessage(result, "focalLoss: target 3 at position [1] of target of shape [2] is out of range 0..<3")
    }

    /// The checked conversion gives the indices themselves, and −1 for an ignored target.
    @Test func checkedIndicesValues() {
        #expect(Tensor([[2, 0], [1, -100]]).checkedIndices(below: 3, op: "t", ignoring: -100) == [2, 0, 1, -1])
        #expect(Tensor([[2, 0], [1, 1]]).position(ofFlatIndex: 3) == [1, 1])
        #expect(Tensor(5).position(ofFlatIndex: 0) == [])
    }
}
