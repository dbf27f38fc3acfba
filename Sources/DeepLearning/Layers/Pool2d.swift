/// Max pooling layer, as `torch.nn.MaxPool2d`: see ``maxPool2d(_:kernelSize:stride:padding:)``.
/// Shapes: [N, C, H, W] → [N, C, ⌊(H + 2p − k)/s⌋ + 1, ⌊(W + 2p − k)/s⌋ + 1]; `stride` defaults to the kernel size.
public final class MaxPool2d: Module, Layer {
    public let kernelSize: (Int, Int), stride: (Int, Int), padding: (Int, Int)

    @_disfavoredOverload
    public init(kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        super.init()
    }

    public convenience init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
        self.init(kernelSize: (kernelSize, kernelSize), stride: stride.map { ($0, $0) }, padding: (padding, padding))
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { maxPool2d(x, kernelSize: kernelSize, stride: stride, padding: padding) }
}

/// Average pooling layer, as `torch.nn.AvgPool2d` (count_include_pad=True by default): see
/// ``avgPool2d(_:kernelSize:stride:padding:countIncludePad:)``.
public final class AvgPool2d: Module, Layer {
    public let kernelSize: (Int, Int), stride: (Int, Int), padding: (Int, Int)
    public let countIncludePad: Bool

    @_disfavoredOverload
    public init(kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0), countIncludePad: Bool = true) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.countIncludePad = countIncludePad
        super.init()
    }

    public convenience init(kernelSize: Int, stride: Int? = nil, padding: Int = 0, countIncludePad: Bool = true) {
        self.init(kernelSize: (kernelSize, kernelSize), stride: stride.map { ($0, $0) }, padding: (padding, padding),
                  countIncludePad: countIncludePad)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        avgPool2d(x, kernelSize: kernelSize, stride: stride, padding: padding, countIncludePad: countIncludePad)
    }
}

/// Adaptive average pooling layer, as `torch.nn.AdaptiveAvgPool2d`: [N, C, H, W] → [N, C, OH, OW] for any
/// H, W (see ``adaptiveAvgPool2d(_:outputSize:)``).
public final class AdaptiveAvgPool2d: Module, Layer {
    public let outputSize: (Int, Int)

    @_disfavoredOverload
    public init(outputSize: (Int, Int)) {
        self.outputSize = outputSize
        super.init()
    }

    public convenience init(outputSize: Int) { self.init(outputSize: (outputSize, outputSize)) }

    public func callAsFunction(_ x: Tensor) -> Tensor { adaptiveAvgPool2d(x, outputSize: outputSize) }
}
