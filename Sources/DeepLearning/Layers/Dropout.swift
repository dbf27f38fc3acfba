/// Inverted dropout, as `torch.nn.functional.dropout`: in training each element is zeroed with
/// probability p and the kept ones are scaled by 1/(1 − p), so E[y] = x; otherwise y = x.
/// Draws from `RandomGenerator.global`. Shapes: any → same. The gradient is masked and scaled the same way.
public func dropout(_ x: Tensor, p: Float = 0.5, training: Bool = true) -> Tensor {
    require(p >= 0 && p <= 1, "dropout: probability \(p) must be in [0, 1]")
    if !training || p == 0 { return x }
    return x * dropoutMask(x.shape, p: p)
}

/// Channel dropout, as `torch.nn.functional.dropout2d`: in training each channel of each image of x
/// [N, C, H, W] is zeroed as a whole with probability p, the kept ones scaled by 1/(1 − p).
public func dropout2d(_ x: Tensor, p: Float = 0.5, training: Bool = true) -> Tensor {
    require(p >= 0 && p <= 1, "dropout2d: probability \(p) must be in [0, 1]")
    require(x.rank == 4, "dropout2d: input of shape \(x.shape) must be [N, C, H, W]")
    if !training || p == 0 { return x }
    return x * dropoutMask([x.shape[0], x.shape[1], 1, 1], p: p)
}

/// 0 with probability p, 1/(1 − p) otherwise (all zeros when p = 1, as PyTorch).
func dropoutMask(_ shape: [Int], p: Float) -> Tensor {
    let keep: Float = p == 1 ? 0 : 1 / (1 - p)
    return Tensor(shape: shape) { m, count in
        var generator = RandomGenerator.global  // a local copy: no access check per draw
        defer { RandomGenerator.global = generator }
        for i in 0..<count { m[i] = generator.nextUniform() < p ? 0 : keep }
    }
}

/// Dropout layer, as `torch.nn.Dropout(p)`: active in training mode (see ``dropout(_:p:training:)``), the
/// identity in evaluation mode.
public final class Dropout: Module, Layer {
    /// Probability of zeroing an element.
    public let p: Float

    /// Dropout with drop probability p.
    public init(p: Float = 0.5) {
        require(p >= 0 && p <= 1, "Dropout: probability \(p) must be in [0, 1]")
        self.p = p
        super.init()
    }

    /// The same, with p given positionally as PyTorch allows: `Dropout(0.5)`.
    public convenience init(_ p: Float) { self.init(p: p) }

    /// x with dropout in training mode, x itself in evaluation mode.
    public func callAsFunction(_ x: Tensor) -> Tensor { recorded(dropout(x, p: p, training: isTraining)) }
    public override var extraRepr: String { "p=\(p), inplace=False" }
}

/// Channel dropout layer, as `torch.nn.Dropout2d(p)`: zeroes whole channels in training mode (see
/// ``dropout2d(_:p:training:)``), the identity in evaluation mode.
public final class Dropout2d: Module, Layer {
    /// Probability of zeroing a channel.
    public let p: Float

    /// Channel dropout with drop probability p.
    public init(p: Float = 0.5) {
        require(p >= 0 && p <= 1, "Dropout2d: probability \(p) must be in [0, 1]")
        self.p = p
        super.init()
    }

    /// The same, with p given positionally as PyTorch allows: `Dropout(0.5)`.
    public convenience init(_ p: Float) { self.init(p: p) }

    /// x with channel dropout in training mode, x itself in evaluation mode.
    public func callAsFunction(_ x: Tensor) -> Tensor { recorded(dropout2d(x, p: p, training: isTraining)) }
    public override var extraRepr: String { "p=\(p), inplace=False" }
}
