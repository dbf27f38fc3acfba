// Resizing images by interpolation, as torch.nn.functional.interpolate for 4-D inputs. Both modes are a
// separable resampling: along each axis every output index reads two input indices with two weights (the
// nearest mode one index with weight 1); the backward pass adds the gradient back with the same weights.

/// How `interpolate(_:size:scaleFactor:mode:alignCorners:)` reads between pixels.
public enum InterpolationMode: String, Sendable {
    /// The pixel at ⌊dst · in/out⌋ (PyTorch's "nearest").
    case nearest
    /// The weighted mean of the four pixels around the source point (PyTorch's "bilinear").
    case bilinear
}

/// Resizes the last two axes of x, as `torch.nn.functional.interpolate` (modes "nearest" and "bilinear").
///
/// Shapes: x [N, C, H, W] (or [C, H, W]) → [N, C, OH, OW], with (OH, OW) = `size`, or ⌊H·sₕ⌋, ⌊W·s_w⌋ for
/// `scaleFactor` (sₕ, s_w); give exactly one of them. Along each axis output index d reads source point
/// s(d) = d·scale (nearest: pixel min(⌊s⌋, in − 1)); for bilinear s(d) = (d + ½)·scale − ½ clamped at 0,
/// or with `alignCorners` s(d) = d·(in − 1)/(out − 1), which maps the corner pixels onto each other. scale is
/// 1/scaleFactor when a scale factor is given and in/out otherwise, as PyTorch (recompute_scale_factor off).
/// `alignCorners` applies to bilinear only.
@_disfavoredOverload
public func interpolate(_ x: Tensor, size: (Int, Int)? = nil, scaleFactor: (Double, Double)? = nil,
                        mode: InterpolationMode = .nearest, alignCorners: Bool = false) -> Tensor {
    if x.rank == 3 {
        return interpolate(x.unsqueezed(at: 0), size: size, scaleFactor: scaleFactor, mode: mode, alignCorners: alignCorners)
            .squeezed(axis: 0)
    }
    let op = "interpolate"
    require(x.rank == 4, "\(op): input of shape \(x.shape) must be [N, C, H, W] or [C, H, W]")
    require((size == nil) != (scaleFactor == nil), "\(op): give exactly one of size and scaleFactor")
    require(mode == .bilinear || !alignCorners, "\(op): alignCorners applies to bilinear mode only, not \(mode.rawValue)")
    let (h, w) = (x.shape[2], x.shape[3])
    let outSize = size ?? (Int((Double(h) * scaleFactor!.0).rounded(.down)), Int((Double(w) * scaleFactor!.1).rounded(.down)))
    require(outSize.0 > 0 && outSize.1 > 0, "\(op): output size \(outSize) for input of shape \(x.shape) must be positive")
    if let scaleFactor { require(scaleFactor.0 > 0 && scaleFactor.1 > 0, "\(op): scale factor \(scaleFactor) must be positive") }
    let rows = resampleTaps(mode, input: h, output: outSize.0, scaleFactor: scaleFactor?.0, alignCorners: alignCorners)
    let cols = resampleTaps(mode, input: w, output: outSize.1, scaleFactor: scaleFactor?.1, alignCorners: alignCorners)
    let planes = x.shape[0] * x.shape[1]
    let xc = withNoGrad { x.contiguous() }
    var out = Tensor(uninitialized: [x.shape[0], x.shape[1], outSize.0, outSize.1])
    Resample.forward(xc.pointer, planes: planes, height: h, width: w, rows: rows, cols: cols, out.pointer)
    if Tensor.shouldRecord(x) {
        let inputShape = x.shape
        out.attach("interpolate", x) { g in
            let gc = g.contiguous()
            let dx = Tensor(uninitialized: inputShape)
            Resample.backward(gc.pointer, planes: planes, height: h, width: w, rows: rows, cols: cols, dx.pointer)
            return [dx]
        }
    }
    return out
}

/// Resizes with one size, or one scale factor, for both axes.
public func interpolate(_ x: Tensor, size: Int? = nil, scaleFactor: Double? = nil, mode: InterpolationMode = .nearest,
                        alignCorners: Bool = false) -> Tensor {
    interpolate(x, size: size.map { ($0, $0) }, scaleFactor: scaleFactor.map { ($0, $0) }, mode: mode, alignCorners: alignCorners)
}

/// The two source indices and weights of every output index along one axis (PyTorch's
/// area_pixel_compute_source_index and nearest_idx).
func resampleTaps(_ mode: InterpolationMode, input: Int, output: Int, scaleFactor: Double?, alignCorners: Bool) -> [ResampleTap] {
    let scale: Double
    if alignCorners {
        scale = output > 1 ? Double(input - 1) / Double(output - 1) : 0
    } else {
        scale = scaleFactor.map { 1 / $0 } ?? Double(input) / Double(output)
    }
    return (0..<output).map { d in
        switch mode {
        case .nearest:
            let i = Swift.min(Int((Double(d) * scale).rounded(.down)), input - 1)
            return ResampleTap(index0: i, index1: i, weight0: 1, weight1: 0)
        case .bilinear:
            let source = alignCorners ? Double(d) * scale : Swift.max((Double(d) + 0.5) * scale - 0.5, 0)
            let i0 = Swift.min(Int(source), input - 1)
            let i1 = i0 < input - 1 ? i0 + 1 : i0
            let lambda1 = Float(source - Double(i0))
            return ResampleTap(index0: i0, index1: i1, weight0: 1 - lambda1, weight1: lambda1)
        }
    }
}
