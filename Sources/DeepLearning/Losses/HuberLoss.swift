// Robust regression losses (Huber, 1964, "Robust estimation of a location parameter"): quadratic for small
// errors, linear for large ones, so that an outlier's gradient is bounded. DQN (Mnih et al., 2015) clips its
// TD error's gradient to [−1, 1] this way. Composed from differentiable ops.

/// Huber loss, as `torch.nn.functional.huber_loss(input, target, reduction=..., delta=...)`.
///
/// With d = xᵢ − yᵢ:
///
///     ℓᵢ = ½ d²               if |d| ≤ δ
///     ℓᵢ = δ (|d| − ½ δ)       otherwise
///
/// so ∂ℓᵢ/∂xᵢ = clamp(d, −δ, δ). Shapes: `input` and `target` broadcast together (normally the same shape);
/// the result a scalar, or the broadcast shape for `.none`. `delta` must be positive.
public func huberLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean, delta: Float = 1) -> Tensor {
    require(delta > 0, "huberLoss: delta must be positive, got \(delta)")
    let d = input - target
    let a = d.abs()
    return Tensor.where(a .<= delta, 0.5 * d.square(), delta * (a - 0.5 * delta)).reduced(by: reduction)
}

/// Smooth L1 loss, as `torch.nn.functional.smooth_l1_loss(input, target, reduction=..., beta=...)`.
///
/// With d = xᵢ − yᵢ:
///
///     ℓᵢ = ½ d² / β     if |d| < β
///     ℓᵢ = |d| − ½ β    otherwise
///
/// It equals ``huberLoss(_:_:reduction:delta:)`` divided by β (with δ = β), and β = 0 gives the L1 loss |d|.
/// Shapes as ``huberLoss(_:_:reduction:delta:)``. `beta` must not be negative.
public func smoothL1Loss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean, beta: Float = 1) -> Tensor {
    require(beta >= 0, "smoothL1Loss: beta must not be negative, got \(beta)")
    let d = input - target
    let a = d.abs()
    if beta == 0 { return a.reduced(by: reduction) }
    return Tensor.where(a .< beta, 0.5 * d.square() / beta, a - 0.5 * beta).reduced(by: reduction)
}
