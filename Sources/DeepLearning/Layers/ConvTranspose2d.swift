/// 2-D transposed convolution layer, as `torch.nn.ConvTranspose2d`: y = convTranspose2d(x, W) + b (see
/// `convTranspose2d(_:weight:bias:stride:padding:outputPadding:groups:dilation:)`), the layer that upsamples
/// in DCGAN's generator (Radford et al. 2015).
///
/// Shapes: x [N, inChannels, H, W] (or [inChannels, H, W]) → y [N, outChannels, OH, OW] with
/// OH = (H − 1)·sₕ − 2pₕ + dₕ·(kh − 1) + opₕ + 1 (OW likewise). Parameters `weight`
/// [inChannels, outChannels / groups, kh, kw] and `bias` [outChannels], both initialised U(−1/√fanIn, 1/√fanIn)
/// with fanIn = outChannels / groups · kh · kw (PyTorch computes the fan of this weight from its second
/// axis), drawn from `RandomGenerator.global`. Stops with a message naming the layer when the channel counts
/// are not divisible by `groups` or an output padding is not smaller than the stride or the dilation.
public final class ConvTranspose2d: Module, WeightedLayer {
    /// W [inChannels, outChannels / groups, kh, kw].
    public let weight: Tensor
    /// b [outChannels], nil when made with `bias: false`.
    public let bias: Tensor?
    /// Channels of the input (C) and of the output (O).
    public let inChannels: Int, outChannels: Int
    /// Window size (kh, kw), step (sₕ, s_w), rows and columns cut from each side (pₕ, p_w), rows and columns
    /// added at the bottom and right (opₕ, op_w) and tap spacing (dₕ, d_w).
    public let kernelSize: (Int, Int), stride: (Int, Int), padding: (Int, Int), outputPadding: (Int, Int), dilation: (Int, Int)
    /// Number of independent channel groups.
    public let groups: Int

    /// A transposed convolution with a kh × kw kernel and per-axis stride, padding, output padding and dilation.
    @_disfavoredOverload
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: (Int, Int) = (0, 0), outputPadding: (Int, Int) = (0, 0), groups: Int = 1, bias: Bool = true,
                dilation: (Int, Int) = (1, 1)) {
        let name = "ConvTranspose2d(\(inChannels), \(outChannels))"
        require(inChannels >= 0 && outChannels >= 0, "\(name): channel counts must not be negative")
        require(groups >= 1, "\(name): groups must be >= 1, got \(groups)")
        require(inChannels % groups == 0, "\(name): inChannels \(inChannels) is not divisible by groups \(groups)")
        require(outChannels % groups == 0, "\(name): outChannels \(outChannels) is not divisible by groups \(groups)")
        require(kernelSize.0 > 0 && kernelSize.1 > 0, "\(name): kernel size \(kernelSize) must be positive")
        checkOutputPadding(name, outputPadding, stride: stride, dilation: dilation)
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
        self.dilation = dilation
        self.groups = groups
        let fanIn = outChannels / groups * kernelSize.0 * kernelSize.1
        let bound = uniformInitBound(fanIn: fanIn)
        weight = Tensor.uniform([inChannels, outChannels / groups, kernelSize.0, kernelSize.1], low: -bound, high: bound,
                                using: &RandomGenerator.global).requiringGrad()
        self.bias = bias ? Tensor.uniform([outChannels], low: -bound, high: bound, using: &RandomGenerator.global).requiringGrad() : nil
        super.init()
    }

    /// A transposed convolution with a square kernel and the same stride, padding, output padding and dilation
    /// along both axes.
    public convenience init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                            outputPadding: Int = 0, groups: Int = 1, bias: Bool = true, dilation: Int = 1) {
        self.init(inChannels, outChannels, kernelSize: (kernelSize, kernelSize), stride: (stride, stride),
                  padding: (padding, padding), outputPadding: (outputPadding, outputPadding), groups: groups, bias: bias,
                  dilation: (dilation, dilation))
    }

    /// y = convTranspose2d(x, W) + b: [N, inChannels, H, W] → [N, outChannels, OH, OW] (or without the batch axis).
    public func callAsFunction(_ x: Tensor) -> Tensor { self(x, weight: weight) }

    /// The layer with `weight` [inChannels, outChannels / groups, kH, kW] in place of its own (see ``WeightedLayer``).
    public func callAsFunction(_ x: Tensor, weight: Tensor) -> Tensor {
        let name = "ConvTranspose2d(\(inChannels), \(outChannels))"
        require(x.rank == 4 || x.rank == 3, "\(name): input of shape \(x.shape) must be [N, C, H, W] or [C, H, W]")
        let c = x.shape[x.rank - 3]
        require(c == inChannels, "\(name): input of shape \(x.shape) has \(c) channels, expected \(inChannels)")
        return recorded(convTranspose2d(x, weight: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding,
                                        groups: groups, dilation: dilation))
    }

    public override var extraRepr: String {
        var s = "\(inChannels), \(outChannels), kernel_size=\(kernelSize), stride=\(stride)"
        if padding != (0, 0) { s += ", padding=\(padding)" }
        if dilation != (1, 1) { s += ", dilation=\(dilation)" }
        if outputPadding != (0, 0) { s += ", output_padding=\(outputPadding)" }
        if groups != 1 { s += ", groups=\(groups)" }
        if bias == nil { s += ", bias=False" }
        return s
    }
}
