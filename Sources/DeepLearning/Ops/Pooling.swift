// Pooling over the last two axes of [N, C, H, W] (or [C, H, W]) tensors: max, average and adaptive average.
// Forward and backward are direct loops (Kernels/Pooling.swift); max pooling remembers where each maximum
// was, and its backward sends the gradient there.

extension Tensor {
    /// The tensor as a contiguous [planes, H, W] buffer for a pooling op, with its leading shape.
    fileprivate func poolingInput(_ op: String) -> (Tensor, lead: [Int], height: Int, width: Int) {
        require(rank == 3 || rank == 4, "\(op): input of shape \(shape) must be [N, C, H, W] or [C, H, W]")
        require(shape.suffix(3).allSatisfy { $0 > 0 }, "\(op): input of shape \(shape) is empty outside the batch axis")
        return (withNoGrad { contiguous() }, Array(shape.dropLast(2)), shape[rank - 2], shape[rank - 1])
    }
}

/// The output size of a window sliding over `size` elements; stops with a message when there is none.
private func pooledSize(_ op: String, _ shape: [Int], size: Int, kernel: Int, stride: Int, padding: Int) -> Int {
    require(kernel > 0 && stride > 0, "\(op): kernel size \(kernel) and stride \(stride) must be positive")
    require(padding >= 0 && padding <= kernel / 2,
                 "\(op): padding \(padding) must be between 0 and half the kernel size \(kernel)")
    let out = (size + 2 * padding - kernel) / stride + 1
    require(size + 2 * padding >= kernel, "\(op): input of shape \(shape) is smaller than the kernel \(kernel) (padding \(padding))")
    return out
}

/// Max pooling, as `torch.nn.functional.max_pool2d`: y[n, c, oh, ow] = max over the window at
/// (oh·sₕ − pₕ, ow·s_w − p_w) of size kh × kw (padding never wins). Shapes: [N, C, H, W] → [N, C, OH, OW],
/// OH = ⌊(H + 2pₕ − kh)/sₕ⌋ + 1. `stride` defaults to the kernel size. Backward: the gradient goes to the
/// first maximum of each window (row-major order), as PyTorch.
@_disfavoredOverload
public func maxPool2d(_ x: Tensor, kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) -> Tensor {
    let (input, lead, h, w) = x.poolingInput("maxPool2d")
    let stride = stride ?? kernelSize
    let oh = pooledSize("maxPool2d", x.shape, size: h, kernel: kernelSize.0, stride: stride.0, padding: padding.0)
    let ow = pooledSize("maxPool2d", x.shape, size: w, kernel: kernelSize.1, stride: stride.1, padding: padding.1)
    let rows = Pooling.Windows(size: h, kernel: kernelSize.0, stride: stride.0, padding: padding.0, count: oh)
    let cols = Pooling.Windows(size: w, kernel: kernelSize.1, stride: stride.1, padding: padding.1, count: ow)
    let planes = lead.reduce(1, *)
    var out = Tensor(uninitialized: lead + [oh, ow])
    let indices = [Int32](unsafeUninitializedCapacity: out.count) { buffer, initialized in
        Pooling.maxForward(input.pointer, planes: planes, height: h, width: w, rows: rows, cols: cols, out.pointer, buffer.baseAddress!)
        initialized = buffer.count
    }
    if Tensor.shouldRecord(x) {
        let inputShape = x.shape
        out.attach("maxPool2d", x) { g in
            let gc = g.contiguous()
            let dx = Tensor(uninitialized: inputShape)
            indices.withUnsafeBufferPointer { idx in
                Pooling.maxBackward(gc.pointer, idx.baseAddress!, planes: planes, inPlane: h * w, outPlane: oh * ow, dx.pointer)
            }
            return [dx]
        }
    }
    return out
}

/// Max pooling with a square window and the same stride and padding along both axes.
public func maxPool2d(_ x: Tensor, kernelSize: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
    maxPool2d(x, kernelSize: (kernelSize, kernelSize), stride: stride.map { ($0, $0) }, padding: (padding, padding))
}

/// Average pooling, as `torch.nn.functional.avg_pool2d`: y[n, c, oh, ow] = Σ window / divisor. With
/// `countIncludePad` (PyTorch's default) the divisor counts the padding zeros inside the window
/// (kh·kw unless the window hangs past the padded border), else only the pixels of the image.
/// Shapes: [N, C, H, W] → [N, C, OH, OW], OH = ⌊(H + 2pₕ − kh)/sₕ⌋ + 1; `stride` defaults to the kernel size.
@_disfavoredOverload
public func avgPool2d(_ x: Tensor, kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0),
                      countIncludePad: Bool = true) -> Tensor {
    let (input, lead, h, w) = x.poolingInput("avgPool2d")
    let stride = stride ?? kernelSize
    let oh = pooledSize("avgPool2d", x.shape, size: h, kernel: kernelSize.0, stride: stride.0, padding: padding.0)
    let ow = pooledSize("avgPool2d", x.shape, size: w, kernel: kernelSize.1, stride: stride.1, padding: padding.1)
    let rows = Pooling.Windows(size: h, kernel: kernelSize.0, stride: stride.0, padding: padding.0, count: oh)
    let cols = Pooling.Windows(size: w, kernel: kernelSize.1, stride: stride.1, padding: padding.1, count: ow)
    return averagePooled(x, input, lead: lead, height: h, width: w, rows: rows, cols: cols, op: "avgPool2d") { r, c in
        countIncludePad ? Float(rows.paddedSize[r] * cols.paddedSize[c])
                        : Float((rows.end[r] - rows.start[r]) * (cols.end[c] - cols.start[c]))
    }
}

/// Average pooling with a square window and the same stride and padding along both axes.
public func avgPool2d(_ x: Tensor, kernelSize: Int, stride: Int? = nil, padding: Int = 0, countIncludePad: Bool = true) -> Tensor {
    avgPool2d(x, kernelSize: (kernelSize, kernelSize), stride: stride.map { ($0, $0) }, padding: (padding, padding),
              countIncludePad: countIncludePad)
}

/// Adaptive average pooling, as `torch.nn.functional.adaptive_avg_pool2d`: the output has the given size
/// whatever the input's, output pixel (i, j) averaging rows ⌊i·H/OH⌋ ..< ⌈(i + 1)·H/OH⌉ and the columns
/// likewise. Shapes: [N, C, H, W] → [N, C, OH, OW].
@_disfavoredOverload
public func adaptiveAvgPool2d(_ x: Tensor, outputSize: (Int, Int)) -> Tensor {
    let (input, lead, h, w) = x.poolingInput("adaptiveAvgPool2d")
    require(outputSize.0 > 0 && outputSize.1 > 0, "adaptiveAvgPool2d: output size \(outputSize) must be positive")
    let rows = Pooling.Windows(adaptiveSize: h, count: outputSize.0)
    let cols = Pooling.Windows(adaptiveSize: w, count: outputSize.1)
    return averagePooled(x, input, lead: lead, height: h, width: w, rows: rows, cols: cols, op: "adaptiveAvgPool2d") { r, c in
        Float(rows.paddedSize[r] * cols.paddedSize[c])
    }
}

/// Adaptive average pooling to a square output (1 gives global average pooling).
public func adaptiveAvgPool2d(_ x: Tensor, outputSize: Int) -> Tensor {
    adaptiveAvgPool2d(x, outputSize: (outputSize, outputSize))
}

/// Shared forward and backward of the average poolings.
private func averagePooled(_ x: Tensor, _ input: Tensor, lead: [Int], height h: Int, width w: Int, rows: Pooling.Windows,
                           cols: Pooling.Windows, op: String, divisor: @escaping (Int, Int) -> Float) -> Tensor {
    let oh = rows.start.count, ow = cols.start.count
    let planes = lead.reduce(1, *)
    var out = Tensor(uninitialized: lead + [oh, ow])
    Pooling.averageForward(input.pointer, planes: planes, height: h, width: w, rows: rows, cols: cols, divisor: divisor, out.pointer)
    if Tensor.shouldRecord(x) {
        let inputShape = x.shape
        out.attach(op, x) { g in
            let gc = g.contiguous()
            let dx = Tensor(uninitialized: inputShape)
            Pooling.averageBackward(gc.pointer, planes: planes, height: h, width: w, rows: rows, cols: cols, divisor: divisor, dx.pointer)
            return [dx]
        }
    }
    return out
}
