import Testing
@testable import DeepLearning

/// Subscripts as NumPy/PyTorch users write them, reading (views) and writing (subscript assignment,
/// setScalar, compound assignment), and hand-written parameter updates inside withNoGrad.
@Suite struct IndexingTests {
    /// 0, 1, …, 23 as [2, 3, 4].
    static let x = Tensor.arange(24).reshaped(to: [2, 3, 4])

    /// The elements of `x` at the given (i, j, k) lists, row-major, as NumPy's `x[ix_(i, j, k)]`.
    static func pick(_ i: [Int], _ j: [Int], _ k: [Int]) -> [Float] {
        i.flatMap { a in j.flatMap { b in k.map { c in Float(a * 12 + b * 4 + c) } } }
    }

    @Test func rangesInAnyPosition() {
        let x = Self.x
        #expect(x[.all, 0..<2].shape == [2, 2, 4] && x[.all, 0..<2].scalars == Self.pick([0, 1], [0, 1], [0, 1, 2, 3]))
        #expect(x[1..., ..<2].scalars == Self.pick([1], [0, 1], [0, 1, 2, 3]))
        #expect(x[..., 0].shape == [2, 3] && x[..., 0].scalars == Self.pick([0, 1], [0, 1, 2], [0]))
        #expect(x[.ellipsis, 1..., 3].scalars == Self.pick([0, 1], [1, 2], [3]))
        #expect(x[0, .all, 1...2].scalars == Self.pick([0], [0, 1, 2], [1, 2]))
        #expect(x[.all, ...1, 2].scalars == Self.pick([0, 1], [0, 1], [2]))
    }

    @Test func negativeIndicesStepsAndClipping() {
        let x = Self.x
        #expect(x[-1].scalars == x[1].scalars)
        #expect(x[.all, -1, -2].scalars == Self.pick([0, 1], [2], [2]))
        #expect(x[.all, .all, (-3)...].scalars == Self.pick([0, 1], [0, 1, 2], [1, 2, 3]))
        #expect(x[.all, .all, ..<(-1)].scalars == Self.pick([0, 1], [0, 1, 2], [0, 1, 2]))
        #expect(x[.all, .all, .slice(step: 2)].scalars == Self.pick([0, 1], [0, 1, 2], [0, 2]))
        #expect(x[.all, .slice(1, nil, step: 2), .range(1..<4, step: 2)].scalars == Self.pick([0, 1], [1], [1, 3]))
        #expect(x[0..<10].shape == [2, 3, 4], "slice bounds past the end are clipped, as Python's")
        #expect(x[.all, 5...].shape == [2, 0, 4])
        #expect(x[.newAxis, .all, 0].shape == [1, 2, 4])
    }

    @Test func subscriptsAreDifferentiable() {
        let result = gradcheck([Tensor.randn([3, 4, 5], seed: 0)]) { t in t[0][..., 1..., (-2)...] * 3 }
        #expect(result.passed, "\(result)")
    }

    @Test func assignmentThroughTheSameSubscripts() {
        var y = Tensor.zeros([3, 4])
        y[0] = Tensor([1, 2, 3, 4])
        y[.all, 1] = Tensor(7)  // a scalar fills
        y[1..., 2...] = Tensor([[5, 6], [8, 9]])
        y[-1, ..<1] = Tensor([[-1]])  // leading 1s dropped, as torch's copy_
        #expect(y.scalars == [1, 7, 3, 4, 0, 7, 5, 6, -1, 7, 8, 9])
        var z = Tensor.arange(5)
        z[1...] = z[..<4]  // overlapping source: read in full first
        #expect(z.scalars == [0, 0, 1, 2, 3])
    }

    /// A tensor that is not a parameter is a value: writing into a view's copy never changes the tensor it
    /// came from, and setScalar and subscript assignment do the same thing.
    @Test func setScalarAndSubscriptAssignmentAgreeOnAView() {
        let x = Self.x
        var a = x[.all, 1], b = x[.all, 1]
        a.setScalar(-5, at: [1, 2])
        b[1, 2] = Tensor(-5)
        #expect(a.scalars == b.scalars && a.scalars == [4, 5, 6, 7, 16, 17, -5, 19])
        #expect(x.scalars == Tensor.arange(24).scalars, "the original changed")
    }

    @Test func compoundAssignmentWithScalars() {
        var x = Tensor([1, 2, 3])
        let original = x
        x *= 2
        x += 1
        x[0] -= 10
        x /= Tensor([1, 2, 4])
        #expect(x.scalars == [-7, 2.5, 1.75] && original.scalars == [1, 2, 3])
    }

    /// h[0] = b on a tensor of the tape: the gradient of the written row goes to b, the rest to a.
    @Test func writingIntoATensorOnTheTape() {
        let result = gradcheck([Tensor.randn([3, 4], seed: 1), Tensor.randn([2], seed: 2)]) { t in
            var h = t[0] * 2
            h[1..., 1] = t[1]
            h[0] = Tensor(5)
            return h.exp()
        }
        #expect(result.passed, "\(result)")
    }

    /// The first loop of every autograd tutorial: w -= lr * w.grad! inside withNoGrad updates w in place,
    /// keeps it a leaf that requires grad (so the next backward works), and every alias of it (a model's
    /// property, an optimizer's list) sees the new values.
    @Test func handWrittenGradientDescent() {
        let x = Tensor([1, 2, 3, 4], shape: [4, 1]), y = x * 3 + 2
        var w = Tensor.zeros([1]).requiringGrad(), b = Tensor.zeros([1]).requiringGrad()
        let alias = w
        let optimizer = SGD([w, b], lr: 0)  // holds the same parameters
        for _ in 0..<500 {
            let loss = (x * w + b - y).square().mean()
            loss.backward()
            withNoGrad {
                w -= 0.05 * w.grad!
                b -= 0.05 * b.grad!
            }
            w.zeroGrad(); b.zeroGrad()
        }
        #expect(Swift.abs(w.item - 3) < 1e-3 && Swift.abs(b.item - 2) < 1e-3, "w \(w.item), b \(b.item)")
        #expect(w.requiresGrad && w.gradFunctionName == nil, "w is no longer a leaf that requires grad")
        #expect(alias.scalars == w.scalars && optimizer.parameters[0].scalars == w.scalars)
        let linear = Linear(2, 1)
        var weight = linear.weight
        withNoGrad { weight[0, 1] = Tensor(9); weight *= 2 }
        #expect(linear.weight.scalar(at: [0, 1]) == 18)
    }
}
