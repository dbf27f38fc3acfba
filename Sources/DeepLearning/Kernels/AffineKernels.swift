/// The products of a fully connected layer, y = x·Wᵀ + b, on contiguous row-major buffers: one GEMM each,
/// with the bias folded into the forward product and each gradient produced straight in its parameter's
/// layout (no transposed copies), as PyTorch's addmm. The op is `linear` in Ops/Affine.swift.
enum AffineKernels {
    /// y [rows, out] = x [rows, in]·Wᵀ + b, with W [out, in] and b [out] (nil: no bias); then `activate(rows)`
    /// on each block of rows of y as soon as it is computed (nil: none; see ``GEMM``'s row work).
    static func forward(x: UnsafePointer<Float>, weight w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                        into y: UnsafeMutablePointer<Float>, rows: Int, inFeatures: Int, outFeatures: Int,
                        activate: ((Range<Int>) -> Void)? = nil) {
        guard rows > 0 && outFeatures > 0 else { return }
        // The bias copy is split across cores like the product (a serial copy of [1024, 512] held the other
        // core idle), each block of rows just before its product.
        let copyBias = bias.map { bias in { (range: Range<Int>) in
            for r in range { (y + r * outFeatures).update(from: bias, count: outFeatures) }
        } }
        GEMM.multiply(m: rows, n: outFeatures, k: inFeatures,
                      MatrixOperand(pointer: x, transposed: false, leadingDimension: inFeatures),
                      MatrixOperand(pointer: w, transposed: true, leadingDimension: inFeatures),
                      y, ldc: outFeatures, beta: bias == nil ? 0 : 1, rowCost: outFeatures, before: copyBias, after: activate)
    }

    /// ∂x [rows, in] = G [rows, out]·W [out, in]; `prepare(rows)` first writes those rows of G (an activation's
    /// gradient, computed block by block just before its product; nil: G is ready).
    static func inputGradient(_ g: UnsafePointer<Float>, weight w: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>,
                              rows: Int, inFeatures: Int, outFeatures: Int, prepare: ((Range<Int>) -> Void)? = nil) {
        GEMM.multiply(m: rows, n: inFeatures, k: outFeatures,
                      MatrixOperand(pointer: g, transposed: false, leadingDimension: outFeatures),
                      MatrixOperand(pointer: w, transposed: false, leadingDimension: inFeatures),
                      dx, ldc: inFeatures, rowCost: outFeatures, before: prepare, after: nil)
    }

    /// ∂W [out, in] = Gᵀ [out, rows]·x [rows, in].
    static func weightGradient(_ g: UnsafePointer<Float>, input x: UnsafePointer<Float>, into dw: UnsafeMutablePointer<Float>,
                               rows: Int, inFeatures: Int, outFeatures: Int) {
        GEMM.multiply(m: outFeatures, n: inFeatures, k: rows,
                      MatrixOperand(pointer: g, transposed: true, leadingDimension: outFeatures),
                      MatrixOperand(pointer: x, transposed: false, leadingDimension: inFeatures),
                      dw, ldc: inFeatures)
    }
}
