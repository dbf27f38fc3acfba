// 2-D convolution as im2col + GEMM, one image at a time, the batch split across cores (each core runs
// single-threaded BLAS on its own images, with its own im2col buffer that stays in cache). The backward
// pass runs the same loop: ∂W += ∂y·colᵀ, ∂b += Σ ∂y, ∂x = col2im(Wᵀ·∂y). Per image and not over the
// whole batch at once because OpenBLAS's small-matrix kernels are fastest on these sizes and the im2col
// matrix of one image stays in cache (measured on LeNet: 2–4× faster than one batch-wide product).
// The op (checks and autograd node) is `conv2d` in Ops/Convolution.swift. Stride-1, single-group convolutions
// on an AVX-512 build take the direct kernels of Kernels/DirectConvolution.swift instead (`isDirect`).

/// The loops of one convolution's forward and backward passes over raw buffers.
struct Convolution {
    /// Window over the channels of one group.
    let geometry: WindowGeometry
    let batch: Int
    let outChannels: Int
    let groups: Int

    var inChannels: Int { geometry.channels * groups }
    /// Output channels per group.
    var groupOut: Int { outChannels / groups }

    /// Multiply–adds of one image's forward pass.
    var workPerImage: Int { outChannels * geometry.patchSize * geometry.outPlane }

    /// Runs `body(chunk, images)` over the batch: in `chunks` parallel pieces when there are several images
    /// and enough work to pay for a second core (each piece with single-threaded BLAS when `callsBLAS`; the
    /// direct kernels call none); else inline, where BLAS may use its own threads.
    static func forEachChunk(_ chunks: Int, of count: Int, callsBLAS: Bool = true, _ body: (Int, Range<Int>) -> Void) {
        if chunks <= 1 { body(0, 0..<count); return }
        func pieces(_ r: Range<Int>) {
            for chunk in r { body(chunk, (count * chunk / chunks)..<(count * (chunk + 1) / chunks)) }
        }
        if callsBLAS {
            Parallel.forEachWithSingleThreadedBLAS(chunks, costPerItem: 1 << 20, pieces)
        } else {
            Parallel.forEach(chunks, costPerItem: 1 << 20, pieces)
        }
    }

    /// Floats in the im2col matrices of the whole batch, [N, groups, patchSize, outPlane].
    var columnCount: Int { batch * groups * geometry.patchSize * geometry.outPlane }

    /// Largest batch of im2col matrices (in floats, 64 MB) that the forward pass keeps for the weight
    /// gradient, as PyTorch's unfolded-input buffer once did; bigger ones are computed again in backward.
    static let maxCachedColumns = 16 << 20

    /// Whether the forward pass keeps its im2col matrices for the weight gradient. Keeping them costs a
    /// write and a read of the whole batch's matrices through memory; recomputing costs one more im2col,
    /// which is cheap per byte for long output rows and dear for short ones (measured on LeNet: keeping
    /// pays at 10×10 outputs, 7% faster; it loses at 28×28, 8% slower).
    var keepsColumns: Bool {
        !isDirect && !geometry.isPointwise && geometry.outWidth < 16 && columnCount <= Convolution.maxCachedColumns
    }

    /// Whether the passes run the direct kernels (Kernels/DirectConvolution.swift) instead of im2col + GEMM.
    var isDirect: Bool { DirectConvolution.applies(to: self) }

    var chunkCount: Int {
        guard batch > 1, Parallel.threadCount > 1, batch * workPerImage >= 1 << 18 else { return 1 }
        return Swift.min(Parallel.threadCount, batch)
    }

    /// y = conv(x, W) + b on contiguous buffers x [N, C, H, W], W [O, C/groups, kh, kw], b [O], y [N, O, OH, OW].
    /// With `columns` ([N, groups, patchSize, outPlane]) the im2col matrices are written there and kept.
    func forward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ b: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>,
                 columns: UnsafeMutablePointer<Float>?) {
        if isDirect { return DirectConvolution.forward(self, x, w, b, y) }
        let g = geometry, k = g.patchSize, l = g.outPlane, og = groupOut
        Convolution.forEachChunk(chunkCount, of: batch) { _, images in
            let buffer = g.isPointwise || columns != nil ? nil : Tensor(uninitialized: [k * l])
            for image in images {
                let xn = x + image * inChannels * g.plane, yn = y + image * outChannels * l
                for group in 0..<groups {
                    let xg = xn + group * g.channels * g.plane, yg = yn + group * og * l
                    var col = xg
                    if let target = columns.map({ $0 + (image * groups + group) * k * l }) ?? buffer?.pointer {
                        Im2col.im2col(g, xg, target)
                        col = UnsafePointer(target)
                    }
                    GEMM.multiply(m: og, n: l, k: k,
                                  MatrixOperand(pointer: w + group * og * k, transposed: false, leadingDimension: k),
                                  MatrixOperand(pointer: col, transposed: false, leadingDimension: l),
                                  yg, ldc: l)
                    if let b {
                        // Added after the product (beta = 0 keeps OpenBLAS on its fastest small kernels).
                        for r in 0..<og { Im2col.addScalar(b[group * og + r], yg + r * l, l) }
                    }
                }
            }
            withExtendedLifetime(buffer) {}
        }
    }

    /// Gradients of the loss with respect to x, W and b given ∂y (nil where not asked for).
    /// `columns` holds the forward pass's im2col matrices, when it kept them.
    func backward(x: Tensor, weight: Tensor, gradient dy: Tensor, columns: Tensor?, needX: Bool, needWeight: Bool, needBias: Bool)
        -> (x: Tensor?, weight: Tensor?, bias: Tensor?) {
        let g = geometry, k = g.patchSize, l = g.outPlane, og = groupOut
        if isDirect {
            let dx = needX ? Tensor(uninitialized: [batch, inChannels, g.height, g.width]) : nil
            let dw = needWeight ? Tensor(uninitialized: [outChannels, g.channels, g.kernelHeight, g.kernelWidth]) : nil
            DirectConvolution.backward(self, x: x.pointer, weight: weight.pointer, gradient: dy.pointer, dx: dx?.pointer, dw: dw?.pointer)
            return (dx, dw, needBias ? biasGradient(dy) : nil)
        }
        let chunks = chunkCount
        let dx = needX ? Tensor(uninitialized: [batch, inChannels, g.height, g.width]) : nil
        // Few output channels and many taps: OpenBLAS is up to twice as fast on ∂Wᵀ = col·∂yᵀ than on
        // ∂W = ∂y·colᵀ (measured; e.g. LeNet's second convolution, 16 × 150 × 100).
        let transposed = og <= 16 && k >= 8 * og
        // Each chunk sums into its own buffer ([O, K], or [groups, K, og] when transposed); added at the end.
        let dw = needWeight ? (0..<chunks).map { _ in Tensor.zeros([outChannels, g.channels, g.kernelHeight, g.kernelWidth]) } : []
        let db = needBias ? (0..<chunks).map { _ in Tensor.zeros([outChannels]) } : []
        let xp = x.pointer, wp = weight.pointer, dyp = dy.pointer
        Convolution.forEachChunk(chunks, of: batch) { chunk, images in
            let buffer = g.isPointwise || !(needWeight || needX) ? nil : Tensor(uninitialized: [k * l])
            // ∂W of one image goes to a scratch matrix and is added to the chunk's sum: OpenBLAS's small
            // kernels are much slower with beta = 1 than with beta = 0.
            let scratch = needWeight ? Tensor(uninitialized: [og * k]) : nil
            for image in images {
                let xn = xp + image * inChannels * g.plane, dyn = dyp + image * outChannels * l
                if let dx, !g.isPointwise { Im2col.zero(dx.pointer + image * inChannels * g.plane, inChannels * g.plane) }
                if needBias { addBiasGradient(ofImage: dyn, to: db[chunk].pointer) }
                for group in 0..<groups {
                    let xg = xn + group * g.channels * g.plane, dyg = dyn + group * og * l
                    let wg = wp + group * og * k
                    if needWeight {
                        var col = UnsafePointer(xg)
                        if let columns {
                            col = UnsafePointer(columns.pointer + (image * groups + group) * k * l)
                        } else if let buffer {
                            Im2col.im2col(g, xg, buffer.pointer)
                            col = UnsafePointer(buffer.pointer)
                        }
                        let dyOperand = MatrixOperand(pointer: dyg, transposed: transposed, leadingDimension: l)
                        let colOperand = MatrixOperand(pointer: col, transposed: !transposed, leadingDimension: l)
                        if transposed {
                            // ∂W_gᵀ [k, og] += col [k, l] · ∂y_gᵀ [l, og]
                            GEMM.multiply(m: k, n: og, k: l, colOperand, dyOperand, scratch!.pointer, ldc: og)
                        } else {
                            // ∂W_g [og, k] += ∂y_g [og, l] · colᵀ [l, k]
                            GEMM.multiply(m: og, n: k, k: l, dyOperand, colOperand, scratch!.pointer, ldc: k)
                        }
                        Im2col.add(scratch!.pointer, dw[chunk].pointer + group * og * k, og * k)
                    }
                    if let dx {
                        // ∂col [k, l] = W_gᵀ [k, og] · ∂y_g [og, l], then scattered back onto the image.
                        let dxg = dx.pointer + image * inChannels * g.plane + group * g.channels * g.plane
                        let target = buffer?.pointer ?? dxg
                        GEMM.multiply(m: k, n: l, k: og,
                                      MatrixOperand(pointer: wg, transposed: true, leadingDimension: k),
                                      MatrixOperand(pointer: dyg, transposed: false, leadingDimension: l),
                                      target, ldc: l)
                        if buffer != nil { Im2col.col2im(g, target, dxg) }
                    }
                }
            }
            withExtendedLifetime((buffer, scratch)) {}
        }
        for c in 1..<Swift.max(chunks, 1) {
            if needWeight { Im2col.add(dw[c].pointer, dw[0].pointer, dw[0].count) }
            if needBias { Im2col.add(db[c].pointer, db[0].pointer, outChannels) }
        }
        if needWeight && transposed {
            let result = Tensor(uninitialized: dw[0].shape)
            for group in 0..<groups {
                let src = dw[0].pointer + group * og * k, dst = result.pointer + group * og * k
                for r in 0..<k { for o in 0..<og { dst[o * k + r] = src[r * og + o] } }
            }
            return (dx, result, db.first)
        }
        return (dx, dw.first, db.first)
    }

    /// ∂b[o] = Σ over n and the output plane of ∂y[n, o].
    func biasGradient(_ dy: Tensor) -> Tensor {
        let db = Tensor.zeros([outChannels])
        for image in 0..<batch { addBiasGradient(ofImage: dy.pointer + image * outChannels * geometry.outPlane, to: db.pointer) }
        return db
    }

    /// acc[o] += Σ over the output plane of one image's ∂y[o], for every output channel o.
    func addBiasGradient(ofImage dy: UnsafePointer<Float>, to acc: UnsafeMutablePointer<Float>) {
        let l = geometry.outPlane
        for o in 0..<outChannels { acc[o] += Loops.reduce(SumKernel.self, dy + o * l, l) }
    }
}
