// Robust regression losses (Huber, 1964, "Robust estimation of a location parameter"): quadratic for small
// errors, linear for large ones, so that an outlier's gradient is bounded. DQN (Mnih et al., 2015) clips its
// TD error's gradient to [−1, 1] this way. For inputs of one shape (DQN's case) the loss and its gradient are one
// loop each; otherwise, and as the reference the fast path is tested against, they are composed from
// differentiable ops (`composedHuberLoss`).

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
    if input.shape == target.shape { return fusedHuberLoss(input, target, delta: delta, weight: 1, reduction: reduction, op: "huberLoss") }
    return composedHuberLoss(input, target, reduction: reduction, delta: delta)
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
    if beta > 0 && input.shape == target.shape {
        return fusedHuberLoss(input, target, delta: beta, weight: 1 / beta, reduction: reduction, op: "smoothL1Loss")
    }
    return composedSmoothL1Loss(input, target, reduction: reduction, beta: beta)
}

/// ``huberLoss(_:_:reduction:delta:)`` composed from differentiable ops (any broadcastable shapes).
func composedHuberLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction, delta: Float) -> Tensor {
    let d = input - target
    let a = d.abs()
    return Tensor.where(a .<= delta, 0.5 * d.square(), delta * (a - 0.5 * delta)).reduced(by: reduction)
}

/// ``smoothL1Loss(_:_:reduction:beta:)`` composed from differentiable ops (any broadcastable shapes).
func composedSmoothL1Loss(_ input: Tensor, _ target: Tensor, reduction: Reduction, beta: Float) -> Tensor {
    let d = input - target
    let a = d.abs()
    if beta == 0 { return a.reduced(by: reduction) }
    return Tensor.where(a .< beta, 0.5 * d.square() / beta, a - 0.5 * beta).reduced(by: reduction)
}

/// w · Huber_δ(x − y) for `input` and `target` of one shape, in one loop, with the gradient
/// ±w · clamp(x − y, −δ, δ) (times the upstream gradient, and 1/n for the mean) in another.
private func fusedHuberLoss(_ input: Tensor, _ target: Tensor, delta: Float, weight w: Float, reduction: Reduction, op: String) -> Tensor {
    let n = input.count
    var d = [Float](repeating: 0, count: n)
    input.contiguous().withUnsafeBufferPointer { x in
        target.contiguous().withUnsafeBufferPointer { y in for i in 0..<n { d[i] = x[i] - y[i] } }
    }
    func loss(_ e: Float) -> Float {
        let a = abs(e)
        return w * (a <= delta ? 0.5 * e * e : delta * (a - 0.5 * delta))
    }
    var out: Tensor
    switch reduction {
    case .none: out = Tensor(shape: input.shape) { p, _ in for i in 0..<n { p[i] = loss(d[i]) } }
    case .sum, .mean:
        var total: Double = 0
        for e in d { total += Double(loss(e)) }
        out = Tensor(Float(reduction == .mean ? total / Double(n) : total))  // n = 0: NaN, as PyTorch
    }
    if Tensor.shouldRecord(input, target) {
        out.attach(op, input, target) { g in
            let scale: Float = reduction == .mean ? 1 / Float(n) : 1
            let grad = g.contiguous().withUnsafeBufferPointer { up in
                Tensor(shape: input.shape) { p, _ in
                    for i in 0..<n {
                        let upstream = reduction == .none ? up[i] : up[0]
                        p[i] = w * scale * upstream * min(max(d[i], -delta), delta)
                    }
                }
            }
            return [input.requiresGrad ? grad : nil, target.requiresGrad ? -grad : nil]
        }
    }
    return out
}
