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
    @inline(__always)
    static func multiply(m: Int, n: Int, k: Int, _ a: MatrixOperand, _ b: MatrixOperand,
                         _ c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float = 1, beta: Float = 0) {
        _ = kernelsSelected
        BLASGate.shared { multiplyUnguarded(m: m, n: n, k: k, a, b, c, ldc: ldc, alpha: alpha, beta: beta) }
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
