import Foundation

/// The sinusoidal position table of Vaswani et al. ("Attention Is All You Need", 2017, §3.5):
/// PE[pos, 2i] = sin(pos / 10000^{2i/dModel}), PE[pos, 2i+1] = cos(pos / 10000^{2i/dModel}).
///
/// Shape: [length, dModel] (an odd dModel ends with a sine column). A constant, not differentiable.
public func sinusoidalPositionalEncoding(length: Int, dModel: Int) -> Tensor {
    require(length >= 0 && dModel > 0, "sinusoidalPositionalEncoding: length \(length) and dModel \(dModel) must be positive")
    return Tensor(shape: [length, dModel]) { p, _ in
        for pos in 0..<length {
            for c in 0..<dModel {
                let angle = Double(pos) / Foundation.pow(10_000, Double(c - c % 2) / Double(dModel))
                p[pos * dModel + c] = Float(c % 2 == 0 ? Foundation.sin(angle) : Foundation.cos(angle))
            }
        }
    }
}

/// Adds the sinusoidal position table to a sequence of embeddings, then dropout, as the `PositionalEncoding`
/// module of PyTorch's Transformer tutorial (which has no built-in one).
///
/// Shapes: x [N, L, dModel] with `batchFirst` (the default here), else [L, N, dModel]; L ≤ maxLen. The table
/// is a constant: it is not part of the state dict (as a buffer registered with `persistent=False`).
public final class SinusoidalPositionalEncoding: Module, Layer {
    /// [maxLen, dModel], see ``sinusoidalPositionalEncoding(length:dModel:)``.
    public let table: Tensor
    /// Dropout after the sum.
    public let dropout: Dropout
    /// Whether inputs are [N, L, dModel] rather than [L, N, dModel].
    public let batchFirst: Bool

    /// A table for positions 0..<maxLen, with dropout probability `dropout` after the sum.
    public init(dModel: Int, maxLen: Int = 5000, dropout: Float = 0.1, batchFirst: Bool = true) {
        table = sinusoidalPositionalEncoding(length: maxLen, dModel: dModel)
        self.dropout = Dropout(p: dropout)
        self.batchFirst = batchFirst
        super.init()
    }

    /// No state: the table is computed, not loaded.
    public override func namedTensors() -> [(String, Tensor)] { [] }

    /// x plus the table's first L rows, then dropout (in training).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let axis = batchFirst ? 1 : 0
        require(x.rank == 3 && x.shape[2] == table.shape[1] && x.shape[axis] <= table.shape[0],
                "SinusoidalPositionalEncoding(dModel: \(table.shape[1]), maxLen: \(table.shape[0])): input of shape \(x.shape), expected "
                + (batchFirst ? "[N, L ≤ \(table.shape[0]), \(table.shape[1])]" : "[L ≤ \(table.shape[0]), N, \(table.shape[1])]"))
        let rows = table.sliced(alongAxis: 0, 0..<x.shape[axis])
        return dropout(x + (batchFirst ? rows : rows.unsqueezed(at: 1)))
    }
}

/// Learned position embeddings (as GPT's `wpe`): a table of one trainable vector per position, added to
/// the token embeddings. Parameter `weight` [maxLen, dModel], initialised N(0, 1) as `nn.Embedding`.
///
/// Shapes: x [N, L, dModel] (batch first) → the same; positions offset, offset+1, … (L + offset ≤ maxLen).
public final class LearnedPositionalEmbedding: Module, Layer {
    /// [maxLen, dModel]: row p is the vector of position p.
    public let weight: Tensor
    /// Number of positions and width of each vector.
    public let maxLen: Int, dModel: Int

    /// A trainable table for positions 0..<maxLen.
    public init(maxLen: Int, dModel: Int) {
        require(maxLen > 0 && dModel > 0, "LearnedPositionalEmbedding(maxLen: \(maxLen), dModel: \(dModel)): sizes must be positive")
        self.maxLen = maxLen
        self.dModel = dModel
        weight = Tensor.randn([maxLen, dModel], using: &RandomGenerator.global).requiringGrad()
        super.init()
    }

    /// x plus the vectors of positions offset..<offset + L.
    public func callAsFunction(_ x: Tensor, offset: Int) -> Tensor {
        let length = x.rank == 3 ? x.shape[1] : -1
        require(x.rank == 3 && x.shape[2] == dModel && offset >= 0 && offset + length <= maxLen,
                "LearnedPositionalEmbedding(maxLen: \(maxLen), dModel: \(dModel)): input of shape \(x.shape) at offset \(offset), expected [N, L, \(dModel)] with L + offset ≤ \(maxLen)")
        return x + weight.sliced(alongAxis: 0, offset..<(offset + length))
    }

    /// x plus the vectors of positions 0..<L.
    public func callAsFunction(_ x: Tensor) -> Tensor { self(x, offset: 0) }
}
