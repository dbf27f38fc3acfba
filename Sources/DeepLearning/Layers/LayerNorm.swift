/// Layer normalization over the last dimensions, as `torch.nn.LayerNorm` (Ba, Kiros and Hinton, 2016):
/// y = γ ⊙ (x − μ)/√(σ² + ε) + β with μ and σ² (biased) over the `normalizedShape` dimensions of each row.
///
/// Shapes: x [..., normalizedShape] → y like x. Parameters `weight` γ (initialised to ones) and `bias` β
/// (zeros), both of shape `normalizedShape`, when `elementwiseAffine` (β only when `bias` too). The same
/// statistics in training and evaluation (no running averages). See ``layerNorm(_:normalizedShape:weight:bias:eps:)``.
public final class LayerNorm: Module, Layer {
    /// γ, of shape `normalizedShape`; nil without an elementwise affine map.
    public let weight: Tensor?
    /// β, of shape `normalizedShape`; nil without an elementwise affine map or bias.
    public let bias: Tensor?
    /// The trailing dimensions normalized together.
    public let normalizedShape: [Int]
    /// ε added to the variance.
    public let eps: Float

    /// As `nn.LayerNorm(normalized_shape, eps, elementwise_affine, bias)`.
    public init(_ normalizedShape: [Int], eps: Float = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true) {
        require(!normalizedShape.isEmpty && normalizedShape.allSatisfy { $0 >= 0 }, "LayerNorm(\(normalizedShape)): the normalized shape must be non-empty, without negative sizes")
        self.normalizedShape = normalizedShape
        self.eps = eps
        weight = elementwiseAffine ? Tensor.ones(normalizedShape).requiringGrad() : nil
        self.bias = elementwiseAffine && bias ? Tensor.zeros(normalizedShape).requiringGrad() : nil
        super.init()
    }

    /// Layer norm over one last dimension of `normalizedShape` features.
    public convenience init(_ normalizedShape: Int, eps: Float = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true) {
        self.init([normalizedShape], eps: eps, elementwiseAffine: elementwiseAffine, bias: bias)
    }

    /// y = γ ⊙ (x − μ)/√(σ² + ε) + β over the last `normalizedShape` dimensions; an input that does not end
    /// with `normalizedShape` is an error naming the layer and both shapes.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        require(x.rank >= normalizedShape.count && Array(x.shape.suffix(normalizedShape.count)) == normalizedShape,
                "LayerNorm(\(normalizedShape)): input of shape \(x.shape) does not end with \(normalizedShape)")
        return recorded(layerNorm(x, normalizedShape: normalizedShape, weight: weight, bias: bias, eps: eps))
    }

    public override var extraRepr: String {
        let shape = normalizedShape.count == 1 ? "(\(normalizedShape[0]),)" : "(" + normalizedShape.map(String.init).joined(separator: ", ") + ")"
        return "\(shape), eps=\(eps), elementwise_affine=\(pythonBool(weight != nil)), bias=\(pythonBool(bias != nil))"
    }
}
