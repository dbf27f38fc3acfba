/// y = x·Wᵀ + b, as `torch.nn.Linear`.
///
/// Shapes: x [..., inFeatures] → y [..., outFeatures]. Parameters `weight` [outFeatures, inFeatures] and
/// `bias` [outFeatures], both initialised U(−1/√in, 1/√in) as PyTorch does (Kaiming-uniform with a = √5).
public final class Linear: Module {
    public let weight: Tensor
    public let bias: Tensor?
    public let inFeatures: Int, outFeatures: Int

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        let bound = 1 / Float(inFeatures).squareRoot()
        weight = Tensor.uniform([outFeatures, inFeatures], low: -bound, high: bound, using: &RandomGenerator.global).requiringGrad()
        self.bias = bias ? Tensor.uniform([outFeatures], low: -bound, high: bound, using: &RandomGenerator.global).requiringGrad() : nil
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        require(x.shape.last == inFeatures, "Linear(\(inFeatures), \(outFeatures)): input of shape \(x.shape) has \(x.shape.last ?? 0) features, expected \(inFeatures)")
        return recorded(linear(x, weight: weight, bias: bias))
    }

    public override var extraRepr: String { "in_features=\(inFeatures), out_features=\(outFeatures), bias=\(pythonBool(bias != nil))" }
}
