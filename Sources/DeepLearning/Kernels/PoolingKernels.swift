/// Pooling loops over one image plane [height, width] at a time, planes split across cores.
///
/// Each output pixel reduces a window clipped to the image; the clipped bounds of every output row and
/// column are computed once per call, so the inner loops do no bounds tests.
enum Pooling {
    /// Clipped window bounds along one axis for every output position: [start, end) in the input, and the
    /// window's size before clipping to the input (but after clipping to the padded input, as PyTorch's
    /// count_include_pad divisor).
    struct Windows {
        var start: [Int], end: [Int], paddedSize: [Int]

        init(size: Int, kernel: Int, stride: Int, padding: Int, count: Int) {
            start = []; end = []; paddedSize = []
            start.reserveCapacity(count); end.reserveCapacity(count); paddedSize.reserveCapacity(count)
            for o in 0..<count {
                let s = o * stride - padding
                let e = Swift.min(s + kernel, size + padding)
                paddedSize.append(e - s)
                start.append(Swift.max(s, 0))
                end.append(Swift.min(e, size))
            }
        }

        /// Adaptive bins: start = ⌊i·in/out⌋, end = ⌈(i + 1)·in/out⌉ (bins may overlap).
        init(adaptiveSize size: Int, count: Int) {
            start = (0..<count).map { $0 * size / count }
            end = (0..<count).map { (($0 + 1) * size + count - 1) / count }
            paddedSize = zip(start, end).map { $1 - $0 }
        }
    }

    /// Max over each window of every plane; `indices` receives the position in its plane of the first
    /// maximum in row-major order (a NaN wins over numbers, as in PyTorch).
    static func maxForward(_ x: UnsafePointer<Float>, planes: Int, height: Int, width: Int, rows: Windows, cols: Windows,
                           _ y: UnsafeMutablePointer<Float>, _ indices: UnsafeMutablePointer<Int32>) {
        let oh = rows.start.count, ow = cols.start.count
        let twoByTwo = rows.start.indices.allSatisfy { rows.end[$0] - rows.start[$0] == 2 && rows.start[$0] == 2 * $0 }
            && cols.start.indices.allSatisfy { cols.end[$0] - cols.start[$0] == 2 && cols.start[$0] == 2 * $0 }
        Parallel.forEach(planes, costPerItem: height * width * 2) { range in
            for p in range {
                let src = x + p * height * width, dst = y + p * oh * ow, idx = indices + p * oh * ow
                if twoByTwo {
                    // The common 2×2 window with stride 2 and no padding: four loads, first maximum kept.
                    for r in 0..<oh {
                        let top = src + 2 * r * width, bottom = top + width
                        for c in 0..<ow {
                            var best = top[2 * c], at = 2 * r * width + 2 * c
                            let b = top[2 * c + 1], cc = bottom[2 * c], d = bottom[2 * c + 1]
                            if b > best || b.isNaN { best = b; at = 2 * r * width + 2 * c + 1 }
                            if cc > best || cc.isNaN { best = cc; at = (2 * r + 1) * width + 2 * c }
                            if d > best || d.isNaN { best = d; at = (2 * r + 1) * width + 2 * c + 1 }
                            dst[r * ow + c] = best
                            idx[r * ow + c] = Int32(at)
                        }
                    }
                    continue
                }
                for r in 0..<oh {
                    let h0 = rows.start[r], h1 = rows.end[r]
                    for c in 0..<ow {
                        let w0 = cols.start[c], w1 = cols.end[c]
                        var best = -Float.infinity, at = h0 * width + w0
                        for h in h0..<h1 {
                            let line = src + h * width
                            for w in w0..<w1 {
                                let v = line[w]
                                if v > best || v.isNaN { best = v; at = h * width + w }
                            }
                        }
                        dst[r * ow + c] = best
                        idx[r * ow + c] = Int32(at)
                    }
                }
            }
        }
    }

    /// ∂x[argmax] += ∂y for every window (∂x is zeroed here).
    static func maxBackward(_ dy: UnsafePointer<Float>, _ indices: UnsafePointer<Int32>, planes: Int, inPlane: Int, outPlane: Int,
                            _ dx: UnsafeMutablePointer<Float>) {
        Parallel.forEach(planes, costPerItem: inPlane + outPlane) { range in
            for p in range {
                let g = dy + p * outPlane, idx = indices + p * outPlane, dst = dx + p * inPlane
                Im2col.zero(dst, inPlane)
                for o in 0..<outPlane { dst[Int(idx[o])] += g[o] }
            }
        }
    }

    /// Mean over each window; `divisors` gives each window's divisor from its row and column sizes.
    static func averageForward(_ x: UnsafePointer<Float>, planes: Int, height: Int, width: Int, rows: Windows, cols: Windows,
                               divisor: (Int, Int) -> Float, _ y: UnsafeMutablePointer<Float>) {
        let oh = rows.start.count, ow = cols.start.count
        let scale = (0..<oh).flatMap { r in (0..<ow).map { c in 1 / divisor(r, c) } }
        Parallel.forEach(planes, costPerItem: oh * ow * 4) { range in
            for p in range {
                let src = x + p * height * width, dst = y + p * oh * ow
                for r in 0..<oh {
                    let h0 = rows.start[r], h1 = rows.end[r]
                    for c in 0..<ow {
                        var s: Float = 0
                        for h in h0..<h1 {
                            let line = src + h * width
                            for w in cols.start[c]..<cols.end[c] { s += line[w] }
                        }
                        dst[r * ow + c] = s * scale[r * ow + c]
                    }
                }
            }
        }
    }

    /// ∂x[window] += ∂y / divisor for every window (∂x is zeroed here).
    static func averageBackward(_ dy: UnsafePointer<Float>, planes: Int, height: Int, width: Int, rows: Windows, cols: Windows,
                                divisor: (Int, Int) -> Float, _ dx: UnsafeMutablePointer<Float>) {
        let oh = rows.start.count, ow = cols.start.count
        let scale = (0..<oh).flatMap { r in (0..<ow).map { c in 1 / divisor(r, c) } }
        Parallel.forEach(planes, costPerItem: height * width + oh * ow * 4) { range in
            for p in range {
                let g = dy + p * oh * ow, dst = dx + p * height * width
                Im2col.zero(dst, height * width)
                for r in 0..<oh {
                    let h0 = rows.start[r], h1 = rows.end[r]
                    for c in 0..<ow {
                        let v = g[r * ow + c] * scale[r * ow + c]
                        for h in h0..<h1 {
                            let line = dst + h * width
                            for w in cols.start[c]..<cols.end[c] { line[w] += v }
                        }
                    }
                }
            }
        }
    }
}
