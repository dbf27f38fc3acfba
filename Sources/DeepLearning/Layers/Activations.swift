/// max(0, x), as `torch.nn.ReLU`.
public final class ReLU: Module, Layer {
    public override init() { super.init() }
    /// max(0, x), elementwise; any shape.
    public func callAsFunction(_ x: Tensor) -> Tensor { recorded(x.relu()) }
}

/// x for x > 0, negativeSlope·x otherwise, as `torch.nn.LeakyReLU`.
public final class LeakyReLU: Module, Layer {
    /// The slope for x < 0 (PyTorch's `negative_slope`).
    public let negativeSlope: Float
    /// As `nn.LeakyReLU(negative_slope)`.
    public init(negativeSlope: Float = 0.01) { self.negativeSlope = negativeSlope; super.init() }
    /// x for x > 0, negativeSlope·x otherwise, elementwise; any shape.
    public func callAsFunction(_ x: Tensor) -> Tensor { recorded(x.leakyRelu(negativeSlope: negativeSlope)) }
    public override var extraRepr: String { "negative_slope=\(negativeSlope)" }
}

/// σ(x) = 1/(1 + e⁻ˣ), as `torch.nn.Sigmoid`.
public final class Sigmoid: Module, Layer {
    public override init() { super.init() }
    /// σ(x), elementwise; any shape.
    public func callAsFunction(_ x: Tensor) -> Tensor { recorded(x.sigmoid()) }
}

/// tanh, as `torch.nn.Tanh`.
public final class Tanh: Module, Layer {
    public override init() { super.init() }
    /// tanh x, elementwise; any shape.
    public func callAsFunction(_ x: Tensor) -> Tensor { recorded(x.tanh()) }
}

/// x·Φ(x), as `torch.nn.GELU`.
public final class GELU: Module, Layer {
    public override init() { super.init() }
    /// x·Φ(x) (the exact, erf form; Hendrycks & Gimpel 2016), elementwise; any shape.
    public func callAsFunction(_ x: Tensor) -> Tensor { recorded(x.gelu()) }
    public override var extraRepr: String { "approximate='none'" }
}

/// softmax along `dim`, as `torch.nn.Softmax`.
public final class Softmax: Module, Layer {
    /// The axis the softmax normalises (negative counts from the end).
    public let dim: Int
    /// As `nn.Softmax(dim)`.
    public init(dim: Int = -1) { self.dim = dim; super.init() }
    /// softmax along `dim`; the shape of x.
    public func callAsFunction(_ x: Tensor) -> Tensor { recorded(x.softmax(alongAxis: dim)) }
    public override var extraRepr: String { "dim=\(dim)" }
}

/// Flattens dimensions startDim... into one, as `torch.nn.Flatten` (startDim 1 keeps the batch).
public final class Flatten: Module, Layer {
    /// The first dimension merged (PyTorch's `start_dim`).
    public let startDim: Int
    /// As `nn.Flatten(start_dim)`.
    public init(startDim: Int = 1) { self.startDim = startDim; super.init() }
    /// x [d₀, …, d_{s−1}, d_s, …] → [d₀, …, d_{s−1}, d_s·…] with s = `startDim`.
    public func callAsFunction(_ x: Tensor) -> Tensor { recorded(x.flattened(from: startDim)) }
    public override var extraRepr: String { "start_dim=\(startDim), end_dim=-1" }
}

/// Splits dimension `dim` into `unflattenedSize`, as `torch.nn.Unflatten` (the inverse of ``Flatten``):
/// e.g. Unflatten(1, [1, 28, 28]) turns [N, 784] into [N, 1, 28, 28].
public final class Unflatten: Module, Layer {
    public let dim: Int, unflattenedSize: [Int]
    public init(_ dim: Int, _ unflattenedSize: [Int]) { (self.dim, self.unflattenedSize) = (dim, unflattenedSize); super.init() }
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let d = dim < 0 ? dim + x.rank : dim
        require(d >= 0 && d < x.rank && x.shape[d] == unflattenedSize.reduce(1, *),
                "Unflatten(\(dim), \(unflattenedSize)): input of shape \(x.shape) cannot be split that way")
        return x.reshaped(to: Array(x.shape[..<d]) + unflattenedSize + Array(x.shape[(d + 1)...]))
    }
}
