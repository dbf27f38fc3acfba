/// Per-channel loops of batch normalization over a contiguous [N, C, S] buffer (S = 1 for [N, C] input,
/// L for [N, C, L], H·W for [N, C, H, W]).
///
/// When S > 1 a channel's elements come in N runs of S contiguous floats: each run is reduced or mapped
/// with vectors and per-channel constants broadcast, channels split across cores. When S = 1 a
/// channel is a column of a row-major [N, C] matrix: the loops go along rows instead, a vector of channels at a
/// time, with the per-channel constants loaded as vectors.
enum BatchNormKernels {
    typealias V = FloatVector
    static let w = V.scalarCount

    /// Σ over every n and s of K(a, b, m_c), per channel. `b` may be nil when K ignores it.
    static func reduce<K: ChannelReduceKernel>(_ k: K, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>?, center m: [Float],
                                               n: Int, c: Int, s: Int) -> [Float] {
        let b = b ?? a
        var result = [Float](repeating: 0, count: c)
        if s == 1 {
            result.withUnsafeMutableBufferPointer { acc in
                m.withUnsafeBufferPointer { mp in
                    for row in 0..<n {
                        let ra = a + row * c, rb = b + row * c
                        var j = 0
                        while j + w <= c {
                            (V.load(acc.baseAddress! + j) + k.apply(V.load(ra + j), V.load(rb + j), V.load(mp.baseAddress! + j)))
                                .store(acc.baseAddress! + j)
                            j += w
                        }
                        while j < c {
                            acc[j] += k.apply(V(repeating: ra[j]), V(repeating: rb[j]), V(repeating: mp[j]))[0]
                            j += 1
                        }
                    }
                }
            }
            return result
        }
        result.withUnsafeMutableBufferPointer { out in
            let out = out.baseAddress!
            Parallel.forEach(c, costPerItem: n * s) { channels in
                for ch in channels {
                    let mv = V(repeating: m[ch])
                    var total: Double = 0
                    for row in 0..<n {
                        let ra = a + (row * c + ch) * s, rb = b + (row * c + ch) * s
                        var acc0 = V(repeating: 0), acc1 = V(repeating: 0)
                        var i = 0
                        while i + 2 * w <= s {
                            acc0 += k.apply(V.load(ra + i), V.load(rb + i), mv)
                            acc1 += k.apply(V.load(ra + i + w), V.load(rb + i + w), mv)
                            i += 2 * w
                        }
                        if i + w <= s { acc0 += k.apply(V.load(ra + i), V.load(rb + i), mv); i += w }
                        var runSum = (acc0 + acc1).sum()
                        while i < s { runSum += k.apply(V(repeating: ra[i]), V(repeating: rb[i]), mv)[0]; i += 1 }
                        total += Double(runSum)
                    }
                    out[ch] = Float(total)
                }
            }
        }
        return result
    }

    /// out = u·uScale_c + v·vScale_c + shift_c elementwise (v may be nil, then that term is left out).
    static func affine(_ u: UnsafePointer<Float>, _ uScale: [Float], _ v: UnsafePointer<Float>?, _ vScale: [Float], shift: [Float],
                       _ out: UnsafeMutablePointer<Float>, n: Int, c: Int, s: Int) {
        if s == 1 {
            uScale.withUnsafeBufferPointer { us in
                shift.withUnsafeBufferPointer { sh in
                    vScale.withUnsafeBufferPointer { vs in
                        let us = us.baseAddress!, sh = sh.baseAddress!, vs = vs.baseAddress ?? sh
                        for row in 0..<n {
                            let ru = u + row * c, ro = out + row * c, rv = v.map { $0 + row * c }
                            var j = 0
                            while j + w <= c {
                                var y = V.load(ru + j) * V.load(us + j) + V.load(sh + j)
                                if let rv { y += V.load(rv + j) * V.load(vs + j) }
                                y.store(ro + j)
                                j += w
                            }
                            while j < c {
                                ro[j] = ru[j] * us[j] + sh[j] + (rv.map { $0[j] * vs[j] } ?? 0)
                                j += 1
                            }
                        }
                    }
                }
            }
            return
        }
        Parallel.forEach(n * c, costPerItem: s) { runs in
            for r in runs {
                let ch = r % c
                let ru = u + r * s, ro = out + r * s, rv = v.map { $0 + r * s }
                let a = V(repeating: uScale[ch]), d = V(repeating: shift[ch])
                let bs = rv == nil ? 0 : vScale[ch], b = V(repeating: bs)
                var i = 0
                if let rv {
                    while i + w <= s { (V.load(ru + i) * a + V.load(rv + i) * b + d).store(ro + i); i += w }
                    while i < s { ro[i] = ru[i] * a[0] + rv[i] * bs + d[0]; i += 1 }
                } else {
                    while i + w <= s { (V.load(ru + i) * a + d).store(ro + i); i += w }
                    while i < s { ro[i] = ru[i] * a[0] + d[0]; i += 1 }
                }
            }
        }
    }
}

/// A per-element term K(a, b, m) summed per channel by ``BatchNormKernels/reduce(_:_:_:center:n:c:s:)``,
/// where m is the channel's centre.
protocol ChannelReduceKernel { func apply(_ a: FloatVector, _ b: FloatVector, _ m: FloatVector) -> FloatVector }

/// Σ a.
struct ChannelSum: ChannelReduceKernel {
    @inline(__always) func apply(_ a: FloatVector, _ b: FloatVector, _ m: FloatVector) -> FloatVector { a }
}

/// Σ (a − m)²: the sum of squared deviations from the mean.
struct ChannelSquaredDeviation: ChannelReduceKernel {
    @inline(__always) func apply(_ a: FloatVector, _ b: FloatVector, _ m: FloatVector) -> FloatVector { (a - m) * (a - m) }
}

/// Σ (a − m)·b: the gradient b against the centred input a.
struct ChannelCenteredDot: ChannelReduceKernel {
    @inline(__always) func apply(_ a: FloatVector, _ b: FloatVector, _ m: FloatVector) -> FloatVector { (a - m) * b }
}
