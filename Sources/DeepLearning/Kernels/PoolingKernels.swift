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
                    maxTwoByTwo(src, width: width, outHeight: oh, outWidth: ow, readable: x + planes &* height &* width, dst, idx)
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

    /// The common 2×2 window with stride 2 and no padding, 8 outputs at a time: the even and odd columns of
    /// two input rows are the four candidates, compared in row-major order without branches. A row's last
    /// vector overlaps the previous one; a row shorter than 8 reads past its end (into the next rows, never
    /// past `readable`) and stores only its own outputs.
    @inline(__always)
    static func maxTwoByTwo(_ src: UnsafePointer<Float>, width: Int, outHeight oh: Int, outWidth ow: Int, readable: UnsafePointer<Float>,
                            _ dst: UnsafeMutablePointer<Float>, _ idx: UnsafeMutablePointer<Int32>) {
        typealias I = SIMD8<Int32>
        let lanes = I(0, 2, 4, 6, 8, 10, 12, 14)
        let w = Int32(width)
        @inline(__always) func eight(_ r: Int, _ c: Int) -> (SIMD8<Float>, I) {
            let top = src + 2 &* (r &* width &+ c), bottom = top + width
            let t = UnsafeRawPointer(top).loadUnaligned(as: SIMD16<Float>.self)
            let b = UnsafeRawPointer(bottom).loadUnaligned(as: SIMD16<Float>.self)
            var best = t.evenHalf
            var offset = I(repeating: 0)
            @inline(__always) func consider(_ candidate: SIMD8<Float>, _ shift: Int32) {
                let better = (candidate .> best) .| (candidate .!= candidate)
                best.replace(with: candidate, where: better)
                offset.replace(with: I(repeating: shift), where: better)
            }
            consider(t.oddHalf, 1)
            consider(b.evenHalf, w)
            consider(b.oddHalf, w &+ 1)
            return (best, I(repeating: Int32(2 &* (r &* width &+ c))) &+ lanes &+ offset)
        }
        for r in 0..<oh {
            let out = dst + r &* ow, at = idx + r &* ow
            if ow >= 8 {
                var c = 0
                while true {
                    let (best, position) = eight(r, c)
                    best.store(out + c)
                    UnsafeMutableRawPointer(at + c).storeBytes(of: position, as: I.self)
                    if c &+ 8 == ow { break }
                    c = Swift.min(c &+ 8, ow &- 8)
                }
            } else if src + (2 &* (r &* width) &+ width &+ 16) <= readable {
                let (best, position) = eight(r, 0)
                for c in 0..<ow { out[c] = best[c]; at[c] = position[c] }
            } else {
                for c in 0..<ow {
                    let top = src + 2 &* (r &* width &+ c), bottom = top + width
                    var best = top[0], position = 2 &* (r &* width &+ c)
                    @inline(__always) func consider(_ v: Float, _ shift: Int) {
                        if v > best || v.isNaN { best = v; position = 2 &* (r &* width &+ c) &+ shift }
                    }
                    consider(top[1], 1)
                    consider(bottom[0], width)
                    consider(bottom[1], width &+ 1)
                    out[c] = best
                    at[c] = Int32(position)
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
