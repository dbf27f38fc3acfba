import Testing
@testable import DeepLearning

/// The recurrent step's small-matrix product (Kernels/PackedGEMM.swift) against BLAS, on shapes that hit
/// every edge: rows not a multiple of the tile, columns not a multiple of the panel, k of 1, a tall A taken
/// in several blocks of rows and split across cores.
@Suite struct PackedGEMMTests {
    static let shapes: [(m: Int, n: Int, k: Int)] = [(1, 1, 1), (3, 5, 7), (9, 33, 4), (32, 512, 128), (32, 128, 512), (13, 70, 1),
                                                     (70, 40, 4096)]

    @Test(arguments: shapes.indices, [false, true])
    func productMatchesBLAS(_ index: Int, _ transposed: Bool) {
        let (m, n, k) = Self.shapes[index]
        let a = Tensor.randn([m, k], seed: 1)
        // B [k, n], stored as itself or as the matrix Bᵀ [n, k].
        let stored = Tensor.randn(transposed ? [n, k] : [k, n], seed: 2)
        let b = transposed ? stored.transposed(0, 1).contiguous() : stored
        let packed = PackedMatrix(packing: stored.pointer, rows: k, columns: n, transposed: transposed,
                                  leadingDimension: transposed ? k : n)
        let c0 = Tensor.randn([m, n], seed: 3)
        for accumulate in [false, true] {
            let ours = Tensor(c0.scalars, shape: [m, n]), reference = Tensor(c0.scalars, shape: [m, n])
            PackedGEMM.multiply(m: m, a.pointer, lda: k, packed, ours.pointer, ldc: n, accumulate: accumulate)
            GEMM.multiply(m: m, n: n, k: k,
                          MatrixOperand(pointer: a.pointer, transposed: false, leadingDimension: k),
                          MatrixOperand(pointer: b.pointer, transposed: false, leadingDimension: n),
                          reference.pointer, ldc: n, beta: accumulate ? 1 : 0)
            // BLAS sums in another order: the rounding of a k-term sum of O(1) products grows with k.
            expectClose(ours, reference, atol: 2e-7 * Float(k), "[\(m), \(k)]·[\(k), \(n)], B transposed: \(transposed), accumulate: \(accumulate)")
        }
    }

    @Test func leadingDimensionsWiderThanTheMatrices() {
        // A is the middle 4 columns of a [6, 10] matrix, C the first 7 columns of a [6, 9] one.
        let wideA = Tensor.randn([6, 10], seed: 4), b = Tensor.randn([4, 7], seed: 5)
        let packed = PackedMatrix(packing: b.pointer, rows: 4, columns: 7, transposed: false, leadingDimension: 7)
        let c = Tensor.zeros([6, 9])
        PackedGEMM.multiply(m: 6, wideA.pointer + 3, lda: 10, packed, c.pointer, ldc: 9, accumulate: false)
        expectClose(c.sliced(alongAxis: 1, 0..<7).contiguous(), wideA.sliced(alongAxis: 1, 3..<7).matmul(b), "strided A and C")
        #expect(c.sliced(alongAxis: 1, 7..<9).scalars.allSatisfy { $0 == 0 }, "columns past n untouched")
    }
}
