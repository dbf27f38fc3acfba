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
        BLASGate.shared { multiplyUnguarded(m: m, n: n, k: k, a, b, c, ldc: ldc, alpha: alpha, beta: beta) }
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
