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

    /// ∂x [rows, in] = G [rows, out]·W [out, in].
    static func inputGradient(_ g: UnsafePointer<Float>, weight w: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>,
                              rows: Int, inFeatures: Int, outFeatures: Int) {
        GEMM.multiply(m: rows, n: inFeatures, k: outFeatures,
                      MatrixOperand(pointer: g, transposed: false, leadingDimension: outFeatures),
                      MatrixOperand(pointer: w, transposed: false, leadingDimension: inFeatures),
                      dx, ldc: inFeatures)
    }

    /// Whether a layer's ∂x and ∂W run side by side (``bothGradients(_:weight:input:dx:dw:rows:inFeatures:outFeatures:)``):
    /// when ``GEMM`` would split both across the cores, so that each element is a single-threaded BLAS dot
    /// product either way.
    static func runsSideBySide(rows: Int, inFeatures: Int, outFeatures: Int) -> Bool {
        GEMM.isSplit(m: rows, n: inFeatures, k: outFeatures) && GEMM.isSplit(m: outFeatures, n: inFeatures, k: rows)
    }

    /// ∂x = G·W and ∂W = Gᵀ·x side by side (for products where ``runsSideBySide(rows:inFeatures:outFeatures:)``):
    /// each product one single-threaded BLAS call on a core of its own. The two always cost the same (rows·in·out
    /// multiply-adds each), so neither core waits long for the other, and each operand is packed once (split
    /// by rows, every part of a product packs the whole of its other operand again). Each element has the
    /// bits of the split product's: one single-threaded BLAS dot product either way. In-process A/B on
    /// `deep bench transformer` (600 steps, alternating by pairs): median step 13.50 against 13.73 ms,
    /// 13.82 against 14.46, 16.53 against 16.86.
    static func bothGradients(_ g: UnsafePointer<Float>, weight w: UnsafePointer<Float>, input x: UnsafePointer<Float>,
                              dx: UnsafeMutablePointer<Float>, dw: UnsafeMutablePointer<Float>,
                              rows: Int, inFeatures: Int, outFeatures: Int) {
        Parallel.forEachWithSingleThreadedBLAS(2, costPerItem: 1 << 20) { products in
            for p in products {
                if p == 0 {
                    inputGradient(g, weight: w, into: dx, rows: rows, inFeatures: inFeatures, outFeatures: outFeatures)
                } else {
                    weightGradient(g, input: x, into: dw, rows: rows, inFeatures: inFeatures, outFeatures: outFeatures)
                }
            }
        }
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
