// Direct 2-D convolution with stride 1, for the small channel counts of CIFAR ResNets, where im2col + GEMM
// is slow: with 16 output channels BLAS sees M = 16, K = 144 and spends as long packing as multiplying, and
// backward-data writes a 144 × H·W column matrix per image only to fold it back with col2im.
//
// The trick that makes every pass one vector loop: copy each input plane into a zero-bordered plane of
// `pitch` floats per row (the padding made explicit) and compute the output at every position
// q = oh·pitch + ow of that pitch, the last pitch − OW of each row being junk that is dropped when the
// result is copied out. Tap (i, j) of output q then reads input q + i·dₕ·pitch + j·d_w, so for a run of
// consecutive q every tap is one unaligned vector load, whatever the rows.
//
// - Forward, y = W ⋆ x: a register tile of 8 output channels × 3 vectors of q (24 accumulators); for each
//   input channel and tap, 3 loads and 24 fused multiply-adds with the weight broadcast from memory.
// - Backward data, ∂x = W' ⋆ ∂y with ∂y zero-padded by d·(k − 1) − p and W'[c, o, i, j] = W[o, c, k−1−i, k−1−j]
//   (the adjoint of a stride-1 correlation is the correlation with the flipped, transposed kernel): the same loop.
// - Backward weight, ∂W[o, c, i, j] = Σ_n Σ_q ∂y[n, o, q] · x[n, c, q + offset(i, j)] with ∂y laid out at x's
//   pitch (junk columns 0): a tile of 4 output channels × 6 taps, one vector of q at a time, 24 vector
//   accumulators summed lane-wise into per-chunk partial sums; the lanes are added once at the end. Small
//   planes go several images per call, so the accumulators live over about 1024 floats of q.
//
// The batch is split across cores, each chunk with its own scratch planes (zeroed once per chunk: the
// borders stay zero, each image writes only the interior). The kernels are written for AVX-512's 32 vector
// registers; elsewhere convolutions take the im2col path. `Convolution` chooses (Kernels/ConvolutionKernels.swift).

/// One image's planes laid out for the direct kernels: each channel's height × width plane copied into a
/// `rows` × `pitch` plane with `top` zero rows above and `left` zero columns before each row, then zeros up
/// to `planeStride` floats so that vector reads past the last output stay inside the plane.
struct PaddedPlanes {
    let height: Int, width: Int
    let top: Int, left: Int
    let rows: Int, pitch: Int
    let planeStride: Int

    /// `slack`: floats read past the last padded row (a whole tile of q, plus the widest tap's column offset).
    init(height: Int, width: Int, top: Int, left: Int, bottom: Int, pitch: Int, slack: Int) {
        self.height = height
        self.width = width
        self.top = top
        self.left = left
        self.rows = top + height + bottom
        self.pitch = pitch
        let w = FloatVector.scalarCount
        planeStride = (rows * pitch + slack + w - 1) / w * w
    }

    /// Copies `channels` planes src [channels, height, width] into dst's interiors (the borders are left as they are).
    func fill(_ src: UnsafePointer<Float>, channels: Int, _ dst: UnsafeMutablePointer<Float>) {
        for c in 0..<channels {
            var s = src + c * height * width, d = dst + c * planeStride + top * pitch + left
            for _ in 0..<height {
                Im2col.copy(s, d, width)
                s += width
                d += pitch
            }
        }
    }

    /// Copies the interiors of `channels` planes of `src`, `stride` floats apart, out to dst [channels, height,
    /// width], adding bias[c] when given.
    func extract(_ src: UnsafePointer<Float>, stride: Int, channels: Int, bias: UnsafePointer<Float>?, _ dst: UnsafeMutablePointer<Float>) {
        for c in 0..<channels {
            var s = src + c * stride + top * pitch + left, d = dst + c * height * width
            for _ in 0..<height {
                Im2col.copy(s, d, width)
                if let bias { Im2col.addScalar(bias[c], d, width) }
                s += pitch
                d += width
            }
        }
    }
}

/// The direct stride-1 convolution: when it applies, the passes over a batch, and its two kernels.
enum DirectConvolution {
    typealias V = FloatVector
    static let lanes = V.scalarCount
    /// Output channels × vectors of q in the forward tile.
    static let tileChannels = 8, tileVectors = 3
    /// Output channels × taps in the weight-gradient tile.
    static let gradientChannels = 4, gradientTaps = 6

    /// Whether `conv` takes the direct path: stride 1, one group, not a plain matrix product (1×1, no
    /// padding: GEMM reads the input as it is), and padding no wider than the kernel's reach (so that
    /// ∂x is a correlation of ∂y with non-negative padding).
    static func applies(to conv: Convolution) -> Bool {
        #if DEEPLEARNING_AVX512
        let g = conv.geometry
        return conv.groups == 1 && g.strideH == 1 && g.strideW == 1 && !g.isPointwise
            && g.padH <= g.dilationH * (g.kernelHeight - 1) && g.padW <= g.dilationW * (g.kernelWidth - 1)
        #else
        return false
        #endif
    }

    /// Tap offsets i·dₕ·pitch + j·d_w, in the order (i, j) of the weight's last two axes.
    static func offsets(_ g: WindowGeometry, pitch: Int) -> [Int] {
        var result: [Int] = []
        for i in 0..<g.kernelHeight { for j in 0..<g.kernelWidth { result.append(i * g.dilationH * pitch + j * g.dilationW) } }
        return result
    }

    /// Layout of the input x for the forward and weight-gradient passes.
    static func inputLayout(_ g: WindowGeometry) -> PaddedPlanes {
        let pitch = g.width + 2 * g.padW
        return PaddedPlanes(height: g.height, width: g.width, top: g.padH, left: g.padW, bottom: g.padH, pitch: pitch,
                            slack: tileVectors * lanes + g.dilationW * (g.kernelWidth - 1))
    }

    /// Layout of ∂y zero-padded by d·(k − 1) − p, for the data-gradient pass.
    static func paddedGradientLayout(_ g: WindowGeometry) -> PaddedPlanes {
        let top = g.dilationH * (g.kernelHeight - 1) - g.padH, left = g.dilationW * (g.kernelWidth - 1) - g.padW
        return PaddedPlanes(height: g.outHeight, width: g.outWidth, top: top, left: left, bottom: top,
                            pitch: g.outWidth + 2 * left, slack: tileVectors * lanes + g.dilationW * (g.kernelWidth - 1))
    }

    /// Floats of one output plane in the forward kernel's layout: `count` rounded up to whole tiles.
    static func tileStride(_ count: Int) -> Int {
        let tile = tileVectors * lanes
        return (count + tile - 1) / tile * tile
    }

    // MARK: Forward (and backward data)

    /// w [outChannels, channels, taps] rearranged as the forward tile reads it: [⌈outChannels/8⌉, channels,
    /// taps, 8], zero for channels past the end. With `flipped`, w is read as W'[c, o, t] = W[o, c, taps−1−t]
    /// for the data gradient (w then [channels, outChannels, taps] in the original's order, see the file note).
    static func pack(_ w: UnsafePointer<Float>, outChannels: Int, channels: Int, taps: Int, flipped: Bool) -> Tensor {
        let blocks = (outChannels + tileChannels - 1) / tileChannels
        let packed = Tensor.zeros([blocks * channels * taps * tileChannels])
        let p = packed.pointer
        for o in 0..<outChannels {
            for c in 0..<channels {
                for t in 0..<taps {
                    let value = flipped ? w[(c * outChannels + o) * taps + (taps - 1 - t)] : w[(o * channels + c) * taps + t]
                    p[((o / tileChannels * channels + c) * taps + t) * tileChannels + o % tileChannels] = value
                }
            }
        }
        return packed
    }

    /// One row of the forward tile: 3 vectors of q for one output channel.
    struct Row {
        var a = V(), b = V(), c = V()
        @inline(__always) mutating func add(_ w: Float, _ x0: V, _ x1: V, _ x2: V) {
            let s = V(repeating: w)
            a = .multiplyAdd(s, x0, a)
            b = .multiplyAdd(s, x1, b)
            c = .multiplyAdd(s, x2, c)
        }
        @inline(__always) func store(_ p: UnsafeMutablePointer<Float>) {
            a.store(p)
            b.store(p + DirectConvolution.lanes)
            c.store(p + 2 * DirectConvolution.lanes)
        }
    }

    /// out[o, q] = Σ_c Σ_t w[o, c, t] · input[c, q + offsets[t]] for q in 0..<count, rounded up to whole
    /// tiles: out is [outChannels, tileStride(count)], input [channels, planeStride] with zeros far enough
    /// past the last q (`PaddedPlanes`), w packed by ``pack(_:outChannels:channels:taps:flipped:)``.
    static func correlate(_ input: UnsafePointer<Float>, planeStride: Int, channels: Int, offsets: UnsafePointer<Int>, taps: Int,
                          _ packed: UnsafePointer<Float>, outChannels: Int, _ out: UnsafeMutablePointer<Float>, count: Int) {
        let stride = tileStride(count), tile = tileVectors * lanes
        for block in 0..<(outChannels + tileChannels - 1) / tileChannels {
            let first = block * tileChannels
            let weights = packed + block * channels * taps * tileChannels
            for q in Swift.stride(from: 0, to: count, by: tile) {
                var r0 = Row(), r1 = Row(), r2 = Row(), r3 = Row(), r4 = Row(), r5 = Row(), r6 = Row(), r7 = Row()
                var w = weights
                var plane = input + q
                for _ in 0..<channels {
                    for t in 0..<taps {
                        let p = plane + offsets[t]
                        let x0 = V.load(p), x1 = V.load(p + lanes), x2 = V.load(p + 2 * lanes)
                        r0.add(w[0], x0, x1, x2)
                        r1.add(w[1], x0, x1, x2)
                        r2.add(w[2], x0, x1, x2)
                        r3.add(w[3], x0, x1, x2)
                        r4.add(w[4], x0, x1, x2)
                        r5.add(w[5], x0, x1, x2)
                        r6.add(w[6], x0, x1, x2)
                        r7.add(w[7], x0, x1, x2)
                        w += tileChannels
                    }
                    plane += planeStride
                }
                let o = out + first * stride + q, valid = outChannels - first
                r0.store(o)
                if valid > 1 { r1.store(o + stride) }
                if valid > 2 { r2.store(o + 2 * stride) }
                if valid > 3 { r3.store(o + 3 * stride) }
                if valid > 4 { r4.store(o + 4 * stride) }
                if valid > 5 { r5.store(o + 5 * stride) }
                if valid > 6 { r6.store(o + 6 * stride) }
                if valid > 7 { r7.store(o + 7 * stride) }
            }
        }
    }

    // MARK: Backward weight

    /// One tap of the weight-gradient tile: its products with 4 output channels.
    struct Column {
        var a = V(), b = V(), c = V(), d = V()
        @inline(__always) mutating func add(_ x: V, _ y0: V, _ y1: V, _ y2: V, _ y3: V) {
            a = .multiplyAdd(x, y0, a)
            b = .multiplyAdd(x, y1, b)
            c = .multiplyAdd(x, y2, c)
            d = .multiplyAdd(x, y3, d)
        }
        /// Adds the products to the partial sums of tap τ: acc[(o0 + k)·taps + τ] for the first `valid` channels.
        @inline(__always) func accumulate(_ acc: UnsafeMutablePointer<Float>, tapCount: Int, valid: Int) {
            let step = tapCount * DirectConvolution.lanes
            func put(_ v: V, _ k: Int) { (V.load(acc + k * step) + v).store(acc + k * step) }
            put(a, 0)
            if valid > 1 { put(b, 1) }
            if valid > 2 { put(c, 2) }
            if valid > 3 { put(d, 3) }
        }
    }

    /// acc[o, τ, lane] += Σ over images and q ≡ lane of dy[o, q] · input[q + tapOffsets[τ]] for q in
    /// 0..<count (a multiple of the vector width): dy [images, outChannels, dyStride] at the input's pitch with
    /// zeros in the junk columns and past the end, input [images, inputImageStride], acc [outChannels,
    /// tapOffsets.count, lanes]. Several small images in one call keep the 24 accumulators in registers
    /// longer than one image's few vectors of q (an 8×8 plane is 5).
    static func correlateGradient(_ dy: UnsafePointer<Float>, dyStride: Int, outChannels: Int,
                                  _ input: UnsafePointer<Float>, tapOffsets: UnsafeBufferPointer<Int>, count: Int,
                                  images: Int, dyImageStride: Int, inputImageStride: Int, _ acc: UnsafeMutablePointer<Float>) {
        let tapCount = tapOffsets.count
        // Output channels outer: their ∂y rows stay in L1 while the taps pass.
        for first in Swift.stride(from: 0, to: outChannels, by: gradientChannels) {
            // Missing channels and taps of an edge tile read the first one again and are not stored.
            func row(_ k: Int) -> UnsafePointer<Float> { dy + (first + k < outChannels ? first + k : first) * dyStride }
            let d0 = row(0), d1 = row(1), d2 = row(2), d3 = row(3)
            for firstTap in Swift.stride(from: 0, to: tapCount, by: gradientTaps) {
                func tap(_ k: Int) -> UnsafePointer<Float> { input + tapOffsets[firstTap + k < tapCount ? firstTap + k : firstTap] }
                let x0 = tap(0), x1 = tap(1), x2 = tap(2), x3 = tap(3), x4 = tap(4), x5 = tap(5)
                let validTaps = Swift.min(gradientTaps, tapCount - firstTap)
                var c0 = Column(), c1 = Column(), c2 = Column(), c3 = Column(), c4 = Column(), c5 = Column()
                for image in 0..<images {
                    let di = image * dyImageStride, xi = image * inputImageStride
                    var q = 0
                    while q < count {
                        let y0 = V.load(d0 + di + q), y1 = V.load(d1 + di + q), y2 = V.load(d2 + di + q), y3 = V.load(d3 + di + q)
                        c0.add(V.load(x0 + xi + q), y0, y1, y2, y3)
                        c1.add(V.load(x1 + xi + q), y0, y1, y2, y3)
                        c2.add(V.load(x2 + xi + q), y0, y1, y2, y3)
                        c3.add(V.load(x3 + xi + q), y0, y1, y2, y3)
                        c4.add(V.load(x4 + xi + q), y0, y1, y2, y3)
                        c5.add(V.load(x5 + xi + q), y0, y1, y2, y3)
                        q += lanes
                    }
                }
                let valid = Swift.min(gradientChannels, outChannels - first)
                let base = acc + (first * tapCount + firstTap) * lanes
                c0.accumulate(base, tapCount: tapCount, valid: valid)
                if validTaps > 1 { c1.accumulate(base + lanes, tapCount: tapCount, valid: valid) }
                if validTaps > 2 { c2.accumulate(base + 2 * lanes, tapCount: tapCount, valid: valid) }
                if validTaps > 3 { c3.accumulate(base + 3 * lanes, tapCount: tapCount, valid: valid) }
                if validTaps > 4 { c4.accumulate(base + 4 * lanes, tapCount: tapCount, valid: valid) }
                if validTaps > 5 { c5.accumulate(base + 5 * lanes, tapCount: tapCount, valid: valid) }
            }
        }
    }

    // MARK: The passes over a batch

    /// y = conv(x, W) + b, as ``Convolution/forward(_:_:_:_:columns:)``.
    static func forward(_ conv: Convolution, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ b: UnsafePointer<Float>?,
                        _ y: UnsafeMutablePointer<Float>) {
        let g = conv.geometry, c = g.channels, o = conv.outChannels
        let layout = inputLayout(g)
        let outLayout = PaddedPlanes(height: g.outHeight, width: g.outWidth, top: 0, left: 0, bottom: 0, pitch: layout.pitch, slack: 0)
        let count = g.outHeight * layout.pitch, outStride = tileStride(count)
        let taps = offsets(g, pitch: layout.pitch)
        let packed = pack(w, outChannels: o, channels: c, taps: taps.count, flipped: false)
        Convolution.forEachChunk(conv.chunkCount, of: conv.batch, callsBLAS: false) { _, images in
            let padded = Tensor.zeros([c * layout.planeStride])
            let result = Tensor(uninitialized: [o * outStride])
            taps.withUnsafeBufferPointer { offsets in
                for image in images {
                    layout.fill(x + image * c * g.plane, channels: c, padded.pointer)
                    correlate(padded.pointer, planeStride: layout.planeStride, channels: c, offsets: offsets.baseAddress!,
                              taps: offsets.count, packed.pointer, outChannels: o, result.pointer, count: count)
                    outLayout.extract(result.pointer, stride: outStride, channels: o, bias: b, y + image * o * g.outPlane)
                }
            }
        }
    }

    /// ∂x and ∂W (∂b is left to the caller) given ∂y, as ``Convolution/backward(x:weight:gradient:columns:needX:needWeight:needBias:)``.
    static func backward(_ conv: Convolution, x: UnsafePointer<Float>, weight w: UnsafePointer<Float>, gradient dy: UnsafePointer<Float>,
                         dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>?) {
        let g = conv.geometry, c = g.channels, o = conv.outChannels, chunks = conv.chunkCount
        let taps = g.kernelHeight * g.kernelWidth, tapCount = c * taps
        // Data gradient: ∂y padded, correlated with the flipped kernel.
        let dyLayout = paddedGradientLayout(g)
        let dxLayout = PaddedPlanes(height: g.height, width: g.width, top: 0, left: 0, bottom: 0, pitch: dyLayout.pitch, slack: 0)
        let dxCount = g.height * dyLayout.pitch, dxStride = tileStride(dxCount)
        let dxOffsets = offsets(g, pitch: dyLayout.pitch)
        let flipped = dx == nil ? nil : pack(w, outChannels: c, channels: o, taps: taps, flipped: true)
        // Weight gradient: x padded as in the forward pass, ∂y at its pitch. That is the padded ∂y itself when
        // both have the same pitch (padding (k − 1)·d / 2), else a copy.
        let xLayout = inputLayout(g)
        let xOffsets = offsets(g, pitch: xLayout.pitch)
        let tapOffsets = (0..<tapCount).map { $0 / taps * xLayout.planeStride + xOffsets[$0 % taps] }
        let gradientCount = (g.outHeight * xLayout.pitch + lanes - 1) / lanes * lanes
        let sharesPadded = dx != nil && dyLayout.pitch == xLayout.pitch
        let dyFlat = PaddedPlanes(height: g.outHeight, width: g.outWidth, top: 0, left: 0, bottom: 0, pitch: xLayout.pitch, slack: lanes)
        let partial = dw == nil ? [] : (0..<chunks).map { _ in Tensor.zeros([o * tapCount * lanes]) }
        // Images per call of the weight-gradient kernel: enough for about 1024 floats of q.
        let perCall = dw == nil ? 1 : Swift.max(1, Swift.min(conv.batch / chunks, 1024 / gradientCount))
        Convolution.forEachChunk(chunks, of: conv.batch, callsBLAS: false) { chunk, images in
            let dyStride = sharesPadded || dw == nil ? dyLayout.planeStride : dyFlat.planeStride
            let paddedDy = dx == nil ? nil : Tensor.zeros([perCall * o * dyLayout.planeStride])
            let result = dx == nil ? nil : Tensor(uninitialized: [c * dxStride])
            let flatDy = dw == nil || sharesPadded ? nil : Tensor.zeros([perCall * o * dyFlat.planeStride])
            let paddedX = dw == nil ? nil : Tensor.zeros([perCall * c * xLayout.planeStride])
            for first in Swift.stride(from: images.lowerBound, to: images.upperBound, by: perCall) {
                let count = Swift.min(perCall, images.upperBound - first)
                for k in 0..<count {
                    let image = first + k, dyn = dy + image * o * g.outPlane
                    if let dx, let result, let paddedDy, let flipped {
                        let padded = paddedDy.pointer + k * o * dyLayout.planeStride
                        dyLayout.fill(dyn, channels: o, padded)
                        dxOffsets.withUnsafeBufferPointer { offsets in
                            correlate(padded, planeStride: dyLayout.planeStride, channels: o, offsets: offsets.baseAddress!,
                                      taps: taps, flipped.pointer, outChannels: c, result.pointer, count: dxCount)
                        }
                        dxLayout.extract(result.pointer, stride: dxStride, channels: c, bias: nil, dx + image * c * g.plane)
                    }
                    if let paddedX {
                        xLayout.fill(x + image * c * g.plane, channels: c, paddedX.pointer + k * c * xLayout.planeStride)
                        if let flatDy { dyFlat.fill(dyn, channels: o, flatDy.pointer + k * o * dyFlat.planeStride) }
                    }
                }
                if let paddedX {
                    // ∂y at x's pitch: the padded ∂y's interior, or its own copy.
                    let rows = flatDy.map { UnsafePointer($0.pointer) }
                        ?? UnsafePointer(paddedDy!.pointer + dyLayout.top * dyLayout.pitch + dyLayout.left)
                    tapOffsets.withUnsafeBufferPointer { offsets in
                        correlateGradient(rows, dyStride: dyStride, outChannels: o, paddedX.pointer, tapOffsets: offsets,
                                          count: gradientCount, images: count, dyImageStride: o * dyStride,
                                          inputImageStride: c * xLayout.planeStride, partial[chunk].pointer)
                    }
                }
            }
        }
        if let dw {
            for k in 0..<o * tapCount {
                var total: Float = 0
                for p in partial { total += (V.load(p.pointer + k * lanes)).sum() }
                dw[k] = total
            }
        }
    }
}
