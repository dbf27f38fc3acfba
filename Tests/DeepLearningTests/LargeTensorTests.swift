import Foundation
import Testing
@testable import DeepLearning

/// Ops on tensors large enough to be split across threads (`Parallel.forEach`) or to take the batched-GEMM
/// path, against references computed element by element in Double. The fixture cases are small and run
/// the serial paths; these cover the others.
@Suite struct LargeTensorTests {
    static let x = Tensor.randn([400, 300], seed: 21)
    static let row = Tensor.randn([300], seed: 22)
    static let column = Tensor.randn([400, 1], seed: 23)

    /// Expects `actual` to equal `reference` (row-major values of `shape`) within atol + 1e-5·|ref|. Sums of
    /// hundreds of float32 terms that cancel need an atol of about 1e-5; a wrong chunk or row gives O(1) errors.
    static func expectMatches(_ actual: Tensor, _ shape: [Int], _ reference: [Double], _ what: String, atol: Float = 1e-6,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        expectClose(actual, Tensor(reference.map { Float($0) }, shape: shape), atol: atol, what, sourceLocation: sourceLocation)
    }

    @Test func unaryKernels() {
        let v = Self.x.scalars.map(Double.init)
        Self.expectMatches(Self.x.exp(), [400, 300], v.map { Foundation.exp($0) }, "exp")
        Self.expectMatches(Self.x.tanh(), [400, 300], v.map { Foundation.tanh($0) }, "tanh")
        Self.expectMatches(Self.x.sigmoid(), [400, 300], v.map { 1 / (1 + Foundation.exp(-$0)) }, "sigmoid")
        Self.expectMatches(Self.x.abs().log(), [400, 300], v.map { Foundation.log(Swift.abs($0)) }, "log")
        Self.expectMatches(Self.x.transposed().relu(), [300, 400],
                           (0..<300).flatMap { j in (0..<400).map { i in Swift.max(0, v[i * 300 + j]) } }, "relu of a transposed view")
    }

    @Test func broadcastingKernels() {
        let v = Self.x.scalars.map(Double.init), r = Self.row.scalars.map(Double.init), c = Self.column.scalars.map(Double.init)
        let y = Tensor.randn([400, 300], seed: 24)
        let w = y.scalars.map(Double.init)
        Self.expectMatches(Self.x + y, [400, 300], zip(v, w).map { $0 + $1 }, "same shape")
        Self.expectMatches(Self.x * Self.row, [400, 300], v.indices.map { v[$0] * r[$0 % 300] }, "row")
        Self.expectMatches(Self.column - Self.row, [400, 300], v.indices.map { c[$0 / 300] - r[$0 % 300] }, "outer")
        Self.expectMatches(Self.x.transposed() / (Self.row.abs() + 1).unsqueezed(at: 1), [300, 400],
                           (0..<300).flatMap { j in (0..<400).map { i in v[i * 300 + j] / (Swift.abs(r[j]) + 1) } }, "transposed")
    }

    @Test func reductions() {
        let v = Self.x.scalars.map(Double.init)
        Self.expectMatches(Self.x.sum(alongAxis: 0), [300], (0..<300).map { j in (0..<400).reduce(0) { $0 + v[$1 * 300 + j] } }, "sum 0", atol: 5e-5)
        Self.expectMatches(Self.x.sum(alongAxis: 1), [400], (0..<400).map { i in v[(i * 300)..<(i * 300 + 300)].reduce(0, +) }, "sum 1", atol: 5e-5)
        Self.expectMatches(Self.x.max(alongAxis: 0), [300], (0..<300).map { j in (0..<400).map { v[$0 * 300 + j] }.max()! }, "max 0")
        Self.expectMatches(Self.x.min(alongAxis: 1), [400], (0..<400).map { i in v[(i * 300)..<(i * 300 + 300)].min()! }, "min 1")
        Self.expectMatches(Self.x.sum(), [], [v.reduce(0, +)], "sum all", atol: 1e-3)
    }

    @Test func softmaxAlongBothAxes() {
        let v = Self.x.scalars.map(Double.init)
        func softmax(_ values: [Double]) -> [Double] {
            let m = values.max()!, e = values.map { Foundation.exp($0 - m) }, s = e.reduce(0, +)
            return e.map { $0 / s }
        }
        Self.expectMatches(Self.x.softmax(alongAxis: 1), [400, 300],
                           (0..<400).flatMap { i in softmax(Array(v[(i * 300)..<(i * 300 + 300)])) }, "softmax 1")
        let columns = (0..<300).map { j in softmax((0..<400).map { v[$0 * 300 + j] }) }
        Self.expectMatches(Self.x.softmax(alongAxis: 0), [400, 300], (0..<400).flatMap { i in (0..<300).map { columns[$0][i] } }, "softmax 0")
    }

    @Test func stridedCopies() {
        let v = Self.x.scalars
        #expect(Self.x.transposed().contiguous().scalars == (0..<300).flatMap { j in (0..<400).map { v[$0 * 300 + j] } })
        #expect(Self.x.sliced(alongAxis: 1, 1..<300, step: 3).contiguous().scalars
                == (0..<400).flatMap { i in stride(from: 1, to: 300, by: 3).map { v[i * 300 + $0] } })
        let c = Tensor.concatenated([Self.x, Self.x * 2], alongAxis: 1)
        #expect(c.shape == [400, 600] && c[.all, .range(300..<600, step: 1)].scalars == (Self.x * 2).scalars)
    }

    @Test func matrixProducts() {
        func reference(_ a: [Float], _ b: [Float], m: Int, k: Int, n: Int) -> [Double] {
            (0..<m).flatMap { i in (0..<n).map { j in (0..<k).reduce(0.0) { $0 + Double(a[i * k + $1]) * Double(b[$1 * n + j]) } } }
        }
        // One large product (BLAS with its own threads).
        let a = Tensor.randn([120, 300], seed: 25), b = Tensor.randn([300, 90], seed: 26)
        Self.expectMatches(a.matmul(b), [120, 90], reference(a.scalars, b.scalars, m: 120, k: 300, n: 90), "2-D", atol: 5e-5)
        // Many small products, spread over our threads with single-threaded BLAS.
        let p = Tensor.randn([64, 8, 9], seed: 27), q = Tensor.randn([64, 9, 7], seed: 28)
        let expected = (0..<64).flatMap { i in reference(p[i].scalars, q[i].scalars, m: 8, k: 9, n: 7) }
        Self.expectMatches(p.matmul(q), [64, 8, 7], expected, "batched")
        Self.expectMatches(p.transposed().transposed().matmul(q.transposed(1, 2).transposed(1, 2)), [64, 8, 7], expected, "batched views")
    }

    @Test func gradientsOfLargeBroadcasts() {
        let x = Self.x.requiringGrad(), r = Self.row.requiringGrad()
        (x * r).sum().backward()
        let v = Self.x.scalars.map(Double.init)
        Self.expectMatches(r.grad!, [300], (0..<300).map { j in (0..<400).reduce(0) { $0 + v[$1 * 300 + j] } }, "row gradient", atol: 5e-5)
        #expect(x.grad?.scalars == Tensor.ones([400, 1]).matmul(Self.row.unsqueezed(at: 0)).scalars)
    }
}
