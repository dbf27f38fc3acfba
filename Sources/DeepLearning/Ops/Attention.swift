// Scaled dot-product attention, softmax(Q·Kᵀ·scale + mask)·V, as one fused op: per batch entry two GEMMs
// forward and four backward around one row pass (mask, softmax, dropout), the entries spread over the
// cores, the probabilities kept for backward. The composed version below it, written with the public
// ops, is the reference the tests hold the fused one to.

/// A mask over attention scores [..., L, S] (L queries, S keys), broadcast over the leading dimensions.
///
/// PyTorch uses Boolean masks with two opposite conventions: `scaled_dot_product_attention` takes
/// True = take part, while `nn.MultiheadAttention` (`attn_mask`, `key_padding_mask`) takes True = masked
/// out. Masks here are Float tensors (non-zero = true), and the case names the convention.
public enum AttentionMask {
    /// Non-zero where the query may attend to the key (`F.scaled_dot_product_attention`'s Boolean mask).
    case allowed(Tensor)
    /// Non-zero where the query must not attend to the key (`nn.MultiheadAttention`'s Boolean masks).
    case blocked(Tensor)
    /// Added to the scores before the softmax: 0 to take part, −∞ to mask out (PyTorch's float masks).
    case additive(Tensor)

    /// The mask tensor, whatever its convention.
    public var tensor: Tensor {
        switch self {
        case let .allowed(m), let .blocked(m), let .additive(m): return m
        }
    }

    /// The mask as values to add to the scores (0 or −∞ for the Boolean kinds). Not differentiable.
    public var additiveValues: Tensor {
        withNoGrad {
            switch self {
            case let .allowed(m): return Tensor.zeros(m.shape).maskedFill(m .== 0, -.infinity)
            case let .blocked(m): return Tensor.zeros(m.shape).maskedFill(m, -.infinity)
            case let .additive(m): return m.detached()
            }
        }
    }
}

/// Checked shapes of one attention call.
struct AttentionShapes {
    let batch: [Int]
    let queries: Int, keys: Int, headDim: Int, valueDim: Int
    /// The additive mask (nil without one); it broadcasts to `batch + [queries, keys]`.
    let mask: Tensor?

    var scoreShape: [Int] { batch + [queries, keys] }

    init(_ query: Tensor, _ key: Tensor, _ value: Tensor, mask: AttentionMask?, isCausal: Bool, dropoutP: Float) {
        let op = "scaledDotProductAttention"
        let shapes = "query \(query.shape), key \(key.shape), value \(value.shape)"
        require(query.rank >= 2 && key.rank >= 2 && value.rank >= 2, "\(op): \(shapes): each must be [..., length, features]")
        require(query.shape.last == key.shape.last,
                "\(op): \(shapes): query and key have \(query.shape.last!) and \(key.shape.last!) features, expected equal")
        require(key.shape[key.rank - 2] == value.shape[value.rank - 2],
                "\(op): \(shapes): key and value have \(key.shape[key.rank - 2]) and \(value.shape[value.rank - 2]) positions, expected equal")
        batch = Array(query.shape.dropLast(2))
        require(Array(key.shape.dropLast(2)) == batch && Array(value.shape.dropLast(2)) == batch,
                "\(op): \(shapes): the leading (batch, head) dimensions differ")
        require(dropoutP >= 0 && dropoutP <= 1, "\(op): dropoutP \(dropoutP) must be in [0, 1]")
        require(!(isCausal && mask != nil), "\(op): give an attention mask or isCausal, not both (as PyTorch)")
        queries = query.shape[query.rank - 2]
        keys = key.shape[key.rank - 2]
        headDim = query.shape.last!
        valueDim = value.shape.last!
        if let mask {
            let m = mask.tensor, target = batch + [queries, keys]
            require(m.rank <= target.count && zip(m.shape.reversed(), target.reversed()).allSatisfy { $0 == $1 || $0 == 1 },
                    "\(op): attention mask of shape \(m.shape) does not broadcast to the scores' shape \(target) (\(shapes))")
            self.mask = mask.additiveValues
        } else {
            self.mask = nil
        }
    }
}

/// Scaled dot-product attention, as `torch.nn.functional.scaled_dot_product_attention`:
/// softmax(Q·Kᵀ·scale + M)·V (Vaswani et al., "Attention Is All You Need", 2017, eq. 1).
///
/// Shapes: query [..., L, E], key [..., S, E], value [..., S, Ev] with equal leading (batch, head)
/// dimensions → [..., L, Ev]. `attentionMask` broadcasts to [..., L, S]; `isCausal` masks key j > query i
/// (the upper triangle, aligned top-left as PyTorch). `scale` defaults to 1/√E. With `dropoutP` > 0 the
/// attention weights are dropped out (always, as PyTorch's function; a layer passes 0 in evaluation).
/// A query whose every key is masked gets zeros (and zero gradients), as PyTorch 2.13 gives.
/// Any strided views work as operands (the heads of a projection need no copy).
///
/// Backward, with P the weights and D = P ⊙ dropout mask: ∂V = Dᵀ·G, ∂D = G·Vᵀ, ∂S = P ⊙ (∂P − Σⱼ ∂P ⊙ P),
/// ∂Q = scale·∂S·K, ∂K = scale·∂Sᵀ·Q. The mask is not differentiable.
/// See ``scaledDotProductAttentionComposed(_:_:_:attentionMask:isCausal:dropoutP:scale:)`` for the same
/// function written with the public ops.
public func scaledDotProductAttention(_ query: Tensor, _ key: Tensor, _ value: Tensor, attentionMask: AttentionMask? = nil,
                                      isCausal: Bool = false, dropoutP: Float = 0, scale: Float? = nil) -> Tensor {
    let dims = AttentionShapes(query, key, value, mask: attentionMask, isCausal: isCausal, dropoutP: dropoutP)
    let attention = FusedAttention(query, key, value, dims: dims, isCausal: isCausal, dropoutP: dropoutP,
                                   scale: scale ?? 1 / Float(dims.headDim).squareRoot())
    var out = Tensor(uninitialized: dims.batch + [dims.queries, dims.valueDim])
    let saved = attention.forward(into: out)
    let (query, key, value) = (attention.query, attention.key, attention.value)
    if Tensor.shouldRecord([query, key, value]) {
        out.attach("scaledDotProductAttention", inputs: [query, key, value]) { g in
            // Every entry of a gradient is written unless there are no queries or no keys.
            func gradient(_ t: Tensor) -> Tensor? {
                guard t.requiresGrad else { return nil }
                return dims.queries == 0 || dims.keys == 0 ? Tensor.zeros(t.shape) : Tensor(uninitialized: t.shape)
            }
            let (dq, dk, dv) = (gradient(query), gradient(key), gradient(value))
            attention.backward(g, saved: saved, into: dq, dk, dv)
            return [dq, dk, dv]
        }
    }
    return out
}

/// Multi-head self-attention over packed projections, with the heads split and merged in place: the
/// attention of ``MultiheadAttention`` when query, key and value are one tensor (PyTorch's
/// `_native_multi_head_attention` fast path).
///
/// `qkv` [N, L, 3E] (`batchFirst`) or [L, N, 3E] holds the query, key and value projections side by side, each
/// `heads` heads of E/heads features; the result [N, L, E] (or [L, N, E]) is the heads' attention outputs
/// side by side, as the merge before the output projection lays them out. The same as
/// `Reference.packedSelfAttention` (split into views, ``scaledDotProductAttention(_:_:_:attentionMask:isCausal:dropoutP:scale:)``,
/// merge with a copy), but forward writes each head's output straight into its columns and backward
/// writes ∂Q, ∂K, ∂V straight into one [.., .., 3E] gradient: no copies, no scatter of three gradients.
func packedSelfAttention(_ qkv: Tensor, heads: Int, batchFirst: Bool, attentionMask: AttentionMask?, isCausal: Bool,
                         dropoutP: Float) -> Tensor {
    let packed = withNoGrad { qkv.contiguous() }
    let (q, k, v) = PackedHeads.split(packed, heads: heads, batchFirst: batchFirst)
    let dims = AttentionShapes(q, k, v, mask: attentionMask, isCausal: isCausal, dropoutP: dropoutP)
    let attention = FusedAttention(q, k, v, dims: dims, isCausal: isCausal, dropoutP: dropoutP,
                                   scale: 1 / Float(dims.headDim).squareRoot())
    let e = qkv.shape.last! / 3
    var merged = Tensor(uninitialized: Array(qkv.shape.dropLast()) + [e])
    let saved = attention.forward(into: PackedHeads.heads(merged, heads: heads, batchFirst: batchFirst))
    if Tensor.shouldRecord(qkv) {
        merged.attach("packedSelfAttention", qkv) { g in
            let gradient = dims.queries == 0 ? Tensor.zeros(packed.shape) : Tensor(uninitialized: packed.shape)
            let (dq, dk, dv) = PackedHeads.split(gradient, heads: heads, batchFirst: batchFirst)
            let gHeads = PackedHeads.heads(g.contiguous(), heads: heads, batchFirst: batchFirst)
            attention.backward(gHeads, saved: saved, into: dq, dk, dv)
            return [gradient]
        }
    }
    return merged
}

/// Views of packed attention projections as heads [N, H, L, E/H], for `packedSelfAttention`.
enum PackedHeads {
    /// The permutation from [N, L, H, d] (`batchFirst`) or [L, N, H, d] to the heads' [N, H, L, d].
    static func order(batchFirst: Bool) -> [Int] { batchFirst ? [0, 2, 1, 3] : [1, 2, 0, 3] }

    /// The [N, H, L, d] view of the heads of x [N, L, H·d] (`batchFirst`) or [L, N, H·d]; no copy, not recorded.
    static func heads(_ x: Tensor, heads: Int, batchFirst: Bool) -> Tensor {
        withNoGrad {
            let t = x.reshaped(to: Array(x.shape.dropLast()) + [heads, x.shape.last! / heads])
            return t.permuted(order(batchFirst: batchFirst))
        }
    }

    /// The query, key and value heads [N, H, L, d] of a contiguous qkv [N, L, 3·H·d] (`batchFirst`) or
    /// [L, N, 3·H·d]; views, not recorded.
    static func split(_ qkv: Tensor, heads: Int, batchFirst: Bool) -> (Tensor, Tensor, Tensor) {
        withNoGrad {
            let d = qkv.shape.last! / (3 * heads)
            let parts = qkv.reshaped(to: Array(qkv.shape.dropLast()) + [3, heads, d])  // a view: qkv is contiguous
            func part(_ i: Int) -> Tensor {
                parts.sliced(alongAxis: 2, i..<(i + 1)).squeezed(axis: 2).permuted(order(batchFirst: batchFirst))
            }
            return (part(0), part(1), part(2))
        }
    }
}

extension Reference {
    /// `packedSelfAttention` (the self-attention fast path of ``MultiheadAttention``) composed from public ops:
    /// qkv [.., .., 3E] split into query, key and value, each into heads [N, H, L, E/H] (views), attended
    /// with ``scaledDotProductAttention(_:_:_:attentionMask:isCausal:dropoutP:scale:)`` and merged back into
    /// [.., .., E] with a copy.
    public static func packedSelfAttention(_ qkv: Tensor, heads: Int, batchFirst: Bool, attentionMask: AttentionMask? = nil,
                                           isCausal: Bool = false, dropoutP: Float = 0) -> Tensor {
        let e = qkv.shape.last! / 3
        let order = batchFirst ? [0, 2, 1, 3] : [1, 2, 0, 3]
        func part(_ i: Int) -> Tensor {
            let p = qkv.sliced(alongAxis: -1, (i * e)..<((i + 1) * e))
            return p.reshaped(to: Array(p.shape.dropLast()) + [heads, e / heads]).permuted(order)
        }
        let attended = scaledDotProductAttention(part(0), part(1), part(2), attentionMask: attentionMask, isCausal: isCausal,
                                                 dropoutP: dropoutP)
        return attended.permuted(batchFirst ? [0, 2, 1, 3] : [2, 0, 1, 3]).contiguous()
            .reshaped(to: Array(qkv.shape.dropLast()) + [e])
    }
}

/// Scaled dot-product attention written with the public ops (matmul, softmax, where): the reference of
/// ``scaledDotProductAttention(_:_:_:attentionMask:isCausal:dropoutP:scale:)``, same arguments and result.
/// Also returns the attention weights softmax(Q·Kᵀ·scale + M) [..., L, S] (after dropout, as
/// `nn.MultiheadAttention` returns them), differentiable.
public func scaledDotProductAttentionComposed(_ query: Tensor, _ key: Tensor, _ value: Tensor, attentionMask: AttentionMask? = nil,
                                              isCausal: Bool = false, dropoutP: Float = 0,
                                              scale: Float? = nil) -> (output: Tensor, weights: Tensor) {
    let dims = AttentionShapes(query, key, value, mask: attentionMask, isCausal: isCausal, dropoutP: dropoutP)
    var scores = query.matmul(key.transposed()) * (scale ?? 1 / Float(dims.headDim).squareRoot())
    if let mask = dims.mask { scores = scores + mask }
    if isCausal { scores = scores.maskedFill(Tensor.triangle(rows: dims.queries, columns: dims.keys) { i, j in j > i }, -.infinity) }
    // A row with every key masked would be 0/0: give it zeros, as PyTorch's safe softmax does (and so does a
    // row with no key at all, S = 0: its product with V [.., 0, Ev] is zeros).
    if dims.keys == 0 { return (scores.matmul(value), scores) }
    let allMasked = withNoGrad { scores.max(alongAxis: -1, keepDims: true) .== -Float.infinity }
    var weights = scores.maskedFill(allMasked, 0).softmax(alongAxis: -1).maskedFill(allMasked, 0)
    if dropoutP > 0 { weights = weights * dropoutMask(dims.scoreShape, p: dropoutP) }
    return (weights.matmul(value), weights)
}

/// The fused forward and backward of scaled dot-product attention over the flattened batch.
private struct FusedAttention {
    let query: Tensor, key: Tensor, value: Tensor
    let dims: AttentionShapes
    let isCausal: Bool
    let dropoutP: Float
    let scale: Float
    let count: Int  // batch entries

    init(_ query: Tensor, _ key: Tensor, _ value: Tensor, dims: AttentionShapes, isCausal: Bool, dropoutP: Float, scale: Float) {
        self.query = FusedAttention.usableOperand(query)
        self.key = FusedAttention.usableOperand(key)
        self.value = FusedAttention.usableOperand(value)
        self.dims = dims
        self.isCausal = isCausal
        self.dropoutP = dropoutP
        self.scale = scale
        count = dims.batch.reduce(1, *)
    }

    /// `t`, or a contiguous copy when its last two dimensions are not a BLAS matrix (row or column stride 1).
    /// The copy keeps `t`'s autograd node: the gradient has the same shape and goes to the original.
    static func usableOperand(_ t: Tensor) -> Tensor {
        let r = t.rank
        let ok = Tensor.matrixOperand(shape: (t.shape[r - 2], t.shape[r - 1]), strides: (t.strides[r - 2], t.strides[r - 1]),
                                      base: t.storage.base) != nil
        if ok { return t }
        var copy = withNoGrad { t.contiguous() }
        copy.node = t.node
        return copy
    }

    /// Storage offsets of each batch entry's matrix in `t` (its leading dimensions flattened).
    func entryOffsets(_ t: Tensor) -> [Int] {
        let lead = dims.batch, strides = Array(t.strides.dropLast(2))
        var offsets = [Int](repeating: t.offset, count: count)
        var index = [Int](repeating: 0, count: lead.count)
        for b in 0..<count {
            offsets[b] = t.offset + zip(index, strides).reduce(0) { $0 + $1.0 * $1.1 }
            var d = lead.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < lead[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return offsets
    }

    /// The matrix of batch entry `b` of `t` as a GEMM operand, transposed when `transpose`.
    func operand(_ t: Tensor, _ offsets: [Int], _ b: Int, transpose: Bool = false) -> MatrixOperand {
        let r = t.rank
        let shape = (t.shape[r - 2], t.shape[r - 1]), strides = (t.strides[r - 2], t.strides[r - 1])
        return transpose
            ? Tensor.matrixOperand(shape: (shape.1, shape.0), strides: (strides.1, strides.0), base: t.storage.base + offsets[b])!
            : Tensor.matrixOperand(shape: shape, strides: strides, base: t.storage.base + offsets[b])!
    }

    static func plain(_ p: UnsafePointer<Float>, columns: Int) -> MatrixOperand {
        MatrixOperand(pointer: p, transposed: false, leadingDimension: columns)
    }

    static func transposed(_ p: UnsafePointer<Float>, columns: Int) -> MatrixOperand {
        MatrixOperand(pointer: p, transposed: true, leadingDimension: columns)
    }

    /// Runs `body` for every batch entry, spread over the cores (one BLAS thread each) when there are several.
    func forEachEntry(cost: Int, _ body: (Range<Int>) -> Void) {
        if count > 1 && Parallel.threadCount > 1 {
            Parallel.forEachWithSingleThreadedBLAS(count, costPerItem: cost, body)
        } else {
            body(0..<count)
        }
    }

    /// What forward keeps for backward: the attention weights P [count, L, S], and with dropout its mask and
    /// P ⊙ mask.
    struct Saved {
        let weights: Tensor, dropMask: Tensor?, dropped: Tensor?
    }

    /// The matrix of batch entry `b` of a view [..., rows, columns] with contiguous rows, to be written.
    static func destination(_ t: Tensor, _ offsets: [Int], _ b: Int) -> (pointer: UnsafeMutablePointer<Float>, ld: Int) {
        (t.storage.base + offsets[b], Swift.max(t.strides[t.rank - 2], 1))
    }

    /// Writes softmax(Q·Kᵀ·scale + M)·V into `out`, a view batch + [L, Ev] whose rows are contiguous (the
    /// heads of a merged [N, L, E] tensor, or a fresh tensor), and returns what backward needs.
    func forward(into out: Tensor) -> Saved {
        let (l, s, e, ev) = (dims.queries, dims.keys, dims.headDim, dims.valueDim)
        require(out.shape == dims.batch + [l, ev] && (out.strides.last == 1 || ev <= 1),
                "scaledDotProductAttention: output view of shape \(out.shape), strides \(out.strides)")
        let weights = Tensor(uninitialized: [count, l, s])
        let dropMask: Tensor? = dropoutP > 0 ? dropoutMask([count, l, s], p: dropoutP) : nil
        let dropped: Tensor? = dropMask.map { _ in Tensor(uninitialized: [count, l, s]) }
        let qo = entryOffsets(query), ko = entryOffsets(key), vo = entryOffsets(value), oo = entryOffsets(out)
        let mask = dims.mask.map { m in withNoGrad { m.expanded(to: dims.scoreShape) } }
        let mo = mask.map { entryOffsets($0) }
        let (maskRowStride, maskColumnStride) = mask.map { ($0.strides[$0.rank - 2], $0.strides[$0.rank - 1]) } ?? (0, 0)
        let (scale, isCausal) = (self.scale, self.isCausal)
        forEachEntry(cost: l * s * (e + ev) / 16) { entries in
            for b in entries {
                let p = weights.pointer + b * l * s
                if l > 0 && s > 0 {
                    GEMM.multiply(m: l, n: s, k: e, operand(query, qo, b), operand(key, ko, b, transpose: true), p, ldc: s, alpha: scale)
                }
                for i in 0..<l {
                    let row = p + i * s
                    if let mask, let mo {
                        let m = mask.storage.base + mo[b] + i * maskRowStride
                        if maskColumnStride == 1 {
                            for j in 0..<s { row[j] += m[j] }
                        } else {
                            for j in 0..<s { row[j] += m[j * maskColumnStride] }
                        }
                    }
                    if isCausal && i + 1 < s { (row + i + 1).update(repeating: -.infinity, count: s - i - 1) }
                    AttentionRows.safeSoftmax(row, s)
                }
                var weighted = UnsafePointer(p)
                if let dropMask, let dropped {
                    let d = dropped.pointer + b * l * s, m = dropMask.pointer + b * l * s
                    for k in 0..<(l * s) { d[k] = p[k] * m[k] }
                    weighted = UnsafePointer(d)
                }
                if l > 0 && ev > 0 {
                    let (o, ldo) = FusedAttention.destination(out, oo, b)
                    if s == 0 {
                        for i in 0..<l { (o + i * ldo).update(repeating: 0, count: ev) }
                    } else {
                        GEMM.multiply(m: l, n: ev, k: s, FusedAttention.plain(weighted, columns: s), operand(value, vo, b), o, ldc: ldo)
                    }
                }
            }
        }
        return Saved(weights: weights, dropMask: dropMask, dropped: dropped)
    }

    /// Writes ∂Q, ∂K, ∂V (nil: not needed) for the output gradient `g` [batch…, L, Ev] (any strides) into
    /// views shaped like the query, key and value with contiguous rows. Entries are written, not added;
    /// with no queries or no keys nothing is written (the caller passes zeros).
    func backward(_ g: Tensor, saved: Saved, into dq: Tensor?, _ dk: Tensor?, _ dv: Tensor?) {
        let (l, s, e, ev) = (dims.queries, dims.keys, dims.headDim, dims.valueDim)
        let gm = FusedAttention.usableOperand(g)
        let go = entryOffsets(gm), qo = entryOffsets(query), ko = entryOffsets(key), vo = entryOffsets(value)
        let dqo = dq.map { entryOffsets($0) }, dko = dk.map { entryOffsets($0) }, dvo = dv.map { entryOffsets($0) }
        let (weights, dropMask, dropped) = (saved.weights, saved.dropMask, saved.dropped)
        let scale = self.scale
        forEachEntry(cost: l * s * (2 * e + 2 * ev) / 16) { entries in
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(l * s, 1))
            defer { scratch.deallocate() }
            for b in entries where l > 0 && s > 0 {
                let p = weights.pointer + b * l * s
                let gb = operand(gm, go, b)
                let d = dropped.map { UnsafePointer($0.pointer + b * l * s) } ?? UnsafePointer(p)
                if let dv, let dvo, ev > 0 {
                    let (o, ld) = FusedAttention.destination(dv, dvo, b)
                    GEMM.multiply(m: s, n: ev, k: l, FusedAttention.transposed(d, columns: s), gb, o, ldc: ld)
                }
                guard dq != nil || dk != nil else { continue }
                // ∂D = G·Vᵀ, then through the dropout mask and the softmax, in place.
                if ev > 0 {
                    GEMM.multiply(m: l, n: s, k: ev, gb, operand(value, vo, b, transpose: true), scratch, ldc: s)
                } else {
                    scratch.update(repeating: 0, count: l * s)
                }
                if let dropMask {
                    let m = dropMask.pointer + b * l * s
                    for k in 0..<(l * s) { scratch[k] *= m[k] }
                }
                for i in 0..<l { AttentionRows.softmaxBackward(p + i * s, scratch + i * s, s) }
                if let dq, let dqo, e > 0 {
                    let (o, ld) = FusedAttention.destination(dq, dqo, b)
                    GEMM.multiply(m: l, n: e, k: s, FusedAttention.plain(scratch, columns: s), operand(key, ko, b), o, ldc: ld, alpha: scale)
                }
                if let dk, let dko, e > 0 {
                    let (o, ld) = FusedAttention.destination(dk, dko, b)
                    GEMM.multiply(m: s, n: e, k: l, FusedAttention.transposed(scratch, columns: s), operand(query, qo, b), o, ldc: ld, alpha: scale)
                }
            }
        }
    }
}

/// Row kernels of attention on raw buffers.
enum AttentionRows {
    /// softmax of one row in place; a row whose every entry is −∞ becomes zeros.
    @inline(__always)
    static func safeSoftmax(_ row: UnsafeMutablePointer<Float>, _ n: Int) {
        let m = Loops.reduce(MaxKernel.self, row, n)
        if m == -.infinity {
            row.update(repeating: 0, count: n)
            return
        }
        // e^{x − m} and its sum in one pass, then the scaling.
        typealias V = FloatVector
        let w = V.scalarCount, mv = V(repeating: m)
        var sums = V(repeating: 0)
        var i = 0
        while i + w <= n {
            let e = SIMDMath.exp(V.load(row + i) - mv)
            e.store(row + i)
            sums += e
            i += w
        }
        var sum = Loops.horizontal(SumKernel.self, sums)
        if i < n {
            Loops.storePartial(SIMDMath.exp(Loops.loadPartial(row + i, n - i) - mv), row + i, n - i)
            for j in i..<n { sum += row[j] }
        }
        // A long row is summed again by blocks combined pairwise, as every long reduction.
        if n >= Loops.reductionBlock { sum = Loops.reduce(SumKernel.self, row, n) }
        var inv = 1 / sum
        Loops.zip(MulKernel(), row, 1, &inv, 0, row, n)
    }

    /// ∂s = p ⊙ (∂p − Σ ∂p ⊙ p) for one row, written over ∂p.
    @inline(__always)
    static func softmaxBackward(_ p: UnsafePointer<Float>, _ dp: UnsafeMutablePointer<Float>, _ n: Int) {
        let dot = RowMath.dot(p, dp, n)
        for k in 0..<n { dp[k] = p[k] * (dp[k] - dot) }
    }
}
