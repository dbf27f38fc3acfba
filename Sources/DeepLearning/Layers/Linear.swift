/// y = x·Wᵀ + b, as `torch.nn.Linear`.
///
/// Shapes: x [..., inFeatures] → y [..., outFeatures]. Parameters `weight` [outFeatures, inFeatures] and
/// `bias` [outFeatures], both initialised U(−1/√in, 1/√in) as PyTorch does (Kaiming-uniform with a = √5).
public final class Linear: Module, WeightedLayer {
    /// W [outFeatures, inFeatures] (PyTorch's `weight`).
    public let weight: Tensor
    /// b [outFeatures] (PyTorch's `bias`); nil when built with `bias: false`.
    public let bias: Tensor?
    /// Features of the input (the last dimension of x) and of the output.
    public let inFeatures: Int, outFeatures: Int

    /// A layer from `inFeatures` to `outFeatures`, as `nn.Linear(in_features, out_features, bias)`.
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        let bound = uniformInitBound(fanIn: inFeatures)
        weight = Tensor.uniform([outFeatures, inFeatures], low: -bound, high: bound, using: &RandomGenerator.global).requiringGrad()
        self.bias = bias ? Tensor.uniform([outFeatures], low: -bound, high: bound, using: &RandomGenerator.global).requiringGrad() : nil
        super.init()
    }

    /// x·Wᵀ + b: x [..., inFeatures] → [..., outFeatures]; an input whose last dimension is not
    /// `inFeatures` is a programmer error.
    public func callAsFunction(_ x: Tensor) -> Tensor { self(x, weight: weight) }

    /// The layer with `weight` [outFeatures, inFeatures] in place of its own (see ``WeightedLayer``).
    public func callAsFunction(_ x: Tensor, weight: Tensor) -> Tensor {
        recorded(linear(checked(x), weight: weight, bias: bias))
    }

    /// activation(x·Wᵀ + b) as one op, with the value and gradients of `activation(self(x))` (see
    /// ``linear(_:weight:bias:activation:)``).
    func callAsFunction(_ x: Tensor, then activation: TransformerActivation) -> Tensor {
        recorded(linear(checked(x), weight: weight, bias: bias, activation: activation))
    }

    /// `x`, after checking that its last dimension is `inFeatures` (an error naming the layer otherwise).
    private func checked(_ x: Tensor) -> Tensor {
        require(x.shape.last == inFeatures, "Linear(\(inFeatures), \(outFeatures)): input of shape \(x.shape) has \(x.shape.last ?? 0) features, expected \(inFeatures)")
        return x
    }

    public override var extraRepr: String { "in_features=\(inFeatures), out_features=\(outFeatures), bias=\(pythonBool(bias != nil))" }
}

/// The bound b of PyTorch's default initialisation U(−b, b) of a layer's weight and bias: 1/√fan_in, and 0
/// when fan_in is 0 (`Linear(0, n)`, `Conv2d(0, n, k)`: the weight is empty and the bias zeros, as PyTorch's
/// `_calculate_fan_in_and_fan_out` guard; 1/√0 would make every bias NaN).
func uniformInitBound(fanIn: Int) -> Float { fanIn > 0 ? 1 / Float(fanIn).squareRoot() : 0 }
