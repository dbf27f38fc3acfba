import Foundation
import Testing
@testable import DeepLearning

/// Semantics of the tape: explicit upstream gradients, accumulation across steps and across paths,
/// broadcast gradients summed back, no-grad scopes, detaching, and very long chains.
@Suite struct AutogradTests {
    /// The two-step network of Scripts/fixtures/ops.py: σ(relu(x·W₁ + b₁)·W₂ + b₂), mean squared error.
    static func twoStepLoss(_ x: Tensor, _ target: Tensor, _ p: [Tensor]) -> Tensor {
        let h = (x.matmul(p[0]) + p[1]).relu()
        return ((h.matmul(p[2]) + p[3]).sigmoid() - target).square().mean()
    }

    @Test func twoSuccessiveStepsGiveTheRightGradients() throws {
        let c = OpCases.fixture.case("two_steps")
        let x = c.tensor("x"), target = c.tensor("target")
        let params = (0..<4).map { c.tensor("p\($0)").requiringGrad() }
        let step1 = (0..<4).map { c.tensor("step1_g\($0)") }

        // Step 1.
        let loss1 = Self.twoStepLoss(x, target, params)
        #expect(Swift.abs(loss1.item - Float(c.number("loss1"))) <= 1e-6)
        loss1.backward()
        for i in 0..<4 { expectClose(params[i].grad, step1[i], "step 1, p\(i)") }

        // A fresh graph after zeroGrad: the same gradients, not twice them.
        for p in params { p.zeroGrad() }
        Self.twoStepLoss(x, target, params).backward()
        for i in 0..<4 { expectClose(params[i].grad, step1[i], "after zeroGrad, p\(i)") }

        // A fresh graph without zeroGrad: gradients accumulate.
        Self.twoStepLoss(x, target, params).backward()
        for i in 0..<4 { expectClose(params[i].grad, step1[i] * 2, "accumulated, p\(i)") }

        // An SGD step in place (p ← p − η·g with the step-1 gradient), zeroGrad, and a second step.
        let lr = Float(c.number("lr"))
        withNoGrad { for i in 0..<4 { params[i].assign(params[i] - lr * step1[i]) } }
        for p in params { p.zeroGrad() }
        let loss2 = Self.twoStepLoss(x, target, params)
        #expect(Swift.abs(loss2.item - Float(c.number("loss2"))) <= 1e-6)
        loss2.backward()
        for i in 0..<4 { expectClose(params[i].grad, c.tensor("step2_g\(i)"), "step 2, p\(i)") }
    }

    @Test func backwardWithAnExplicitUpstreamGradient() {
        let x = Tensor([[1, -2, 3], [4, 5, -6]]).requiringGrad()
        let up = Tensor([[0.5, 1, -1], [2, 0, 3]])
        (x * 3 + 1).backward(up)
        #expect(x.grad?.scalars == (up * 3).scalars)
        // A leaf can be the root: its gradient is the upstream itself.
        let leaf = Tensor([1, 2]).requiringGrad()
        leaf.backward(Tensor([5, 7]))
        #expect(leaf.grad?.scalars == [5, 7])
        // A one-element root defaults to the seed 1.
        let s = Tensor([2, 3]).requiringGrad()
        (s * s).sum().backward()
        #expect(s.grad?.scalars == [4, 6])
    }

    @Test func withNoGradRecordsNothing() {
        let x = Tensor.randn([2, 3], seed: 3).requiringGrad()
        let y = withNoGrad { (x * 2).exp().sum(alongAxis: 1) }
        #expect(!y.requiresGrad && y.gradFunctionName == nil)
        withNoGrad {
            withNoGrad { #expect(!(x + x).requiresGrad) }
            #expect(!(x + x).requiresGrad, "the outer scope is still without grad after a nested one ends")
        }
        #expect((x + x).gradFunctionName == "add", "recording resumes after the scope")
        #expect(x.requiresGrad && x.gradFunctionName == nil, "a leaf has no grad function")
    }

    @Test func withNoGradOnAnotherThreadDoesNotStopThisThreadsTape() {
        let entered = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            withNoGrad {
                entered.signal()
                release.wait()
            }
        }
        entered.wait()
        let x = Tensor([1, 2, 3]).requiringGrad()
        let y = (x * x).sum()
        release.signal()
        #expect(y.requiresGrad)
        y.backward()
        #expect(x.grad?.scalars == [2, 4, 6])
    }

    @Test func detachedCutsTheTape() {
        let x = Tensor([1, 2, 3]).requiringGrad()
        #expect(!x.detached().requiresGrad)
        #expect(!(x.detached() * 2).requiresGrad)
        (x * x.detached()).sum().backward()
        #expect(x.grad?.scalars == [1, 2, 3], "only the recorded path contributes: d(x·c)/dx = c")
    }

    @Test func broadcastGradientsAreSummedToTheInputShape() {
        let a = Tensor.randn([3, 4], seed: 4).requiringGrad()
        let row = Tensor.randn([4], seed: 5).requiringGrad()
        let scalar = Tensor(2).requiringGrad()
        let column = Tensor.randn([3, 1], seed: 6).requiringGrad()
        (a * row + scalar + column).sum().backward()
        #expect(row.grad?.shape == [4] && scalar.grad?.shape == [] && column.grad?.shape == [3, 1])
        expectClose(row.grad, a.detached().sum(alongAxis: 0), "row")
        #expect(scalar.grad?.item == 12)
        #expect(column.grad?.scalars == [4, 4, 4])
        // The 3-D case [2, 1, 3] with [4, 3].
        let p = Tensor.randn([2, 1, 3], seed: 7).requiringGrad(), q = Tensor.randn([4, 3], seed: 8).requiringGrad()
        (p - q).sum().backward()
        #expect(p.grad?.shape == [2, 1, 3] && p.grad?.scalars == [Float](repeating: 4, count: 6))
        #expect(q.grad?.shape == [4, 3] && q.grad?.scalars == [Float](repeating: -2, count: 12))
    }

    @Test func aTensorUsedTwiceAccumulatesBothPaths() {
        let x = Tensor([0.5, -1, 2]).requiringGrad()
        (x * x + x).sum().backward()  // d/dx = 2x + 1
        #expect(x.grad?.scalars == [2, -1, 5])
        // A diamond: both branches of one intermediate reach the root.
        let z = Tensor([0.3, 0.7]).requiringGrad()
        let e = z.exp()
        (e * 2 + e.square()).sum().backward()  // d/dz = 2eᶻ + 2e²ᶻ
        let ez = z.detached().exp()
        expectClose(z.grad, ez * 2 + ez.square() * 2, "diamond")
        // The same tensor as both operands of a broadcasting op and in a concatenation.
        let w = Tensor([1, 2]).requiringGrad()
        Tensor.concatenated([w, w * w], alongAxis: 0).sum().backward()
        #expect(w.grad?.scalars == [3, 5])
    }

    @Test func leafGradientsOwnTheirStorage() {
        // `a + b` sends one buffer back to both inputs, and with an explicit upstream that buffer is the
        // caller's: an in-place write to one gradient (gradient clipping) must reach neither of the others.
        let a = Tensor.ones([3]).requiringGrad(), b = Tensor.ones([3]).requiringGrad()
        let up = Tensor([1, 2, 3])
        (a + b).backward(up)
        #expect(a.grad!.storage !== b.grad!.storage && a.grad!.storage !== up.storage && b.grad!.storage !== up.storage)
        a.grad!.withUnsafeMutableElements { $0[0] = 100 }
        #expect(b.grad?.scalars == [1, 2, 3] && up.scalars == [1, 2, 3])
        let leaf = Tensor([1, 2]).requiringGrad()
        let seed = Tensor([5, 7])
        leaf.backward(seed)
        #expect(leaf.grad!.storage !== seed.storage)
    }

    @Test func intermediateGradientsAreNotKept() {
        let x = Tensor([1, 2]).requiringGrad()
        let h = x * 3
        (h * h).sum().backward()
        #expect(h.grad == nil, "only leaves keep gradients, as in PyTorch without retain_grad")
        #expect(x.grad?.scalars == [18, 36])
    }

    /// 50,000 ops in one chain: backward visits them without recursion, and releasing the graph does not
    /// recurse either (before GradNode's deinit unlinked the chain, about 40,000 nodes crashed on release).
    @Test func aLongChainDoesNotOverflowTheStack() {
        let x = Tensor([1, 2]).requiringGrad()
        do {
            var y = x
            for _ in 0..<25_000 { y = y * 1.00004 + 0.5 }
            y.sum().backward()
        }  // the graph is released here
        let expected = Float(Foundation.pow(Double(Float(1.00004)), 25_000))
        expectClose(x.grad, Tensor([expected, expected]), rtol: 1e-3, "chain")
    }

    /// `backward(retainGraph: true)` keeps the graph: a second pass adds the same gradients again (the
    /// error without it is an exit test, ErrorExample "backward-twice").
    @Test func retainGraphAllowsASecondBackward() {
        let x = Tensor([1, 2, 3]).requiringGrad()
        let loss = (x * x).exp().sum()
        loss.backward(retainGraph: true)
        let first = x.grad!
        loss.backward()
        expectClose(x.grad, first * 2, "two passes")
    }

    /// After a backward pass the graph's saved tensors are freed (the loss may live on, its memory does not).
    @Test func backwardFreesTheSavedTensors() {
        let a = Tensor.randn([4], seed: 0).requiringGrad()
        weak var saved: Storage?
        let loss: Tensor = {
            let b = Tensor.randn([4], seed: 1)  // saved by the product's backward rule only
            saved = b.storage
            return (a * b).sum()
        }()
        #expect(saved != nil)
        loss.backward()
        #expect(saved == nil, "the product's saved input outlived backward")
        #expect(a.grad != nil && loss.requiresGrad)
    }

    /// A graph that shares a part with a graph already backpropagated through (h below) cannot reach the
    /// freed part, but the parts of its own still work: here the second loss uses h only through a detached copy.
    @Test func aNewGraphOverAFreshForwardPassWorksAfterBackward() {
        let x = Tensor([1, 2]).requiringGrad()
        let h = x * 3
        (h * h).sum().backward()
        (h.detached() * x).sum().backward()
        #expect(x.grad?.scalars == [18 + 3, 36 + 6])
    }
}
