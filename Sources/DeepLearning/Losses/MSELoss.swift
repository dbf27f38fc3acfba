/// Mean squared error: ℓᵢ = (xᵢ − yᵢ)², reduced by `reduction`.
///
/// Shapes: `input` and `target` broadcast together (normally the same shape); the result is a scalar, or
/// the broadcast shape for `.none`. Gradient with the mean: ∂ℓ/∂xᵢ = 2(xᵢ − yᵢ)/n.
/// PyTorch: `torch.nn.functional.mse_loss(input, target, reduction=...)`.
public func mseLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
    (input - target).square().reduced(by: reduction)
}
