/// 2-D convolution layer, as `torch.nn.Conv2d`: y = conv2d(x, W) + b (see `conv2d(_:weight:bias:stride:padding:dilation:groups:)`).
///
/// Shapes: x [N, inChannels, H, W] (or [inChannels, H, W]) → y [N, outChannels, OH, OW]. Parameters
/// `weight` [outChannels, inChannels / groups, kh, kw] and `bias` [outChannels], both initialised
/// U(−1/√fanIn, 1/√fanIn) with fanIn = inChannels / groups · kh · kw, as PyTorch does (Kaiming-uniform with
/// a = √5), drawn from `RandomGenerator.global`.
public final class Conv2d: Module, WeightedLayer {
    /// W [outChannels, inChannels / groups, kh, kw].
    public let weight: Tensor
    /// b [outChannels], nil when made with `bias: false`.
    public let bias: Tensor?
    /// Channels of the input (C) and of the output (O).
    public let inChannels: Int, outChannels: Int
    /// Window size (kh, kw), step (sₕ, s_w), zeros added on each side (pₕ, p_w) and tap spacing (dₕ, d_w).
    public let kernelSize: (Int, Int), stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int)
    /// Number of independent channel groups (inChannels / groups input channels feed each output channel).
    public let groups: Int

    /// A convolution with a kh × kw kernel and per-axis stride, padding and dilation.
    @_disfavoredOverload
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1, bias: Bool = true) {
        require(inChannels >= 0 && outChannels >= 0, "Conv2d(\(inChannels), \(outChannels)): channel counts must not be negative")
        require(groups >= 1 && inChannels % groups == 0 && outChannels % groups == 0,
                     "Conv2d(\(inChannels), \(outChannels)): groups \(groups) must divide both channel counts")
        require(kernelSize.0 > 0 && kernelSize.1 > 0, "Conv2d(\(inChannels), \(outChannels)): kernel size \(kernelSize) must be positive")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
        let fanIn = inChannels / groups * kernelSize.0 * kernelSize.1
        let bound = uniformInitBound(fanIn: fanIn)
        weight = Tensor.uniform([outChannels, inChannels / groups, kernelSize.0, kernelSize.1], low: -bound, high: bound,
                                using: &RandomGenerator.global).requiringGrad()
        self.bias = bias ? Tensor.uniform([outChannels], low: -bound, high: bound, using: &RandomGenerator.global).requiringGrad() : nil
        super.init()
    }

    /// A convolution with a square kernel and the same stride, padding and dilation along both axes.
    public convenience init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                            dilation: Int = 1, groups: Int = 1, bias: Bool = true) {
        self.init(inChannels, outChannels, kernelSize: (kernelSize, kernelSize), stride: (stride, stride),
                  padding: (padding, padding), dilation: (dilation, dilation), groups: groups, bias: bias)
    }

    /// y = conv2d(x, W) + b: [N, inChannels, H, W] → [N, outChannels, OH, OW] (or without the batch axis).
    public func callAsFunction(_ x: Tensor) -> Tensor { self(x, weight: weight) }

    /// The layer with `weight` [outChannels, inChannels / groups, kH, kW] in place of its own (see ``WeightedLayer``).
    public func callAsFunction(_ x: Tensor, weight: Tensor) -> Tensor {
        require(x.rank == 4 || x.rank == 3,
                     "Conv2d(\(inChannels), \(outChannels)): input of shape \(x.shape) must be [N, C, H, W] or [C, H, W]")
        let c = x.shape[x.rank - 3]
        require(c == inChannels, "Conv2d(\(inChannels), \(outChannels)): input of shape \(x.shape) has \(c) channels, expected \(inChannels)")
        return recorded(conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups))
    }

    public override var extraRepr: String {
        var s = "\(inChannels), \(outChannels), kernel_size=\(kernelSize), stride=\(stride)"
        if padding != (0, 0) { s += ", padding=\(padding)" }
        if dilation != (1, 1) { s += ", dilation=\(dilation)" }
        if groups != 1 { s += ", groups=\(groups)" }
        if bias == nil { s += ", bias=False" }
        return s
    }
}
