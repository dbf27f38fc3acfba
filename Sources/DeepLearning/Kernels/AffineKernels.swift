/// The products of a fully connected layer, y = x·Wᵀ + b, on contiguous row-major buffers: one GEMM each,
/// with the bias folded into the forward product and each gradient produced straight in its parameter's
/// layout (no transposed copies), as PyTorch's addmm. The op is `linear` in Ops/Affine.swift.
enum AffineKernels {
    /// y [rows, out] = x [rows, in]·Wᵀ + b, with W [out, in] and b [out] (nil: no bias).
    static func forward(x: UnsafePointer<Float>, weight w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                        into y: UnsafeMutablePointer<Float>, rows: Int, inFeatures: Int, outFeatures: Int) {
        if let bias {
            // Split across cores like the product (a serial copy of [1024, 512] held the other core idle).
            Parallel.forEach(rows, costPerItem: outFeatures) { range in
                for r in range { (y + r * outFeatures).update(from: bias, count: outFeatures) }
            }
        }
        guard rows > 0 && outFeatures > 0 else { return }
        GEMM.multiply(m: rows, n: outFeatures, k: inFeatures,
                      MatrixOperand(pointer: x, transposed: false, leadingDimension: inFeatures),
                      MatrixOperand(pointer: w, transposed: true, leadingDimension: inFeatures),
                      y, ldc: outFeatures, beta: bias == nil ? 0 : 1)
    }

    /// ∂x [rows, in] = G [rows, out]·W [out, in].
    static func inputGradient(_ g: UnsafePointer<Float>, weight w: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>,
                              rows: Int, inFeatures: Int, outFeatures: Int) {
        GEMM.multiply(m: rows, n: inFeatures, k: outFeatures,
                      MatrixOperand(pointer: g, transposed: false, leadingDimension: outFeatures),
                      MatrixOperand(pointer: w, transposed: false, leadingDimension: inFeatures),
                      dx, ldc: inFeatures)
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
