import Testing
@testable import DeepLearning

/// Tensor values: creation, seeded randomness, views that share storage, copy on write, printing.
@Suite struct TensorTests {
    // MARK: Creation

    @Test func nestedArrays() {
        let s = Tensor(2.5)
        #expect(s.shape == [] && s.item == 2.5 && s.count == 1)
        #expect(Tensor([1, 2, 3]).shape == [3])
        let m = Tensor([[1, 2, 3], [4, 5, 6]])
        #expect(m.shape == [2, 3] && m.scalars == [1, 2, 3, 4, 5, 6] && m.scalar(at: [1, 0]) == 4)
        let c = Tensor([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]])
        #expect(c.shape == [2, 3, 2] && c.scalar(at: [1, 2, 0]) == 11)
        let d = Tensor([[[[1], [2]]], [[[3], [4]]]])
        #expect(d.shape == [2, 1, 2, 1] && d.scalars == [1, 2, 3, 4])
        let flat = Tensor([1, 2, 3, 4, 5, 6], shape: [3, 2])
        #expect(flat.scalar(at: [2, 1]) == 6 && flat.isContiguous)
        #expect(!Tensor([1, 2]).requiresGrad)
    }

    @Test func filledTensors() {
        #expect(Tensor.zeros([2, 3]).scalars == [Float](repeating: 0, count: 6))
        #expect(Tensor.ones([4]).scalars == [1, 1, 1, 1])
        #expect(Tensor.full([2, 2], -1.5).scalars == [-1.5, -1.5, -1.5, -1.5])
        #expect(Tensor.zeros(like: Tensor.ones([3, 1])).shape == [3, 1])
        #expect(Tensor.zeros([0, 3]).count == 0)
        #expect(Tensor.eye(3).scalars == [1, 0, 0, 0, 1, 0, 0, 0, 1])
        #expect(Tensor.eye(2, 3).scalars == [1, 0, 0, 0, 1, 0])
        #expect(Tensor.eye(3, 2).shape == [3, 2] && Tensor.eye(3, 2).scalars == [1, 0, 0, 1, 0, 0])
    }

    @Test func ranges() {
        #expect(Tensor.arange(5).scalars == [0, 1, 2, 3, 4])
        #expect(Tensor.arange(1, 2, step: 0.25).scalars == [1, 1.25, 1.5, 1.75])
        #expect(Tensor.arange(5, 0, step: -2).scalars == [5, 3, 1])
        #expect(Tensor.arange(0, 1, step: 0.1).count == 10, "as torch.arange(0, 1, 0.1)")
        #expect(Tensor.arange(3, 3).count == 0)
        #expect(Tensor.linspace(0, 1, count: 5).scalars == [0, 0.25, 0.5, 0.75, 1])
        #expect(Tensor.linspace(-1, 1, count: 3).scalars == [-1, 0, 1])
        #expect(Tensor.linspace(2, 7, count: 1).scalars == [2])
        #expect(Tensor.linspace(0, 1, count: 0).count == 0)
        let l = Tensor.linspace(0, 1, count: 7).scalars
        #expect(l.first == 0 && l.last == 1 && Swift.abs(l[3] - 0.5) < 1e-7)
    }

    // MARK: Randomness

    /// Values pinned from an independent Python implementation of SplitMix64 → xoshiro256** and Box–Muller.
    @Test func seededRandomNumbersArePinned() {
        var g = RandomGenerator(seed: 0)
        #expect(g.next() == 0x99EC_5F36_CB75_F2B4)
        #expect(g.next() == 0xBF6E_1F78_4956_452A)
        #expect(Tensor.rand([3], seed: 42).scalars == [0.08386296033859253, 0.37898021936416626, 0.6800433993339539])
        #expect(Tensor.randn([4], seed: 0).scalars == [-0.01410679705440998, -1.0085865259170532, -1.8458950519561768, 1.0669282674789429])
    }

    @Test func theSameSeedGivesTheSameNumbers() {
        #expect(Tensor.randn([5, 7], seed: 11).scalars == Tensor.randn([5, 7], seed: 11).scalars)
        #expect(Tensor.rand([9], seed: 11).scalars == Tensor.rand([9], seed: 11).scalars)
        #expect(Tensor.randn([9], seed: 11).scalars != Tensor.randn([9], seed: 12).scalars)
        // A generator passed along gives the seed's stream too.
        var g = RandomGenerator(seed: 11)
        #expect(Tensor.randn([5, 7], using: &g).scalars == Tensor.randn([5, 7], seed: 11).scalars)
        let u = Tensor.uniform([1000], low: -2, high: 3, seed: 5).scalars
        #expect(u.allSatisfy { $0 >= -2 && $0 < 3 })
        let r = Tensor.rand([1000], seed: 5).scalars
        #expect(r.allSatisfy { $0 >= 0 && $0 < 1 })
    }

    @Test func normalSamplesHaveTheRightMoments() {
        let x = Tensor.randn([20_000], seed: 3)
        #expect(Swift.abs(x.mean().item) < 0.03)
        #expect(Swift.abs(x.variance(alongAxes: []).item - 1) < 0.03)
    }

    // MARK: Views and copy on write

    @Test func viewsShareStorageWithoutCopying() {
        let x = Tensor.randn([4, 6], seed: 1)
        let views: [(String, Tensor)] = [
            ("transposed", x.transposed()),
            ("reshaped", x.reshaped(to: [2, 12])),
            ("flattened", x.flattened()),
            ("permuted", x.reshaped(to: [2, 2, 6]).permuted([2, 0, 1])),
            ("sliced with step", x.sliced(alongAxis: 1, 1..<6, step: 2)),
            ("subscript", x[1]),
            ("column", x[.all, 3]),
            ("expanded", x[0].expanded(to: [5, 6])),
            ("unsqueezed", x.unsqueezed(at: 1)),
            ("squeezed", x.unsqueezed(at: 0).squeezed()),
            ("split", x.split(sizes: [1, 3], alongAxis: 0)[1]),
            ("contiguous of a contiguous", x.contiguous()),
            ("detached", x.detached()),
        ]
        for (name, v) in views { #expect(v.storage === x.storage, "\(name) copied") }
        // Reading through the views.
        #expect(x.transposed().scalar(at: [5, 2]) == x.scalar(at: [2, 5]))
        #expect(x.sliced(alongAxis: 1, 1..<6, step: 2).scalar(at: [3, 2]) == x.scalar(at: [3, 5]))
        #expect(x[.all, 3].scalars == (0..<4).map { x.scalar(at: [$0, 3]) })
        #expect(!x.transposed().isContiguous && x[1].isContiguous)
        // A view of a view that has no row-major layout cannot be reshaped in place: that one copies.
        #expect(x.transposed().reshaped(to: [24]).storage !== x.storage)
        #expect(x.transposed().contiguous().storage !== x.storage)
    }

    /// Strided copies and broadcasts walk their rows in chunks that start mid-tensor (split across cores):
    /// each element lands where its index says, for permuted, sliced and broadcast operands of several ranks.
    @Test func stridedRowsLandAtTheirIndices() {
        let x = Tensor.randn([6, 7, 40, 50], seed: 3)
        let views = [x.permuted([2, 0, 3, 1]), x.sliced(alongAxis: 2, 3..<37, step: 2).transposed(0, 3), x.transposed(1, 2)]
        for v in views {
            let c = v.contiguous().scalars
            var index = [Int](repeating: 0, count: v.rank), k = 0
            var ok = true
            repeat {
                ok = ok && c[k] == v.scalar(at: index)
                k += 1
                var d = v.rank - 1
                while d >= 0 { index[d] += 1; if index[d] < v.shape[d] { break }; index[d] = 0; d -= 1 }
            } while k < c.count
            #expect(ok, "contiguous() of a view of shape \(v.shape), strides \(v.strides)")
        }
        // a [6, 1, 40, 1] + b [1, 7, 1, 50] with b a transposed view: three operands with different strides.
        let a = Tensor.randn([6, 1, 40, 1], seed: 4), b = Tensor.randn([50, 7], seed: 5).transposed()
        let sum = (a + b.unsqueezed(at: 1).unsqueezed(at: 0)).scalars
        var wrong = 0
        for i in 0..<6 { for j in 0..<7 { for p in 0..<40 { for q in 0..<50 {
            let expected = a.scalar(at: [i, 0, p, 0]) + b.scalar(at: [j, q])
            if sum[((i * 7 + j) * 40 + p) * 50 + q] != expected { wrong += 1 }
        } } } }
        #expect(wrong == 0)
    }

    @Test func copyOnWrite() {
        let a = Tensor([[1, 2], [3, 4]])
        var b = a
        b.setScalar(9, at: [0, 1])
        #expect(a.scalars == [1, 2, 3, 4], "writing a copy leaves the original alone")
        #expect(b.scalars == [1, 9, 3, 4])
        var v = a.transposed()
        v.setScalar(7, at: [0, 1])
        #expect(a.scalars == [1, 2, 3, 4], "writing a view leaves its base alone")
        #expect(v.scalars == [1, 7, 2, 4])
        // A tensor that owns its storage alone is written in place, without a copy.
        var c = Tensor.zeros([3])
        let before = ObjectIdentifier(c.storage)
        c.setScalar(5, at: [2])
        #expect(ObjectIdentifier(c.storage) == before && c.scalars == [0, 0, 5])
        // assign is the explicit in-place write that every copy sees (optimizers, checkpoint loading).
        let p = Tensor.zeros([2])
        let alias = p
        p.assign(Tensor([3, 4]))
        #expect(alias.scalars == [3, 4])
    }

    // MARK: Printing

    @Test func printing() {
        #expect(Tensor([[1, 2], [3, 4]]).description == "tensor([[1., 2.],\n        [3., 4.]], shape: [2, 2])")
        #expect(Tensor(3.5).description == "tensor(3.5000, shape: [])")
        #expect(Tensor([1.5, -2.25]).description == "tensor([ 1.5000, -2.2500], shape: [2])")
        #expect(Tensor([1e-5, 2e-4]).description == "tensor([1.0000e-05, 2.0000e-04], shape: [2])")
        #expect(Tensor([Float.nan, .infinity, -.infinity, 1.5]).description == "tensor([   nan,    inf,   -inf, 1.5000], shape: [4])")
        #expect(Tensor.arange(0, 2000).description == "tensor([   0.,    1.,    2., ..., 1997., 1998., 1999.], shape: [2000])")
        #expect(Tensor.zeros([2, 1, 2]).description == "tensor([[[0., 0.]],\n\n        [[0., 0.]]], shape: [2, 1, 2])")
        #expect(Tensor.zeros([0, 3]).description == "tensor([], shape: [0, 3])")
        let w = Tensor([1, 2]).requiringGrad()
        #expect(w.description.hasSuffix("shape: [2], requiresGrad: true)"))
        #expect((w * 2).description.hasSuffix("shape: [2], gradFn: mul)"))
        #expect(Tensor([[1, 2], [3, 4]]).transposed().description == "tensor([[1., 3.],\n        [2., 4.]], shape: [2, 2])")
    }
}
