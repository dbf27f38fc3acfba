// Scaled dot-product attention, softmax(Q·Kᵀ/√d)·V, with a causal mask; then the layers built on it.
import DeepLearning

// snippet.show
let (q, k, v) = (Tensor.randn([1, 5, 8], seed: 0),         // [batch, L queries, d]
                 Tensor.randn([1, 5, 8], seed: 1),         // [batch, S keys, d]
                 Tensor.randn([1, 5, 8], seed: 2))         // [batch, S values, d_v]
// The composed version returns the weights: row i is how much query i takes from each value.
let (output, weights) = scaledDotProductAttentionComposed(q, k, v, isCausal: true)
print(weights[0])                                           // lower triangular (query i sees keys 0...i), rows sum to 1
print(weights.sum(alongAxis: -1))                           // [[1, 1, 1, 1, 1]]

// The same by hand: scores Q·Kᵀ/√d, −∞ above the diagonal, softmax over the keys.
let scores = q.matmul(k.transposed()) / Float(8).squareRoot()
let causal = Transformer.generateSquareSubsequentMask(5)   // 0 on and below the diagonal, −∞ above
let byHand = (scores + causal).softmax(alongAxis: -1).matmul(v)
print((byHand - output).abs().max().item)                   // ≈ 0 (float rounding)
// The fused kernel (no weights kept but for backward) gives the same output.
print((scaledDotProductAttention(q, k, v, isCausal: true) - output).abs().max().item)   // ≈ 0

// Multi-head self-attention: 4 heads of 8 features, then a pre-norm Transformer layer.
Tensor.manualSeed(0)
let x = Tensor.randn([2, 5, 32], seed: 3)                   // [batch, sequence, dModel]
let attention = MultiheadAttention(embedDim: 32, numHeads: 4, batchFirst: true)
let (attended, averaged) = attention(x, x, x, isCausal: true)
print(attended.shape, averaged!.shape)                      // [2, 5, 32] [2, 5, 5]: weights averaged over heads
let layer = TransformerEncoderLayer(dModel: 32, nhead: 4, dimFeedforward: 64, dropout: 0, batchFirst: true, normFirst: true)
print(layer(x, isCausal: true).shape)                       // [2, 5, 32]: x + attention(norm(x)), then x + ffn(norm(x))
