// The affine map of a fully connected layer as one op: y = x·Wᵀ + b, with its backward rule beside it. The
// products are Kernels/AffineKernels.swift (the bias folded into the GEMM, gradients straight in each
// parameter's layout, as PyTorch's addmm); `Reference.linear` below is the same map written with public ops.

extension Tensor {
    /// A contiguous 2-D view [rows, last dimension] of this tensor.
    fileprivate func rowMatrix() -> Tensor {
        let c = withNoGrad { contiguous() }
        // Rows from the leading dimensions, not count / columns: [2, 0] is 2 rows of nothing (0/0 made it 0 rows).
        return withNoGrad { c.reshaped(to: [c.shape.dropLast().reduce(1, *), c.shape.last!]) }
    }
}

/// y = x·Wᵀ + b, as `torch.nn.functional.linear`.
///
/// Shapes: x [..., in], weight [out, in], bias [out] → y [..., out]. Backward: ∂x = G·W, ∂W = Gᵀ·x,
/// ∂b = Σ_rows G, each one GEMM (or one reduction) straight into the parameter's own layout.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
    linear(x, weight: weight, bias: bias, activation: nil)
}

/// act(x·Wᵀ + b) as one op: the value and gradients of `linear(x, weight:, bias:)` followed by `.relu()` or
/// `.gelu()`, bit for bit, with the activation applied to each block of rows as soon as the product has
/// computed it (no pass over the [rows, out] matrix of its own, as PyTorch's `_addmm_activation` and
/// oneDNN's fused post-ops). Its gradient is computed in the same backward op, split across the cores,
/// before ∂x's and ∂W's products. A Transformer's feed-forward block runs on it. nil: the plain linear map.
///
/// Backward: ∂z = G ⊙ act′(z) (for ReLU from the output: y ≤ 0 exactly where z ≤ 0), then ∂x = ∂z·W,
/// ∂W = ∂zᵀ·x, ∂b = Σ_rows ∂z.
func linear(_ x: Tensor, weight: Tensor, bias: Tensor?, activation: TransformerActivation?) -> Tensor {
    require(weight.rank == 2, "linear: weight of shape \(weight.shape) must be 2-D [out, in]")
    let (outFeatures, inFeatures) = (weight.shape[0], weight.shape[1])
    require(x.rank >= 1 && x.shape.last == inFeatures,
                 "linear: input of shape \(x.shape) × weight of shape \(weight.shape): inner dimensions \(x.shape.last ?? 0) and \(inFeatures) differ")
    if let bias { require(bias.shape == [outFeatures], "linear: bias of shape \(bias.shape) for \(outFeatures) outputs") }
    let x2 = x.rowMatrix(), w = weight.rowMatrix()
    let rows = x2.shape[0]
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    let recording = Tensor.shouldRecord(inputs)
    let outShape = Array(x.shape.dropLast()) + [outFeatures]
    var out = Tensor(uninitialized: outShape)
    // GELU's gradient needs z: the product goes to its own buffer, the activation reads it from there.
    let z = activation == .gelu && recording ? Tensor(uninitialized: outShape) : out
    let b = bias?.contiguous()
    let (zp, yp) = (z.pointer, out.pointer)
    let activate: ((Range<Int>) -> Void)? = activation.map { activation in { r in
        let (start, count) = (r.lowerBound * outFeatures, r.count * outFeatures)
        switch activation {
        case .relu: Loops.map(ReluKernel(), zp + start, yp + start, count)
        case .gelu: Loops.map(GeluKernel(), zp + start, yp + start, count)
        }
    } }
    AffineKernels.forward(x: x2.pointer, weight: w.pointer, bias: b?.pointer, into: zp,
                          rows: rows, inFeatures: inFeatures, outFeatures: outFeatures, activate: activate)
    if recording {
        let xShape = x.shape, needX = x.requiresGrad, needW = weight.requiresGrad
        // What the activation's gradient reads: the output for ReLU, z for GELU.
        let saved = activation == nil ? nil : (activation == .gelu ? z : out.detached())
        out.attach("linear", inputs: inputs) { g in
            let gy = g.rowMatrix()
            // ∂z: G itself without an activation.
            var g2 = gy
            if let activation, let saved {
                g2 = Tensor(uninitialized: [rows, outFeatures])
                let (gp, sp, dz) = (gy.pointer, saved.pointer, g2.pointer)
                withExtendedLifetime((gy, saved)) {
                    Parallel.forEach(rows, costPerItem: outFeatures) { r in
                        let (start, count) = (r.lowerBound * outFeatures, r.count * outFeatures)
                        switch activation {
                        case .relu: Loops.zip(ReluBackward(), sp + start, 1, gp + start, 1, dz + start, count)
                        case .gelu: Loops.zip(GeluBackward(), sp + start, 1, gp + start, 1, dz + start, count)
                        }
                    }
                }
            }
            var grads: [Tensor?] = [nil, nil]
            if needX && needW && AffineKernels.runsSideBySide(rows: rows, inFeatures: inFeatures, outFeatures: outFeatures) {
                // ∂x = G·W and ∂W = Gᵀ·x, one product per core.
                let dx = Tensor(uninitialized: [rows, inFeatures]), dw = Tensor(uninitialized: [outFeatures, inFeatures])
                AffineKernels.bothGradients(g2.pointer, weight: w.pointer, input: x2.pointer, dx: dx.pointer, dw: dw.pointer,
                                            rows: rows, inFeatures: inFeatures, outFeatures: outFeatures)
                grads = [dx.reshaped(to: xShape), dw]
            } else {
                if needX {  // ∂x = G·W
                    let dx = Tensor(uninitialized: [rows, inFeatures])
                    AffineKernels.inputGradient(g2.pointer, weight: w.pointer, into: dx.pointer, rows: rows, inFeatures: inFeatures,
                                                outFeatures: outFeatures)
                    grads[0] = dx.reshaped(to: xShape)
                }
                if needW {  // ∂W = Gᵀ·x
                    let dw = Tensor(uninitialized: [outFeatures, inFeatures])
                    AffineKernels.weightGradient(g2.pointer, input: x2.pointer, into: dw.pointer, rows: rows, inFeatures: inFeatures,
                                                 outFeatures: outFeatures)
                    grads[1] = dw
                }
            }
            if bias != nil { grads.append(g2.sum(alongAxis: 0)) }  // ∂b = Σ_rows G
            return grads
        }
    }
    return out
}

extension Reference {
    /// y = x·Wᵀ + b, composed: `x.matmul(weight.transposed()) + bias` (the reference of
    /// ``linear(_:weight:bias:)``, as `torch.nn.functional.linear`).
    ///
    /// Shapes: x [..., in], weight [out, in], bias [out] → y [..., out].
    public static func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
        let y = x.matmul(weight.transposed())
        return bias.map { y + $0 } ?? y
    }
}
