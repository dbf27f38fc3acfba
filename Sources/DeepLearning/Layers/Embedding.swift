/// A lookup table of learned vectors, as `torch.nn.Embedding`: yᵢ = W[idxᵢ].
///
/// Shapes: indices of any shape (whole numbers stored as Floats, in 0..<numEmbeddings) → [..., embeddingDim].
/// Parameter `weight` [numEmbeddings, embeddingDim], initialised N(0, 1). With `paddingIdx`, that row starts
/// at zero and never receives a gradient, so it stays what it is (the vector of a padding token).
public final class Embedding: Module, Layer {
    /// The table, [numEmbeddings, embeddingDim]; row i is the vector of index i.
    public let weight: Tensor
    /// Number of rows (the vocabulary size) and length of each vector.
    public let numEmbeddings: Int, embeddingDim: Int
    /// The row that receives no gradient, in 0..<numEmbeddings (a negative argument counts from the end).
    public let paddingIdx: Int?

    /// A table of `numEmbeddings` vectors of length `embeddingDim`, as `nn.Embedding(num, dim, padding_idx)`.
    public init(_ numEmbeddings: Int, _ embeddingDim: Int, paddingIdx: Int? = nil) {
        require(numEmbeddings >= 0 && embeddingDim >= 0, "Embedding(\(numEmbeddings), \(embeddingDim)): sizes must not be negative")
        if let p = paddingIdx {
            require(p >= -numEmbeddings && p < numEmbeddings,
                         "Embedding(\(numEmbeddings), \(embeddingDim)): paddingIdx \(p) out of range for \(numEmbeddings) embeddings")
        }
        self.numEmbeddings = numEmbeddings
        self.embeddingDim = embeddingDim
        self.paddingIdx = paddingIdx.map { $0 < 0 ? $0 + numEmbeddings : $0 }
        let w = Tensor.randn([numEmbeddings, embeddingDim], using: &RandomGenerator.global)
        if let p = self.paddingIdx { (w.pointer + p * embeddingDim).update(repeating: 0, count: embeddingDim) }
        weight = w.requiringGrad()
        super.init()
    }

    /// The rows picked by `indices` (any shape): shape indices.shape + [embeddingDim].
    public func callAsFunction(_ indices: Tensor) -> Tensor {
        recorded(embedding(indices, weight: weight, paddingIdx: paddingIdx))
    }

    public override var extraRepr: String { "\(numEmbeddings), \(embeddingDim)" + (paddingIdx.map { ", padding_idx=\($0)" } ?? "") }
}
