/// max(0, x), as `torch.nn.ReLU`.
public final class ReLU: Module, Layer {
    public override init() { super.init() }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.relu() }
}

/// x for x > 0, negativeSlope·x otherwise, as `torch.nn.LeakyReLU`.
public final class LeakyReLU: Module, Layer {
    public let negativeSlope: Float
    public init(negativeSlope: Float = 0.01) { self.negativeSlope = negativeSlope; super.init() }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.leakyRelu(negativeSlope: negativeSlope) }
}

/// σ(x) = 1/(1 + e⁻ˣ), as `torch.nn.Sigmoid`.
public final class Sigmoid: Module, Layer {
    public override init() { super.init() }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.sigmoid() }
}

/// tanh, as `torch.nn.Tanh`.
public final class Tanh: Module, Layer {
    public override init() { super.init() }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.tanh() }
}

/// x·Φ(x), as `torch.nn.GELU`.
public final class GELU: Module, Layer {
    public override init() { super.init() }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.gelu() }
}

/// softmax along `dim`, as `torch.nn.Softmax`.
public final class Softmax: Module, Layer {
    public let dim: Int
    public init(dim: Int = -1) { self.dim = dim; super.init() }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.softmax(alongAxis: dim) }
}

/// Flattens dimensions startDim... into one, as `torch.nn.Flatten` (startDim 1 keeps the batch).
public final class Flatten: Module, Layer {
    public let startDim: Int
    public init(startDim: Int = 1) { self.startDim = startDim; super.init() }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.flattened(from: startDim) }
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
