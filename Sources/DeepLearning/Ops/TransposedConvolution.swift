// 2-D transposed convolution: the adjoint of conv2d. A conv2d with weight W maps an image of the transposed
// convolution's output size onto one of its input size; the transposed convolution runs that map backwards,
// so its three passes are the three passes of the convolution it is the adjoint of, in another order:
//   forward   y  = col2im(Wᵀ · x)            (conv2d's ∂x)
//   ∂x        = W · im2col(∂y)               (conv2d's forward)
//   ∂W        = x · im2col(∂y)ᵀ              (conv2d's ∂W, with x in the place of ∂y)
// All three run the loops of `Convolution` (Ops/Convolution.swift) with the geometry of the output image.

/// 2-D transposed convolution over a batch of images, as `torch.nn.functional.conv_transpose2d`
/// (the gradient of `conv2d(_:weight:bias:stride:padding:dilation:groups:)` with respect to its input,
/// sometimes called a fractionally strided convolution or "deconvolution").
///
/// y[n, o, oh, ow] = b[o] + Σ_{c ∈ group(o)} Σ_{h, w, i, j : h·sₕ − pₕ + i·dₕ = oh, w·s_w − p_w + j·d_w = ow}
/// x[n, c, h, w] · W[c, o mod (O/groups), i, j]. Shapes: x [N, C, H, W] (or [C, H, W]),
/// weight [C, O/groups, kh, kw], bias [O] → y [N, O, OH, OW] with
/// OH = (H − 1)·sₕ − 2pₕ + dₕ·(kh − 1) + opₕ + 1 (OW likewise). `outputPadding` (op) adds rows and columns
/// at the bottom and right, to pick one of the sizes a strided conv2d maps onto the same H; it must be smaller
/// than the stride or the dilation along its axis, as in PyTorch.
@_disfavoredOverload
public func convTranspose2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1),
                            padding: (Int, Int) = (0, 0), outputPadding: (Int, Int) = (0, 0), groups: Int = 1,
                            dilation: (Int, Int) = (1, 1)) -> Tensor {
    if x.rank == 3 {
        return convTranspose2d(x.unsqueezed(at: 0), weight: weight, bias: bias, stride: stride, padding: padding,
                               outputPadding: outputPadding, groups: groups, dilation: dilation).squeezed(axis: 0)
    }
    let op = "convTranspose2d"
    require(x.rank == 4, "\(op): input of shape \(x.shape) must be [N, C, H, W] or [C, H, W]")
    require(weight.rank == 4, "\(op): weight of shape \(weight.shape) must be [inChannels, outChannels / groups, kh, kw]")
    require(groups >= 1, "\(op): groups must be >= 1, got \(groups)")
    require(stride.0 >= 1 && stride.1 >= 1, "\(op): stride \(stride) must be positive")
    require(padding.0 >= 0 && padding.1 >= 0, "\(op): padding \(padding) must not be negative")
    require(dilation.0 >= 1 && dilation.1 >= 1, "\(op): dilation \(dilation) must be positive")
    checkOutputPadding(op, outputPadding, stride: stride, dilation: dilation)
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (wc, og, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
    require(wc == c, "\(op): input of shape \(x.shape) has \(c) channels, weight of shape \(weight.shape) expects \(wc)")
    require(c % groups == 0, "\(op): input of shape \(x.shape) has \(c) channels, not divisible by groups \(groups)")
    require(wc > 0, "\(op): weight of shape \(weight.shape) has no input channels")
    require(og > 0, "\(op): weight of shape \(weight.shape) has no output channels")
    let o = og * groups
    if let bias { require(bias.shape == [o], "\(op): bias of shape \(bias.shape) for \(o) output channels, expected [\(o)]") }
    let outH = (h - 1) * stride.0 - 2 * padding.0 + dilation.0 * (kh - 1) + outputPadding.0 + 1
    let outW = (w - 1) * stride.1 - 2 * padding.1 + dilation.1 * (kw - 1) + outputPadding.1 + 1
    require(outH > 0 && outW > 0,
            "\(op): input of shape \(x.shape) with weight \(weight.shape), stride \(stride), padding \(padding) and dilation \(dilation) gives an empty output [\(outH), \(outW)]")

    // The conv2d this op is the adjoint of: from [N, O, OH, OW] to [N, C, H', W'] with weight [C, O/groups, kh, kw].
    let geometry = WindowGeometry(channels: og, height: outH, width: outW, kernelHeight: kh, kernelWidth: kw,
                                  strideH: stride.0, strideW: stride.1, padH: padding.0, padW: padding.1,
                                  dilationH: dilation.0, dilationW: dilation.1)
    // With an output padding of a stride or more (allowed when under the dilation) that conv2d gives an image
    // larger than x by ⌊op/s⌋ rows or columns, which read the zeros appended here.
    let (extraH, extraW) = (geometry.outHeight - h, geometry.outWidth - w)
    if extraH > 0 || extraW > 0 {
        let padded = x.padded([(0, 0), (0, 0), (0, extraH), (0, extraW)])
        return convTranspose2d(padded, weight: weight, geometry: geometry, batch: n, groups: groups, bias: bias)
    }
    return convTranspose2d(x, weight: weight, geometry: geometry, batch: n, groups: groups, bias: bias)
}

/// Transposed convolution with the same stride, padding, output padding and dilation along both axes.
public func convTranspose2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
                            outputPadding: Int = 0, groups: Int = 1, dilation: Int = 1) -> Tensor {
    convTranspose2d(x, weight: weight, bias: bias, stride: (stride, stride), padding: (padding, padding),
                    outputPadding: (outputPadding, outputPadding), groups: groups, dilation: (dilation, dilation))
}

/// Stops unless each output padding is smaller than the stride or the dilation along its axis (PyTorch's rule).
func checkOutputPadding(_ op: String, _ outputPadding: (Int, Int), stride: (Int, Int), dilation: (Int, Int)) {
    require(outputPadding.0 >= 0 && outputPadding.1 >= 0, "\(op): output padding \(outputPadding) must not be negative")
    require((outputPadding.0 < stride.0 || outputPadding.0 < dilation.0) && (outputPadding.1 < stride.1 || outputPadding.1 < dilation.1),
            "\(op): output padding \(outputPadding) must be smaller than either the stride \(stride) or the dilation \(dilation)")
}

/// The transposed convolution of x [N, C, H', W'] (H', W' = `geometry`'s output size) onto
/// [N, O, geometry.height, geometry.width], with the loops of the conv2d it is the adjoint of.
private func convTranspose2d(_ x: Tensor, weight: Tensor, geometry: WindowGeometry, batch: Int, groups: Int, bias: Tensor?) -> Tensor {
    let inChannels = weight.shape[0], outChannels = geometry.channels * groups
    let conv = Convolution(geometry: geometry, batch: batch, outChannels: inChannels, groups: groups)
    let (xc, wc) = withNoGrad { (x.contiguous(), weight.contiguous()) }
    // Forward: conv2d's input gradient, with x as the upstream gradient (its `x` argument is not read).
    var out = conv.backward(x: xc, weight: wc, gradient: xc, columns: nil, needX: true, needWeight: false, needBias: false).x!
    if let bias {
        let bc = withNoGrad { bias.contiguous() }
        let plane = geometry.plane
        for image in 0..<batch {
            for channel in 0..<outChannels {
                Im2col.addScalar(bc.pointer[channel], out.pointer + (image * outChannels + channel) * plane, plane)
            }
        }
    }
    let inputs = [x, weight] + (bias.map { [$0] } ?? [])
    if Tensor.shouldRecord(inputs) {
        let needX = x.requiresGrad, needW = weight.requiresGrad, needB = bias?.requiresGrad ?? false
        let xd = xc.detached(), wd = wc.detached(), inputShape = x.shape
        out.attach("convTranspose2d", inputs: inputs) { g in
            let gc = g.contiguous()
            var dx: Tensor?
            if needX {
                let result = Tensor(uninitialized: inputShape)
                conv.forward(gc.pointer, wd.pointer, nil, result.pointer, columns: nil)
                dx = result
            }
            let dw = needW ? conv.backward(x: gc, weight: wd, gradient: xd, columns: nil, needX: false, needWeight: true, needBias: false).weight : nil
            let db = needB ? gc.sum(alongAxes: [0, 2, 3]) : nil
            return [dx, dw, db]
        }
    }
    return out
}
