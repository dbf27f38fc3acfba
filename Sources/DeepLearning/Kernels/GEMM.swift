import CBLAS

/// A matrix operand for GEMM: a pointer, whether it is read transposed, and its leading dimension.
/// Transposes are passed to BLAS as flags, never materialised.
struct MatrixOperand {
    var pointer: UnsafePointer<Float>
    var transposed: Bool
    var leadingDimension: Int
}

enum GEMM {
    /// Makes OpenBLAS use the kernels the CPU supports when it did not recognise the CPU (see
    /// `dl_blas_select_kernels` in Sources/CBLAS/shim.h); runs once, before the first product.
    static let kernelsSelected: Void = dl_blas_select_kernels()

    /// C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C, row-major, through `cblas_sgemm`. Runs beside
    /// other threads' GEMMs, but never while another thread's single-threaded-BLAS loop has BLAS at one
    /// thread (see `BLASGate`): OpenBLAS's result depends on its thread count ([64, 784]·[784, 128] differs
    /// in the last bits between 1 and 2 threads).
    ///
    /// An empty product (k = 0) is C = beta · C, as `torch.addmm` gives: BLAS returns without writing C
    /// when k = 0 (a [2, 0]·[0, 3] product was left uninitialised), so it is done here.
    @inline(__always)
    static func multiply(m: Int, n: Int, k: Int, _ a: MatrixOperand, _ b: MatrixOperand,
                         _ c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float = 1, beta: Float = 0) {
        if m == 0 || n == 0 { return }
        if k == 0 { return scale(m: m, n: n, c, ldc: ldc, by: beta) }
        _ = kernelsSelected
        if isSplit(m: m, n: n, k: k) {
            return multiplySplit(m: m, n: n, k: k, a, b, c, ldc: ldc, alpha: alpha, beta: beta)
        }
        BLASGate.shared { multiplyUnguarded(m: m, n: n, k: k, a, b, c, ldc: ldc, alpha: alpha, beta: beta) }
    }

    /// Whether a product is split across our workers (``multiplySplit``) rather than run as one BLAS call.
    static func isSplit(m: Int, n: Int, k: Int) -> Bool {
        Parallel.threadCount > 1 && !BLASGate.isInsideSingleThreadedLoop && m * n * k >= 1 << 20 && max(m, n) >= 2 * splitBlock
    }

    /// ``multiply(m:n:k:_:_:_:ldc:alpha:beta:)`` with work on rows of C just before and just after their
    /// product: `before(rows)` and `after(rows)` run on the core that multiplies those rows, so a layer's bias
    /// copy and activation touch rows still in that core's cache, with no pass over the whole matrix of their
    /// own. When the product is not split by rows, `before` runs over all rows (split across cores, `rowCost`
    /// per row) before it, `after` after it. C's elements have the bits of
    /// ``multiply(m:n:k:_:_:_:ldc:alpha:beta:)``'s.
    static func multiply(m: Int, n: Int, k: Int, _ a: MatrixOperand, _ b: MatrixOperand,
                         _ c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float = 1, beta: Float = 0, rowCost: Int,
                         before: ((Range<Int>) -> Void)?, after: ((Range<Int>) -> Void)?) {
        _ = kernelsSelected
        if k > 0 && n > 0 && isSplit(m: m, n: n, k: k) && m >= n {
            return multiplySplit(m: m, n: n, k: k, a, b, c, ldc: ldc, alpha: alpha, beta: beta, before: before, after: after)
        }
        if let before { Parallel.forEach(m, costPerItem: rowCost, before) }
        multiply(m: m, n: n, k: k, a, b, c, ldc: ldc, alpha: alpha, beta: beta)
        if let after { Parallel.forEach(m, costPerItem: rowCost, after) }
    }

    /// Blocks of ``splitBlock`` rows (or columns) in `count`.
    private static func blocks(_ count: Int) -> Int { (count + splitBlock - 1) / splitBlock }

    /// The rows (or columns) of the blocks `range`, the last one cut at `count`.
    private static func rowRange(_ range: Range<Int>, of count: Int) -> Range<Int> {
        (range.lowerBound * splitBlock)..<min(range.upperBound * splitBlock, count)
    }

    /// Rows (or columns) per block of a split product: a multiple of the BLAS micro-kernels' tile.
    static let splitBlock = 16

    /// The product split across our workers, each part one single-threaded BLAS call: blocks of
    /// ``splitBlock`` rows of C (columns when C has fewer rows than columns). OpenBLAS's own threads keep
    /// the cores on a schedule of their own (0.3.21's spin, yielding in a loop, for about 2²⁸ cycles after
    /// each call) and fought our workers for them; with every large product on our workers, `deep bench
    /// transformer` on 2 cores went from 34.9–39.3 to 42.4–51.8 steps/s (4 runs each, alternating) and
    /// char-transformer's training from 12.2–12.7 K to 13.6–14.4 K characters/s. Each element of C is the
    /// same single-threaded BLAS dot product whatever the split, so results do not depend on the number
    /// of workers.
    /// `before` and `after` (row splits only) run on each block of rows, before and after its product.
    private static func multiplySplit(m: Int, n: Int, k: Int, _ a: MatrixOperand, _ b: MatrixOperand,
                                      _ c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float,
                                      before: ((Range<Int>) -> Void)? = nil, after: ((Range<Int>) -> Void)? = nil) {
        let byRows = m >= n
        Parallel.forEachWithSingleThreadedBLAS(blocks(byRows ? m : n), costPerItem: splitBlock * (byRows ? n : m) * k / 16) { range in
            let part = rowRange(range, of: byRows ? m : n), (first, end) = (part.lowerBound, part.upperBound)
            if byRows {
                before?(part)
                var a = a
                a.pointer += a.transposed ? first : first * a.leadingDimension
                multiplyUnguarded(m: end - first, n: n, k: k, a, b, c + first * ldc, ldc: ldc, alpha: alpha, beta: beta)
                after?(part)
            } else {
                var b = b
                b.pointer += b.transposed ? first * b.leadingDimension : first
                multiplyUnguarded(m: m, n: end - first, k: k, a, b, c + first, ldc: ldc, alpha: alpha, beta: beta)
            }
        }
    }

    /// C[m×n] = beta · C; zeros when beta is 0 (whatever C held, NaN included, as BLAS's beta = 0).
    private static func scale(m: Int, n: Int, _ c: UnsafeMutablePointer<Float>, ldc: Int, by beta: Float) {
        for i in 0..<m {
            let row = c + i * ldc
            if beta == 0 {
                row.update(repeating: 0, count: n)
            } else if beta != 1 {
                for j in 0..<n { row[j] *= beta }
            }
        }
    }

    @inline(__always)
    private static func multiplyUnguarded(m: Int, n: Int, k: Int, _ a: MatrixOperand, _ b: MatrixOperand,
                                          _ c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float) {
        cblas_sgemm(CblasRowMajor,
                    a.transposed ? CblasTrans : CblasNoTrans,
                    b.transposed ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha,
                    a.pointer, Int32(a.leadingDimension),
                    b.pointer, Int32(b.leadingDimension),
                    beta, c, Int32(ldc))
    }
}
