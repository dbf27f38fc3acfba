import Testing
@testable import DeepLearning

/// A shape mismatch stops the program with a message that names the op and both shapes. Each case runs in
/// a child process (a Swift Testing exit test) whose standard error is checked.
@Suite struct ShapeErrorTests {
    /// Expects the captured standard error to contain `message`.
    static func expectMessage(_ result: ExitTest.Result?, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains(message), "expected \"\(message)\" in: \(stderr)", sourceLocation: sourceLocation)
    }

    @Test func matmulInnerDimensions() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).matmul(Tensor.zeros([4, 5]))
        }
        Self.expectMessage(result, "matmul: [2, 3] × [4, 5]: inner dimensions 3 and 4 differ")
    }

    @Test func matmulBatchDimensions() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3, 4]).matmul(Tensor.zeros([3, 4, 5]))
        }
        Self.expectMessage(result, "matmul: shapes [2] and [3] cannot be broadcast together")
    }

    @Test func matmulVectorLengths() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([3]).matmul(Tensor.zeros([4]))
        }
        Self.expectMessage(result, "matmul: [3] × [4]: lengths 3 and 4 differ")
    }

    @Test func broadcastingAdd() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]) + Tensor.zeros([4])
        }
        Self.expectMessage(result, "add: shapes [2, 3] and [4] cannot be broadcast together")
    }

    @Test func broadcastingMul() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 1, 3]) * Tensor.zeros([4, 2])
        }
        Self.expectMessage(result, "mul: shapes [2, 1, 3] and [4, 2] cannot be broadcast together")
    }

    @Test func reshape() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).reshaped(to: [4, 2])
        }
        Self.expectMessage(result, "reshaped(to:): cannot reshape [2, 3] (6 elements) to [4, 2]")
    }

    @Test func reshapeWithInferredDimension() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).reshaped(to: [4, -1])
        }
        Self.expectMessage(result, "reshaped(to:): cannot reshape [2, 3] to [4, -1]")
    }

    @Test func concatenated() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.concatenated([Tensor.zeros([2, 3]), Tensor.zeros([2, 4])], alongAxis: 0)
        }
        Self.expectMessage(result, "concatenated: shapes [[2, 3], [2, 4]] differ outside axis 0")
    }

    @Test func linearWithTheWrongFeatureSize() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Linear(4, 3)(Tensor.zeros([2, 5]))
        }
        Self.expectMessage(result, "Linear(4, 3): input of shape [2, 5] has 5 features, expected 4")
    }

    @Test func backwardOfANonScalarNeedsAGradient() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            (Tensor.ones([2, 3]).requiringGrad() * 2).backward()
        }
        Self.expectMessage(result, "backward: a tensor of shape [2, 3] needs an explicit gradient")
    }
}
