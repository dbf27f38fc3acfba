/// Where one output index of a resampled axis reads: two input indices and their weights
/// (nearest-neighbour resampling is the case λ₁ = 0).
struct ResampleTap {
    var index0: Int, index1: Int
    var weight0: Float, weight1: Float
}

/// Separable 2-D resampling of planes: y[oh, ow] = Σ_{a, b ∈ {0, 1}} λʰ_a(oh) · λʷ_b(ow) · x[iʰ_a(oh), iʷ_b(ow)],
/// and its adjoint, which adds each output's gradient back onto the (up to four) pixels it read.
enum Resample {
    /// y [planes, rows.count, cols.count] from x [planes, height, width].
    static func forward(_ x: UnsafePointer<Float>, planes: Int, height: Int, width: Int, rows: [ResampleTap], cols: [ResampleTap],
                        _ y: UnsafeMutablePointer<Float>) {
        let inPlane = height * width, outPlane = rows.count * cols.count
        Parallel.forEach(planes, costPerItem: outPlane * 4) { range in
            for p in range {
                let src = x + p * inPlane
                var dst = y + p * outPlane
                for r in rows {
                    let row0 = src + r.index0 * width, row1 = src + r.index1 * width
                    for c in cols {
                        let top = c.weight0 * row0[c.index0] + c.weight1 * row0[c.index1]
                        let bottom = c.weight0 * row1[c.index0] + c.weight1 * row1[c.index1]
                        dst.pointee = r.weight0 * top + r.weight1 * bottom
                        dst += 1
                    }
                }
            }
        }
    }

    /// ∂x [planes, height, width] (zeroed here) from ∂y [planes, rows.count, cols.count].
    static func backward(_ dy: UnsafePointer<Float>, planes: Int, height: Int, width: Int, rows: [ResampleTap], cols: [ResampleTap],
                         _ dx: UnsafeMutablePointer<Float>) {
        let inPlane = height * width, outPlane = rows.count * cols.count
        Parallel.forEach(planes, costPerItem: outPlane * 4) { range in
            for p in range {
                let dst = dx + p * inPlane
                Im2col.zero(dst, inPlane)
                var src = dy + p * outPlane
                for r in rows {
                    let row0 = dst + r.index0 * width, row1 = dst + r.index1 * width
                    for c in cols {
                        let g = src.pointee
                        let top = r.weight0 * g, bottom = r.weight1 * g
                        row0[c.index0] += c.weight0 * top
                        row0[c.index1] += c.weight1 * top
                        row1[c.index0] += c.weight0 * bottom
                        row1[c.index1] += c.weight1 * bottom
                        src += 1
                    }
                }
            }
        }
    }
}
