/// The activation between the two linear maps of a Transformer layer's feed-forward block.
public enum TransformerActivation: String, Sendable {
    /// max(0, x), PyTorch's default.
    case relu
    /// x·Φ(x) (exact, with erf), as `F.gelu`.
    case gelu
}

/// One encoder layer, as `torch.nn.TransformerEncoderLayer` (Vaswani et al., 2017, §3.1): self-attention
/// and a feed-forward block Linear(dModel → dimFeedforward) → activation → Linear(→ dModel), each with a
/// residual connection and layer norm — after the sum (post-norm, the paper's and PyTorch's default) or,
/// with `normFirst`, before the block (pre-norm: x + block(norm(x)), steadier to train deep).
///
/// Shapes: src [S, N, dModel] ([N, S, dModel] with `batchFirst`) → the same shape. Submodules and state-dict
/// keys as PyTorch's: `self_attn`, `linear1`, `dropout`, `linear2`, `norm1`, `norm2`, `dropout1`, `dropout2`.
public final class TransformerEncoderLayer: Module, Layer {
    /// Self-attention over the sequence (`self_attn`).
    public let selfAttn: MultiheadAttention
    /// The feed-forward block: dModel → dimFeedforward, dropout, dimFeedforward → dModel.
    public let linear1: Linear, dropout: Dropout, linear2: Linear
    /// Layer norms of the attention and feed-forward sub-blocks.
    public let norm1: LayerNorm, norm2: LayerNorm
    /// Dropout on the attention and feed-forward outputs before each residual sum.
    public let dropout1: Dropout, dropout2: Dropout
    /// The feed-forward activation.
    public let activation: TransformerActivation
    /// Whether layer norm comes before each block (pre-norm) rather than after each residual sum.
    public let normFirst: Bool
    /// Arguments kept for copies (``TransformerEncoder`` stacks copies of one layer).
    let arguments: (dModel: Int, nhead: Int, dimFeedforward: Int, dropout: Float, layerNormEps: Float, batchFirst: Bool, bias: Bool)

    /// As `nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps,
    /// batch_first, norm_first, bias)`.
    public init(dModel: Int, nhead: Int, dimFeedforward: Int = 2048, dropout: Float = 0.1, activation: TransformerActivation = .relu,
                layerNormEps: Float = 1e-5, batchFirst: Bool = false, normFirst: Bool = false, bias: Bool = true) {
        selfAttn = MultiheadAttention(embedDim: dModel, numHeads: nhead, dropout: dropout, bias: bias, batchFirst: batchFirst)
        linear1 = Linear(dModel, dimFeedforward, bias: bias)
        self.dropout = Dropout(p: dropout)
        linear2 = Linear(dimFeedforward, dModel, bias: bias)
        norm1 = LayerNorm(dModel, eps: layerNormEps, bias: bias)
        norm2 = LayerNorm(dModel, eps: layerNormEps, bias: bias)
        dropout1 = Dropout(p: dropout)
        dropout2 = Dropout(p: dropout)
        self.activation = activation
        self.normFirst = normFirst
        arguments = (dModel, nhead, dimFeedforward, dropout, layerNormEps, batchFirst, bias)
        super.init()
    }

    /// A new layer with the same arguments and a copy of this one's parameters (as `copy.deepcopy`).
    public func copy() -> TransformerEncoderLayer {
        let a = arguments
        let layer = TransformerEncoderLayer(dModel: a.dModel, nhead: a.nhead, dimFeedforward: a.dimFeedforward, dropout: a.dropout,
                                            activation: activation, layerNormEps: a.layerNormEps, batchFirst: a.batchFirst,
                                            normFirst: normFirst, bias: a.bias)
        try! layer.loadState(copiedState())
        return layer
    }

    /// The layer applied to `src`, as `forward(src, src_mask, src_key_padding_mask, is_causal)`; masks as in
    /// ``MultiheadAttention``.
    public func callAsFunction(_ src: Tensor, srcMask: AttentionMask? = nil, srcKeyPaddingMask: AttentionMask? = nil,
                               isCausal: Bool = false) -> Tensor {
        func selfAttention(_ x: Tensor) -> Tensor {
            dropout1(selfAttn(x, x, x, keyPaddingMask: srcKeyPaddingMask, needWeights: false, attnMask: srcMask, isCausal: isCausal).output)
        }
        func feedForward(_ x: Tensor) -> Tensor { dropout2(linear2(dropout(linear1(x, then: activation)))) }
        var x = src
        if normFirst {
            x = x + selfAttention(norm1(x))
            x = x + feedForward(norm2(x))
        } else {
            x = norm1(x + selfAttention(x))
            x = norm2(x + feedForward(x))
        }
        return x
    }

    /// The layer applied to `x` without masks.
    public func callAsFunction(_ x: Tensor) -> Tensor { self(x, srcMask: nil) }
}

/// One decoder layer, as `torch.nn.TransformerDecoderLayer` (Vaswani et al., 2017, §3.1): self-attention
/// over the target, attention from the target to the encoder's output (`memory`), and a feed-forward block,
/// each with a residual connection and layer norm (post-norm, or pre-norm with `normFirst`).
///
/// Shapes: tgt [T, N, dModel], memory [S, N, dModel] (batch first with `batchFirst`) → like tgt. Submodules as
/// PyTorch's: `self_attn`, `multihead_attn`, `linear1`, `dropout`, `linear2`, `norm1`, `norm2`, `norm3`,
/// `dropout1`, `dropout2`, `dropout3`.
public final class TransformerDecoderLayer: Module {
    /// Self-attention over the target (`self_attn`).
    public let selfAttn: MultiheadAttention
    /// Attention from the target to the memory (`multihead_attn`).
    public let multiheadAttn: MultiheadAttention
    /// The feed-forward block: dModel → dimFeedforward, dropout, dimFeedforward → dModel.
    public let linear1: Linear, dropout: Dropout, linear2: Linear
    /// Layer norms of the three sub-blocks.
    public let norm1: LayerNorm, norm2: LayerNorm, norm3: LayerNorm
    /// Dropout on each sub-block's output before its residual sum.
    public let dropout1: Dropout, dropout2: Dropout, dropout3: Dropout
    /// The feed-forward activation.
    public let activation: TransformerActivation
    /// Whether layer norm comes before each block (pre-norm) rather than after each residual sum.
    public let normFirst: Bool
    let arguments: (dModel: Int, nhead: Int, dimFeedforward: Int, dropout: Float, layerNormEps: Float, batchFirst: Bool, bias: Bool)

    /// As `nn.TransformerDecoderLayer(d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps,
    /// batch_first, norm_first, bias)`.
    public init(dModel: Int, nhead: Int, dimFeedforward: Int = 2048, dropout: Float = 0.1, activation: TransformerActivation = .relu,
                layerNormEps: Float = 1e-5, batchFirst: Bool = false, normFirst: Bool = false, bias: Bool = true) {
        selfAttn = MultiheadAttention(embedDim: dModel, numHeads: nhead, dropout: dropout, bias: bias, batchFirst: batchFirst)
        multiheadAttn = MultiheadAttention(embedDim: dModel, numHeads: nhead, dropout: dropout, bias: bias, batchFirst: batchFirst)
        linear1 = Linear(dModel, dimFeedforward, bias: bias)
        self.dropout = Dropout(p: dropout)
        linear2 = Linear(dimFeedforward, dModel, bias: bias)
        norm1 = LayerNorm(dModel, eps: layerNormEps, bias: bias)
        norm2 = LayerNorm(dModel, eps: layerNormEps, bias: bias)
        norm3 = LayerNorm(dModel, eps: layerNormEps, bias: bias)
        dropout1 = Dropout(p: dropout)
        dropout2 = Dropout(p: dropout)
        dropout3 = Dropout(p: dropout)
        self.activation = activation
        self.normFirst = normFirst
        arguments = (dModel, nhead, dimFeedforward, dropout, layerNormEps, batchFirst, bias)
        super.init()
    }

    /// A new layer with the same arguments and a copy of this one's parameters (as `copy.deepcopy`).
    public func copy() -> TransformerDecoderLayer {
        let a = arguments
        let layer = TransformerDecoderLayer(dModel: a.dModel, nhead: a.nhead, dimFeedforward: a.dimFeedforward, dropout: a.dropout,
                                            activation: activation, layerNormEps: a.layerNormEps, batchFirst: a.batchFirst,
                                            normFirst: normFirst, bias: a.bias)
        try! layer.loadState(copiedState())
        return layer
    }

    /// The layer applied to `tgt` attending to `memory`, as `forward(tgt, memory, tgt_mask, memory_mask,
    /// tgt_key_padding_mask, memory_key_padding_mask, tgt_is_causal, memory_is_causal)`.
    public func callAsFunction(_ tgt: Tensor, memory: Tensor, tgtMask: AttentionMask? = nil, memoryMask: AttentionMask? = nil,
                               tgtKeyPaddingMask: AttentionMask? = nil, memoryKeyPaddingMask: AttentionMask? = nil,
                               tgtIsCausal: Bool = false, memoryIsCausal: Bool = false) -> Tensor {
        func selfAttention(_ x: Tensor) -> Tensor {
            dropout1(selfAttn(x, x, x, keyPaddingMask: tgtKeyPaddingMask, needWeights: false, attnMask: tgtMask, isCausal: tgtIsCausal).output)
        }
        func crossAttention(_ x: Tensor) -> Tensor {
            dropout2(multiheadAttn(x, memory, memory, keyPaddingMask: memoryKeyPaddingMask, needWeights: false, attnMask: memoryMask,
                                   isCausal: memoryIsCausal).output)
        }
        func feedForward(_ x: Tensor) -> Tensor { dropout3(linear2(dropout(linear1(x, then: activation)))) }
        var x = tgt
        if normFirst {
            x = x + selfAttention(norm1(x))
            x = x + crossAttention(norm2(x))
            x = x + feedForward(norm3(x))
        } else {
            x = norm1(x + selfAttention(x))
            x = norm2(x + crossAttention(x))
            x = norm3(x + feedForward(x))
        }
        return x
    }
}

/// A stack of encoder layers, as `torch.nn.TransformerEncoder(encoder_layer, num_layers, norm)`: `numLayers`
/// copies of `encoderLayer` (equal initial parameters, as PyTorch's deep copies) applied in turn, then the
/// optional final `norm`. Keys `layers.0.self_attn.in_proj_weight`, …, `norm.weight`.
public final class TransformerEncoder: Module, Layer {
    /// The layers, applied in order.
    public let layers: [TransformerEncoderLayer]
    /// The final layer norm, if any.
    public let norm: LayerNorm?

    /// As `nn.TransformerEncoder(encoder_layer, num_layers, norm)`; the layer itself is not used, only copied.
    public init(_ encoderLayer: TransformerEncoderLayer, numLayers: Int, norm: LayerNorm? = nil) {
        require(numLayers > 0, "TransformerEncoder: numLayers \(numLayers) must be positive")
        layers = (0..<numLayers).map { _ in encoderLayer.copy() }
        self.norm = norm
        super.init()
    }

    /// As `forward(src, mask, src_key_padding_mask, is_causal)`.
    public func callAsFunction(_ src: Tensor, mask: AttentionMask? = nil, srcKeyPaddingMask: AttentionMask? = nil, isCausal: Bool = false) -> Tensor {
        var x = src
        for layer in layers { x = layer(x, srcMask: mask, srcKeyPaddingMask: srcKeyPaddingMask, isCausal: isCausal) }
        return norm.map { $0(x) } ?? x
    }

    /// The stack applied to `x` without masks.
    public func callAsFunction(_ x: Tensor) -> Tensor { self(x, mask: nil) }
}

/// A stack of decoder layers, as `torch.nn.TransformerDecoder(decoder_layer, num_layers, norm)`: copies of
/// `decoderLayer` applied in turn, each attending to `memory`, then the optional final `norm`.
public final class TransformerDecoder: Module {
    /// The layers, applied in order.
    public let layers: [TransformerDecoderLayer]
    /// The final layer norm, if any.
    public let norm: LayerNorm?

    /// As `nn.TransformerDecoder(decoder_layer, num_layers, norm)`; the layer itself is not used, only copied.
    public init(_ decoderLayer: TransformerDecoderLayer, numLayers: Int, norm: LayerNorm? = nil) {
        require(numLayers > 0, "TransformerDecoder: numLayers \(numLayers) must be positive")
        layers = (0..<numLayers).map { _ in decoderLayer.copy() }
        self.norm = norm
        super.init()
    }

    /// As `forward(tgt, memory, tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask,
    /// tgt_is_causal, memory_is_causal)`.
    public func callAsFunction(_ tgt: Tensor, memory: Tensor, tgtMask: AttentionMask? = nil, memoryMask: AttentionMask? = nil,
                               tgtKeyPaddingMask: AttentionMask? = nil, memoryKeyPaddingMask: AttentionMask? = nil,
                               tgtIsCausal: Bool = false, memoryIsCausal: Bool = false) -> Tensor {
        var x = tgt
        for layer in layers {
            x = layer(x, memory: memory, tgtMask: tgtMask, memoryMask: memoryMask, tgtKeyPaddingMask: tgtKeyPaddingMask,
                      memoryKeyPaddingMask: memoryKeyPaddingMask, tgtIsCausal: tgtIsCausal, memoryIsCausal: memoryIsCausal)
        }
        return norm.map { $0(x) } ?? x
    }
}

/// The encoder–decoder Transformer, as `torch.nn.Transformer` (Vaswani et al., 2017): an encoder of
/// `numEncoderLayers` layers and a decoder of `numDecoderLayers`, each ending in a layer norm. Every
/// parameter with more than one dimension is re-initialised Xavier-uniform, as PyTorch's `_reset_parameters`.
///
/// Shapes: src [S, N, dModel], tgt [T, N, dModel] (batch first with `batchFirst`) → [T, N, dModel]. Keys
/// `encoder.layers.0.…`, `encoder.norm.…`, `decoder.layers.0.…`, `decoder.norm.…`.
public final class Transformer: Module {
    /// The encoder stack (with its final norm).
    public let encoder: TransformerEncoder
    /// The decoder stack (with its final norm).
    public let decoder: TransformerDecoder
    /// Model width and number of attention heads.
    public let dModel: Int, nhead: Int

    /// As `nn.Transformer(d_model, nhead, num_encoder_layers, num_decoder_layers, dim_feedforward, dropout,
    /// activation, layer_norm_eps=, batch_first=, norm_first=, bias=)`.
    public init(dModel: Int = 512, nhead: Int = 8, numEncoderLayers: Int = 6, numDecoderLayers: Int = 6, dimFeedforward: Int = 2048,
                dropout: Float = 0.1, activation: TransformerActivation = .relu, layerNormEps: Float = 1e-5, batchFirst: Bool = false,
                normFirst: Bool = false, bias: Bool = true) {
        encoder = TransformerEncoder(TransformerEncoderLayer(dModel: dModel, nhead: nhead, dimFeedforward: dimFeedforward, dropout: dropout,
                                                             activation: activation, layerNormEps: layerNormEps, batchFirst: batchFirst,
                                                             normFirst: normFirst, bias: bias),
                                     numLayers: numEncoderLayers, norm: LayerNorm(dModel, eps: layerNormEps, bias: bias))
        decoder = TransformerDecoder(TransformerDecoderLayer(dModel: dModel, nhead: nhead, dimFeedforward: dimFeedforward, dropout: dropout,
                                                             activation: activation, layerNormEps: layerNormEps, batchFirst: batchFirst,
                                                             normFirst: normFirst, bias: bias),
                                     numLayers: numDecoderLayers, norm: LayerNorm(dModel, eps: layerNormEps, bias: bias))
        self.dModel = dModel
        self.nhead = nhead
        super.init()
        for p in parameters() where p.rank > 1 {
            let bound = (6 / Float(p.shape[0] + p.shape[1...].reduce(1, *))).squareRoot()
            p.assign(Tensor.uniform(p.shape, low: -bound, high: bound, using: &RandomGenerator.global))
        }
    }

    /// As `forward(src, tgt, src_mask, tgt_mask, memory_mask, src_key_padding_mask, tgt_key_padding_mask,
    /// memory_key_padding_mask, src_is_causal, tgt_is_causal, memory_is_causal)`.
    public func callAsFunction(_ src: Tensor, _ tgt: Tensor, srcMask: AttentionMask? = nil, tgtMask: AttentionMask? = nil,
                               memoryMask: AttentionMask? = nil, srcKeyPaddingMask: AttentionMask? = nil,
                               tgtKeyPaddingMask: AttentionMask? = nil, memoryKeyPaddingMask: AttentionMask? = nil,
                               srcIsCausal: Bool = false, tgtIsCausal: Bool = false, memoryIsCausal: Bool = false) -> Tensor {
        let memory = encoder(src, mask: srcMask, srcKeyPaddingMask: srcKeyPaddingMask, isCausal: srcIsCausal)
        return decoder(tgt, memory: memory, tgtMask: tgtMask, memoryMask: memoryMask, tgtKeyPaddingMask: tgtKeyPaddingMask,
                       memoryKeyPaddingMask: memoryKeyPaddingMask, tgtIsCausal: tgtIsCausal, memoryIsCausal: memoryIsCausal)
    }

    /// The additive causal mask [size, size] (0 on and below the diagonal, −∞ above), as
    /// `nn.Transformer.generate_square_subsequent_mask`; pass it as `.additive(mask)`.
    public static func generateSquareSubsequentMask(_ size: Int) -> Tensor { squareSubsequentMask(size) }
}

extension Module {
    /// Copies of this module's parameters and buffers by key, for a new module of the same architecture.
    func copiedState() -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: namedState().map { key, t in (key, withNoGrad { Tensor(copying: t) }) })
    }
}
