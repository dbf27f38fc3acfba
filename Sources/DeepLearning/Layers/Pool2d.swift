/// Max pooling layer, as `torch.nn.MaxPool2d`: see `maxPool2d(_:kernelSize:stride:padding:)`.
/// Shapes: [N, C, H, W] → [N, C, ⌊(H + 2p − k)/s⌋ + 1, ⌊(W + 2p − k)/s⌋ + 1]; `stride` defaults to the kernel size.
public final class MaxPool2d: Module, Layer {
    /// Window size (kh, kw), step (sₕ, s_w) and implicit padding (pₕ, p_w, never chosen as the maximum).
    public let kernelSize: (Int, Int), stride: (Int, Int), padding: (Int, Int)

    /// Max pooling with a kh × kw window; `stride` defaults to the window size.
    @_disfavoredOverload
    public init(kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        super.init()
    }

    /// Max pooling with a square window and the same stride and padding along both axes.
    public convenience init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
        self.init(kernelSize: (kernelSize, kernelSize), stride: stride.map { ($0, $0) }, padding: (padding, padding))
    }

    /// The maximum of each window: [N, C, H, W] → [N, C, OH, OW].
    public func callAsFunction(_ x: Tensor) -> Tensor { recorded(maxPool2d(x, kernelSize: kernelSize, stride: stride, padding: padding)) }
    public override var extraRepr: String {
        "kernel_size=\(pythonPair(kernelSize)), stride=\(pythonPair(stride)), padding=\(pythonPair(padding)), dilation=1, ceil_mode=False"
    }
}

/// Average pooling layer, as `torch.nn.AvgPool2d` (count_include_pad=True by default): see
/// `avgPool2d(_:kernelSize:stride:padding:countIncludePad:)`.
public final class AvgPool2d: Module, Layer {
    /// Window size (kh, kw), step (sₕ, s_w) and zero padding (pₕ, p_w).
    public let kernelSize: (Int, Int), stride: (Int, Int), padding: (Int, Int)
    /// Whether the padding zeros count in each window's divisor (PyTorch's default, true).
    public let countIncludePad: Bool

    /// Average pooling with a kh × kw window; `stride` defaults to the window size.
    @_disfavoredOverload
    public init(kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0), countIncludePad: Bool = true) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.countIncludePad = countIncludePad
        super.init()
    }

    /// Average pooling with a square window and the same stride and padding along both axes.
    public convenience init(kernelSize: Int, stride: Int? = nil, padding: Int = 0, countIncludePad: Bool = true) {
        self.init(kernelSize: (kernelSize, kernelSize), stride: stride.map { ($0, $0) }, padding: (padding, padding),
                  countIncludePad: countIncludePad)
    }

    /// The mean of each window: [N, C, H, W] → [N, C, OH, OW].
    public func callAsFunction(_ x: Tensor) -> Tensor {
        recorded(avgPool2d(x, kernelSize: kernelSize, stride: stride, padding: padding, countIncludePad: countIncludePad))
    }
    public override var extraRepr: String { "kernel_size=\(pythonPair(kernelSize)), stride=\(pythonPair(stride)), padding=\(pythonPair(padding))" }
}

/// Adaptive average pooling layer, as `torch.nn.AdaptiveAvgPool2d`: [N, C, H, W] → [N, C, OH, OW] for any
/// H, W (see `adaptiveAvgPool2d(_:outputSize:)`).
public final class AdaptiveAvgPool2d: Module, Layer {
    /// Output height and width (OH, OW).
    public let outputSize: (Int, Int)

    /// Average pooling to an OH × OW output.
    @_disfavoredOverload
    public init(outputSize: (Int, Int)) {
        self.outputSize = outputSize
        super.init()
    }

    /// Average pooling to a square output (1 for global average pooling).
    public convenience init(outputSize: Int) { self.init(outputSize: (outputSize, outputSize)) }

    /// The same, with the size given positionally as PyTorch allows: `AdaptiveAvgPool2d(1)`.
    public convenience init(_ outputSize: Int) { self.init(outputSize: (outputSize, outputSize)) }

    /// The mean of each adaptive bin: [N, C, H, W] → [N, C, OH, OW].
    public func callAsFunction(_ x: Tensor) -> Tensor { recorded(adaptiveAvgPool2d(x, outputSize: outputSize)) }
    public override var extraRepr: String { "output_size=\(pythonPair(outputSize))" }
}
