/// Multi-head attention, as `torch.nn.MultiheadAttention` (Vaswani et al., "Attention Is All You Need",
/// 2017, §3.2.2): headᵢ = Attention(Q·W_Qᵢ, K·W_Kᵢ, V·W_Vᵢ), output = Concat(head₁…head_h)·W_O + b_O.
///
/// Shapes (L queries, S keys, N batch, E = embedDim): query [L, N, E], key [S, N, kdim], value [S, N, vdim]
/// ([N, L, E]… with `batchFirst`; [L, E]… unbatched) → output like query, and with `needWeights` the
/// attention weights [N, L, S] averaged over the heads (or [N, numHeads, L, S]).
///
/// Parameters under PyTorch's names: `in_proj_weight` [3E, E] (rows: W_Q, W_K, W_V) when kdim = vdim = E,
/// otherwise `q_proj_weight` [E, E], `k_proj_weight` [E, kdim], `v_proj_weight` [E, vdim]; `in_proj_bias` [3E];
/// `out_proj.weight` [E, E], `out_proj.bias` [E]. Initialisation as PyTorch: Xavier-uniform input projections,
/// zero biases, `out_proj.weight` as a Linear's (U(−1/√E, 1/√E)).
public final class MultiheadAttention: Module {
    /// [3E, E]: the query, key and value projections stacked; nil when kdim or vdim differ from E.
    public let inProjWeight: Tensor?
    /// [E, E], [E, kdim], [E, vdim]: separate projections, present only when kdim or vdim differ from E.
    public let qProjWeight: Tensor?, kProjWeight: Tensor?, vProjWeight: Tensor?
    /// [3E]: biases of the three projections; nil without bias.
    public let inProjBias: Tensor?
    /// The output projection E → E.
    public let outProj: Linear
    /// E, the number of heads, E / heads, and the key and value feature sizes.
    public let embedDim: Int, numHeads: Int, headDim: Int, kdim: Int, vdim: Int
    /// Dropout probability on the attention weights (training only).
    public let dropout: Float
    /// Whether inputs are [N, L, E] rather than [L, N, E].
    public let batchFirst: Bool

    /// As `nn.MultiheadAttention(embed_dim, num_heads, dropout, bias, kdim=, vdim=, batch_first=)`.
    /// `embedDim` must be divisible by `numHeads`. (`add_bias_kv` and `add_zero_attn` are not supported.)
    public init(embedDim: Int, numHeads: Int, dropout: Float = 0, bias: Bool = true, kdim: Int? = nil, vdim: Int? = nil,
                batchFirst: Bool = false) {
        let name = "MultiheadAttention(embedDim: \(embedDim), numHeads: \(numHeads))"
        require(embedDim > 0 && numHeads > 0, "\(name): sizes must be positive")
        require(embedDim % numHeads == 0, "\(name): embedDim \(embedDim) is not divisible by numHeads \(numHeads)")
        require(dropout >= 0 && dropout <= 1, "\(name): dropout \(dropout) must be in [0, 1]")
        self.embedDim = embedDim
        self.numHeads = numHeads
        headDim = embedDim / numHeads
        self.kdim = kdim ?? embedDim
        self.vdim = vdim ?? embedDim
        self.dropout = dropout
        self.batchFirst = batchFirst
        func xavier(_ rows: Int, _ columns: Int) -> Tensor {
            let bound = (6 / Float(rows + columns)).squareRoot()
            return Tensor.uniform([rows, columns], low: -bound, high: bound, using: &RandomGenerator.global).requiringGrad()
        }
        if self.kdim == embedDim && self.vdim == embedDim {
            inProjWeight = xavier(3 * embedDim, embedDim)
            (qProjWeight, kProjWeight, vProjWeight) = (nil, nil, nil)
        } else {
            inProjWeight = nil
            qProjWeight = xavier(embedDim, embedDim)
            kProjWeight = xavier(embedDim, self.kdim)
            vProjWeight = xavier(embedDim, self.vdim)
        }
        inProjBias = bias ? Tensor.zeros([3 * embedDim]).requiringGrad() : nil
        outProj = Linear(embedDim, embedDim, bias: bias)
        if let b = outProj.bias { b.assign(Tensor.zeros([embedDim])) }
        super.init()
    }

    var name: String { "MultiheadAttention(embedDim: \(embedDim), numHeads: \(numHeads))" }

    /// Attends from `query` to `key`/`value`, as `forward(query, key, value, key_padding_mask, need_weights,
    /// attn_mask, average_attn_weights, is_causal)`.
    ///
    /// - keyPaddingMask: [N, S] (or [S] unbatched); keys to ignore, e.g. `.blocked(padding)` as PyTorch's
    ///   Boolean mask (True = ignore) or `.additive`.
    /// - attnMask: [L, S] or [N·numHeads, L, S]; `.blocked` as PyTorch's Boolean `attn_mask`, or `.additive`.
    /// - needWeights: also return the attention weights (computed with the composed, differentiable
    ///   attention; otherwise the fused one runs and nil is returned).
    /// - isCausal: query i attends to keys 0...i. PyTorch takes it as a hint beside an `attnMask` that must
    ///   be the causal mask; here it works alone too, and an `attnMask` given with it is used instead.
    /// Errors name the layer and the shapes: a query whose last dimension is not embedDim, masks of the
    /// wrong shape, keys and values of different lengths.
    public func callAsFunction(_ query: Tensor, _ key: Tensor, _ value: Tensor, keyPaddingMask: AttentionMask? = nil,
                               needWeights: Bool = true, attnMask: AttentionMask? = nil, averageAttnWeights: Bool = true,
                               isCausal: Bool = false) -> (output: Tensor, weights: Tensor?) {
        let shapes = "query \(query.shape), key \(key.shape), value \(value.shape)"
        require(query.rank == 3 || query.rank == 2, "\(name): query of shape \(query.shape) must be 3-D (batched) or 2-D (unbatched)")
        require(key.rank == query.rank && value.rank == query.rank, "\(name): \(shapes): all three must have the same rank")
        require(query.shape.last == embedDim, "\(name): query of shape \(query.shape) has last dimension \(query.shape.last!), expected embedDim \(embedDim)")
        require(key.shape.last == kdim, "\(name): key of shape \(key.shape) has last dimension \(key.shape.last!), expected kdim \(kdim)")
        require(value.shape.last == vdim, "\(name): value of shape \(value.shape) has last dimension \(value.shape.last!), expected vdim \(vdim)")
        if query.rank == 2 {
            // Unbatched: a batch of one, then the batch dimension removed again.
            let axis = batchFirst ? 0 : 1
            let kpm = keyPaddingMask.map { m in Self.mapMask(m) { $0.rank == 1 ? $0.unsqueezed(at: 0) : $0 } }
            let (out, weights) = self(query.unsqueezed(at: axis), key.unsqueezed(at: axis), value.unsqueezed(at: axis),
                                      keyPaddingMask: kpm, needWeights: needWeights, attnMask: attnMask,
                                      averageAttnWeights: averageAttnWeights, isCausal: isCausal)
            return (out.squeezed(axis: axis), weights.map { $0.squeezed(axis: 0) })
        }
        let seqAxis = batchFirst ? 1 : 0, batchAxis = batchFirst ? 0 : 1
        let (l, n, s) = (query.shape[seqAxis], query.shape[batchAxis], key.shape[seqAxis])
        require(key.shape[batchAxis] == n && value.shape[batchAxis] == n, "\(name): \(shapes): batch sizes differ")
        require(value.shape[seqAxis] == s, "\(name): \(shapes): key and value have \(s) and \(value.shape[seqAxis]) positions")

        let mask = combinedMask(keyPaddingMask: keyPaddingMask, attnMask: attnMask, isCausal: isCausal, l: l, n: n, s: s, shapes: shapes)
        let causalFlag = isCausal && attnMask == nil && keyPaddingMask == nil
        let p = isTraining ? dropout : 0
        if !needWeights, let w = inProjWeight, query === key && key === value {
            // Self-attention: one projection [.., .., 3E], heads split and merged in place.
            let merged = packedSelfAttention(linear(query, weight: w, bias: inProjBias), heads: numHeads, batchFirst: batchFirst,
                                             attentionMask: mask, isCausal: causalFlag, dropoutP: p)
            return (outProj(merged), nil)
        }
        // Projections in the inputs' own layout [.., .., H, headDim], then a view [N, H, length, headDim] of each.
        let (q, k, v) = project(query, key, value)
        let order = PackedHeads.order(batchFirst: batchFirst)
        func heads(_ t: Tensor) -> Tensor { t.permuted(order) }
        var attended: Tensor, weights: Tensor? = nil
        if needWeights {
            (attended, weights) = scaledDotProductAttentionComposed(heads(q), heads(k), heads(v), attentionMask: mask, isCausal: causalFlag, dropoutP: p)
            if averageAttnWeights { weights = weights!.mean(alongAxis: 1) }
        } else {
            attended = scaledDotProductAttention(heads(q), heads(k), heads(v), attentionMask: mask, isCausal: causalFlag, dropoutP: p)
        }
        // [N, H, L, headDim] → the query's layout [.., .., E].
        let merged = attended.permuted(batchFirst ? [0, 2, 1, 3] : [2, 0, 1, 3]).contiguous()
            .reshaped(to: batchFirst ? [n, l, embedDim] : [l, n, embedDim])
        return (outProj(merged), weights)
    }

    /// The query, key and value projections, each split into heads [.., .., H, headDim] (views, no copy): one
    /// product when the three inputs are the same tensor.
    private func project(_ query: Tensor, _ key: Tensor, _ value: Tensor) -> (Tensor, Tensor, Tensor) {
        let e = embedDim
        func split(_ t: Tensor) -> Tensor { t.reshaped(to: Array(t.shape.dropLast()) + [numHeads, headDim]) }
        let biases = (0..<3).map { i in inProjBias.map { $0.sliced(alongAxis: 0, (i * e)..<((i + 1) * e)) } }
        guard let w = inProjWeight else {
            return (split(linear(query, weight: qProjWeight!, bias: biases[0])), split(linear(key, weight: kProjWeight!, bias: biases[1])),
                    split(linear(value, weight: vProjWeight!, bias: biases[2])))
        }
        if query === key && key === value {
            let all = linear(query, weight: w, bias: inProjBias)
            let parts = all.reshaped(to: Array(all.shape.dropLast()) + [3, numHeads, headDim])
            let axis = parts.rank - 3
            func part(_ i: Int) -> Tensor { parts.sliced(alongAxis: axis, i..<(i + 1)).squeezed(axis: axis) }
            return (part(0), part(1), part(2))
        }
        let weights = (0..<3).map { i in w.sliced(alongAxis: 0, (i * e)..<((i + 1) * e)) }
        return (split(linear(query, weight: weights[0], bias: biases[0])), split(linear(key, weight: weights[1], bias: biases[1])),
                split(linear(value, weight: weights[2], bias: biases[2])))
    }

    /// The attention and key-padding masks as one additive mask broadcasting to [N, H, L, S].
    private func combinedMask(keyPaddingMask: AttentionMask?, attnMask: AttentionMask?, isCausal: Bool, l: Int, n: Int, s: Int,
                              shapes: String) -> AttentionMask? {
        var total: Tensor? = nil
        if let attnMask {
            let m = attnMask.tensor
            require(m.shape == [l, s] || m.shape == [n * numHeads, l, s],
                    "\(name): attnMask of shape \(m.shape) for \(shapes), expected [\(l), \(s)] or [\(n * numHeads), \(l), \(s)]")
            let values = attnMask.additiveValues
            total = m.rank == 2 ? values : values.reshaped(to: [n, numHeads, l, s])
        } else if isCausal && keyPaddingMask != nil {
            total = squareSubsequentMask(Swift.max(l, s)).sliced(alongAxis: 0, 0..<l).sliced(alongAxis: 1, 0..<s)
        }
        if let keyPaddingMask {
            let m = keyPaddingMask.tensor
            require(m.shape == [n, s], "\(name): keyPaddingMask of shape \(m.shape) for \(shapes), expected [\(n), \(s)]")
            let values = keyPaddingMask.additiveValues.reshaped(to: [n, 1, 1, s])
            total = total.map { $0 + values } ?? values
        }
        return total.map { .additive($0) }
    }

    /// The same kind of mask around a transformed tensor.
    static func mapMask(_ mask: AttentionMask, _ f: (Tensor) -> Tensor) -> AttentionMask {
        switch mask {
        case let .allowed(m): return .allowed(f(m))
        case let .blocked(m): return .blocked(f(m))
        case let .additive(m): return .additive(f(m))
        }
    }
}
