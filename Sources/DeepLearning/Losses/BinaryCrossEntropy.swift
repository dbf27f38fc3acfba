import Foundation

// Binary cross-entropy, from probabilities and (numerically stable) from logits. Composed from
// differentiable ops, so gradients with respect to every argument come for free.

/// Binary cross-entropy between probabilities and targets, as `torch.nn.functional.binary_cross_entropy`.
///
///     ℓᵢ = −wᵢ [yᵢ log xᵢ + (1 − yᵢ) log(1 − xᵢ)]
///
/// Each log is clamped at −100 (as PyTorch does), so x = 0 or 1 gives a finite loss. Gradient:
/// ∂ℓᵢ/∂xᵢ = wᵢ (xᵢ − yᵢ) / (xᵢ(1 − xᵢ)) inside (0, 1). Prefer ``binaryCrossEntropyWithLogits(_:_:weight:posWeight:reduction:)``
/// on logits: it is stable where the sigmoid saturates.
///
/// Shapes: `probs` and `target` the same shape, values in [0, 1]; `weight` broadcasts to it. The result is
/// a scalar, or that shape for `.none`.
public func binaryCrossEntropy(_ probs: Tensor, _ target: Tensor, weight: Tensor? = nil, reduction: Reduction = .mean) -> Tensor {
    require(probs.shape == target.shape,
                 "binaryCrossEntropy: target of shape \(target.shape) for input of shape \(probs.shape); they must match")
    let logP = probs.log().clamped(min: -100)
    let logNotP = (1 - probs).log().clamped(min: -100)
    var loss = -(target * logP + (1 - target) * logNotP)
    if let weight { loss = loss * weight }
    return loss.reduced(by: reduction)
}

/// Binary cross-entropy on logits, as `torch.nn.functional.binary_cross_entropy_with_logits`: the sigmoid
/// and the loss in one numerically stable expression.
///
/// With σ the sigmoid and positive-class weight p_c (1 when `posWeight` is nil),
///
///     ℓᵢ = −wᵢ [p_c yᵢ log σ(xᵢ) + (1 − yᵢ) log(1 − σ(xᵢ))]
///        = wᵢ [(1 − yᵢ) xᵢ + (1 + (p_c − 1) yᵢ) · softplus(−xᵢ)]
///
/// with softplus(z) = log(1 + eᶻ) = max(z, 0) + log1p(e^{−|z|}), never overflowing. Gradient:
/// ∂ℓᵢ/∂xᵢ = wᵢ [(1 + (p_c − 1) yᵢ) σ(xᵢ) − p_c yᵢ].
///
/// Shapes: `logits` and `target` the same shape; `weight` broadcasts to it; `posWeight` broadcasts along
/// the last (class) dimension, e.g. [C] for logits [N, C].
public func binaryCrossEntropyWithLogits(_ logits: Tensor, _ target: Tensor, weight: Tensor? = nil, posWeight: Tensor? = nil,
                                         reduction: Reduction = .mean) -> Tensor {
    require(logits.shape == target.shape,
                 "binaryCrossEntropyWithLogits: target of shape \(target.shape) for logits of shape \(logits.shape); they must match")
    let softplusNegX = (-logits).softplusForLoss()
    var loss: Tensor
    if let posWeight {
        loss = (1 - target) * logits + (1 + (posWeight - 1) * target) * softplusNegX
    } else {
        loss = (1 - target) * logits + softplusNegX
    }
    if let weight { loss = loss * weight }
    return loss.reduced(by: reduction)
}

extension Tensor {
    /// softplus(x) = log(1 + eˣ), computed as max(x, 0) + log1p(e^{−|x|}) so it neither overflows nor loses
    /// the small values where x ≪ 0. Backward: ∂ = g·σ(x).
    fileprivate func softplusForLoss() -> Tensor {
        unary("softplus", SoftplusKernel()) { x, _, g in Tensor.fused(SoftplusBackward(), x, g) }
    }
}

/// max(x, 0) + log1p(e^{−|x|}); log1p(u) = log(1 + u)·u / ((1 + u) − 1), exact to rounding for small u.
private struct SoftplusKernel: UnaryKernel {
    @inline(__always) func apply(_ x: FloatVector) -> FloatVector {
        let u = SIMDMath.exp(-SIMDMath.abs(x))
        let v = 1 + u
        let log1p = (SIMDMath.log(v) * u / (v - 1)).replacing(with: u, where: v .== 1)
        return x.replacing(with: 0, where: x .< 0) + log1p
    }
}

/// g·σ(x), the derivative of softplus.
private struct SoftplusBackward: BinaryKernel {
    @inline(__always) func apply(_ x: FloatVector, _ g: FloatVector) -> FloatVector { g * SIMDMath.sigmoid(x) }
}

extension Reference {
    /// Binary cross-entropy on logits, composed as the formula reads (the reference of
    /// ``binaryCrossEntropyWithLogits(_:_:weight:posWeight:reduction:)``, as
    /// `torch.nn.functional.binary_cross_entropy_with_logits`):
    ///
    ///     ℓᵢ = −wᵢ [p_c yᵢ log σ(xᵢ) + (1 − yᵢ) log(1 − σ(xᵢ))]
    ///
    /// Unlike the fused op it overflows where σ saturates (|x| ≳ 17): it is for reading and testing.
    /// Shapes: logits and target the same shape; weight broadcasts to it, posWeight along the last axis.
    public static func binaryCrossEntropyWithLogits(_ logits: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                                    posWeight: Tensor? = nil, reduction: Reduction = .mean) -> Tensor {
        let p = logits.sigmoid()
        let positive = target * p.log() * (posWeight ?? Tensor(1))
        var loss = -(positive + (1 - target) * (1 - p).log())
        if let weight { loss = loss * weight }
        return loss.reduced(by: reduction)
    }
}
