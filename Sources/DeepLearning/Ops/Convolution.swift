// 2-D convolution as an op: argument checks, the autograd node, and the composed reference
// (`Reference.conv2d`). The loops, im2col + GEMM one image at a time, are `Convolution` in
// Kernels/ConvolutionKernels.swift.

/// 2-D cross-correlation over a batch of images, as `torch.nn.functional.conv2d`.
///
/// y[n, o] = b[o] + Σ_{c ∈ group(o)} Σ_{i,j} W[o, c, i, j] · x[n, c, oh·sₕ + i·dₕ − pₕ, ow·s_w + j·d_w − p_w]
/// (x read as 0 outside the image). Shapes: x [N, C, H, W] (or [C, H, W]), weight [O, C/groups, kh, kw],
/// bias [O] → y [N, O, OH, OW] with OH = ⌊(H + 2pₕ − dₕ(kh − 1) − 1)/sₕ⌋ + 1 (OW likewise).
/// `groups` splits channels into independent convolutions (groups = C = O is a depthwise convolution).
@_disfavoredOverload
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
                   dilation: (Int, Int) = (1, 1), groups: Int = 1) -> Tensor {
    if x.rank == 3 {
        return conv2d(x.unsqueezed(at: 0), weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation,
                      groups: groups).squeezed(axis: 0)
    }
    require(x.rank == 4, "conv2d: input of shape \(x.shape) must be [N, C, H, W] or [C, H, W]")
    require(weight.rank == 4, "conv2d: weight of shape \(weight.shape) must be [outChannels, inChannels / groups, kh, kw]")
    require(groups >= 1, "conv2d: groups must be >= 1, got \(groups)")
    require(stride.0 >= 1 && stride.1 >= 1, "conv2d: stride \(stride) must be positive")
    require(padding.0 >= 0 && padding.1 >= 0, "conv2d: padding \(padding) must not be negative")
    require(dilation.0 >= 1 && dilation.1 >= 1, "conv2d: dilation \(dilation) must be positive")
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (o, cg, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
    require(o % groups == 0, "conv2d: weight of shape \(weight.shape) has \(o) output channels, not divisible by groups \(groups)")
    require(c == cg * groups,
                 "conv2d: input of shape \(x.shape) has \(c) channels, weight of shape \(weight.shape) with groups \(groups) expects \(cg * groups)")
    if let bias { require(bias.shape == [o], "conv2d: bias of shape \(bias.shape) for weight of shape \(weight.shape), expected [\(o)]") }
    require(o > 0, "conv2d: weight of shape \(weight.shape) has no output channels")
    let geometry = WindowGeometry(channels: cg, height: h, width: w, kernelHeight: kh, kernelWidth: kw,
                                  strideH: stride.0, strideW: stride.1, padH: padding.0, padW: padding.1,
                                  dilationH: dilation.0, dilationW: dilation.1)
    require(h + 2 * padding.0 >= dilation.0 * (kh - 1) + 1 && w + 2 * padding.1 >= dilation.1 * (kw - 1) + 1,
                 "conv2d: input of shape \(x.shape) with padding \(padding) is smaller than the kernel \([kh, kw]) with dilation \(dilation)")
    // No input channels: PyTorch returns an empty [N, 0, OH, OW] (its path for an empty input keeps the
    // input's channel count), whatever the weight and bias.
    if c == 0 { return Tensor.zeros([n, 0, geometry.outHeight, geometry.outWidth]) }
    let conv = Convolution(geometry: geometry, batch: n, outChannels: o, groups: groups)

    let (xc, wc, bc) = withNoGrad { (x.contiguous(), weight.contiguous(), bias?.contiguous()) }
    var out = Tensor(uninitialized: [n, o, geometry.outHeight, geometry.outWidth])
    let inputs = [x, weight] + (bias.map { [$0] } ?? [])
    let recording = Tensor.shouldRecord(inputs)
    // The weight gradient needs the im2col matrices again: keep them from the forward pass where that pays.
    let columns = recording && weight.requiresGrad && conv.keepsColumns ? Tensor(uninitialized: [conv.columnCount]) : nil
    withExtendedLifetime((xc, wc, bc)) {
        conv.forward(xc.pointer, wc.pointer, bc?.pointer, out.pointer, columns: columns?.pointer)
    }
    if recording {
        let needX = x.requiresGrad, needW = weight.requiresGrad, needB = bias?.requiresGrad ?? false
        let xd = xc.detached(), wd = wc.detached()
        out.attach("conv2d", inputs: inputs) { g in
            let grads = conv.backward(x: xd, weight: wd, gradient: g.contiguous(), columns: columns,
                                      needX: needX, needWeight: needW, needBias: needB)
            return [grads.x, grads.weight, grads.bias]
        }
    }
    return out
}

/// 2-D convolution with the same stride, padding and dilation along both axes.
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0, dilation: Int = 1,
                   groups: Int = 1) -> Tensor {
    conv2d(x, weight: weight, bias: bias, stride: (stride, stride), padding: (padding, padding), dilation: (dilation, dilation),
           groups: groups)
}

extension Reference {
    /// 2-D cross-correlation, composed: for each kernel offset (i, j), the strided window of the padded
    /// input that it meets, times W[:, :, i, j], summed (the reference of
    /// ``conv2d(_:weight:bias:stride:padding:dilation:groups:)``, as `torch.nn.functional.conv2d`):
    ///
    ///     y[n, o, p, q] = b[o] + Σ_{c ∈ group(o)} Σ_{i,j} W[o, c, i, j] · x[n, c, p·sₕ + i·dₕ − pₕ, q·s_w + j·d_w − p_w]
    ///
    /// Shapes: x [N, C, H, W], weight [O, C/groups, kh, kw], bias [O] → y [N, O, OH, OW],
    /// OH = ⌊(H + 2pₕ − dₕ(kh − 1) − 1)/sₕ⌋ + 1 (OW likewise).
    public static func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1),
                              padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1) -> Tensor {
        let (n, h, w) = (x.shape[0], x.shape[2], x.shape[3])
        let (o, cg, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
        let og = o / groups
        let oh = (h + 2 * padding.0 - dilation.0 * (kh - 1) - 1) / stride.0 + 1
        let ow = (w + 2 * padding.1 - dilation.1 * (kw - 1) - 1) / stride.1 + 1
        let padded = x.padded([(0, 0), (0, 0), (padding.0, padding.0), (padding.1, padding.1)])
        var outputs: [Tensor] = []
        for g in 0..<groups {
            let xg = padded.sliced(alongAxis: 1, g * cg..<(g + 1) * cg)
            let wg = weight.sliced(alongAxis: 0, g * og..<(g + 1) * og)
            var y = Tensor.zeros([n, og, oh * ow])
            for i in 0..<kh {
                for j in 0..<kw {
                    // x[n, c, p·sₕ + i·dₕ, q·s_w + j·d_w] for every output position (p, q): [N, C/groups, OH, OW]
                    let window = xg.sliced(alongAxis: 2, i * dilation.0..<i * dilation.0 + (oh - 1) * stride.0 + 1, step: stride.0)
                        .sliced(alongAxis: 3, j * dilation.1..<j * dilation.1 + (ow - 1) * stride.1 + 1, step: stride.1)
                    let wij = wg.sliced(alongAxis: 2, i..<i + 1).sliced(alongAxis: 3, j..<j + 1).reshaped(to: [og, cg])
                    y = y + wij.matmul(window.reshaped(to: [n, cg, oh * ow]))
                }
            }
            outputs.append(y)
        }
        let y = Tensor.concatenated(outputs, alongAxis: 1).reshaped(to: [n, o, oh, ow])
        return bias.map { y + $0.reshaped(to: [1, o, 1, 1]) } ?? y
    }
}
