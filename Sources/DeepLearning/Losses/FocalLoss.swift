// Focal loss (Lin et al., 2017): cross-entropy scaled by (1 − p_t)^γ, so that well-classified examples
// (p_t near 1) count less and training concentrates on the hard ones; useful on imbalanced data. Composed
// from differentiable ops.

/// Binary focal loss on logits, as `torchvision.ops.sigmoid_focal_loss`.
///
/// With p = σ(x) and targets y ∈ {0, 1}: p_t = p·y + (1 − p)(1 − y), α_t = α·y + (1 − α)(1 − y), and
///
///     ℓᵢ = −α_t (1 − p_t)^γ log p_t = α_t (1 − p_t)^γ · BCEWithLogits(xᵢ, yᵢ)
///
/// α weighs the positive class (and 1 − α the negative one); `alpha: nil` leaves both at 1 (torchvision's
/// α < 0). γ = 0 and α = nil give plain binary cross-entropy. `.mean` averages over all elements.
///
/// Shapes: `logits` and `target` the same shape (any); the result a scalar, or that shape for `.none`.
public func sigmoidFocalLoss(_ logits: Tensor, _ target: Tensor, alpha: Float? = 0.25, gamma: Float = 2,
                             reduction: Reduction = .mean) -> Tensor {
    require(logits.shape == target.shape,
                 "sigmoidFocalLoss: target of shape \(target.shape) for logits of shape \(logits.shape); they must match")
    let p = logits.sigmoid()
    let ce = binaryCrossEntropyWithLogits(logits, target, reduction: .none)
    let pt = p * target + (1 - p) * (1 - target)
    var loss = ce * (1 - pt).pow(gamma)
    if let alpha { loss = (alpha * target + (1 - alpha) * (1 - target)) * loss }
    return loss.reduced(by: reduction)
}

/// Multi-class focal loss on logits and class indices.
///
/// With p = softmax(xₙ) over the classes and p_t = p_{n, yₙ}:
///
///     ℓₙ = −α (1 − p_t)^γ log p_t
///
/// (α = 1 when nil). γ = 0 and α = nil give ``crossEntropy(_:_:weight:labelSmoothing:ignoreIndex:reduction:)``.
/// `.mean` averages over the N·d₁·… targets.
///
/// Shapes: `logits` [N, C] or [N, C, d₁, …]; `target` class indices as Floats, [N] or [N, d₁, …].
public func focalLoss(_ logits: Tensor, _ target: Tensor, alpha: Float? = nil, gamma: Float = 2,
                      reduction: Reduction = .mean) -> Tensor {
    var loss = multiClassFocalTerm(logits, target, gamma: gamma)
    if let alpha { loss = loss * alpha }
    return loss.reduced(by: reduction)
}

/// Multi-class focal loss with a weight per class: ℓₙ = −α_{yₙ} (1 − p_t)^γ log p_t.
///
/// Shapes: `logits` [N, C] or [N, C, d₁, …]; `target` class indices as Floats, [N] or [N, d₁, …]; `alpha` [C].
/// `.mean` averages over the targets (it does not divide by the weights).
public func focalLoss(_ logits: Tensor, _ target: Tensor, alpha: Tensor, gamma: Float = 2,
                      reduction: Reduction = .mean) -> Tensor {
    let classes = logits.rank >= 2 ? logits.shape[1] : 0
    require(alpha.shape == [classes], "focalLoss: alpha of shape \(alpha.shape) for logits of shape \(logits.shape), expected [\(classes)]")
    let loss = multiClassFocalTerm(logits, target, gamma: gamma)
    let alphaT = alpha.indexSelect(alongAxis: 0, indices: target.reshaped(to: [-1])).reshaped(to: target.shape)
    return (loss * alphaT).reduced(by: reduction)
}

/// −(1 − p_t)^γ log p_t for each target, in the target's shape.
private func multiClassFocalTerm(_ logits: Tensor, _ target: Tensor, gamma: Float) -> Tensor {
    require(logits.rank >= 2, "focalLoss: logits of shape \(logits.shape) need a batch and a class axis")
    // Checks the shapes and the class indices (with this loss's name in the messages).
    _ = ClassIndexBatch(logits, target, weight: nil, ignoreIndex: nil, loss: "focalLoss")
    let logPt = logits.logSoftmax(alongAxis: 1).gathering(alongAxis: 1, indices: target.unsqueezed(at: 1)).squeezed(axis: 1)
    let pt = logPt.exp()
    return -(1 - pt).pow(gamma) * logPt
}
