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
    require(weight.rank == 2, "linear: weight of shape \(weight.shape) must be 2-D [out, in]")
    let (outFeatures, inFeatures) = (weight.shape[0], weight.shape[1])
    require(x.rank >= 1 && x.shape.last == inFeatures,
                 "linear: input of shape \(x.shape) × weight of shape \(weight.shape): inner dimensions \(x.shape.last ?? 0) and \(inFeatures) differ")
    if let bias { require(bias.shape == [outFeatures], "linear: bias of shape \(bias.shape) for \(outFeatures) outputs") }
    let x2 = x.rowMatrix(), w = weight.rowMatrix()
    let rows = x2.shape[0]
    var out = Tensor(uninitialized: Array(x.shape.dropLast()) + [outFeatures])
    let b = bias?.contiguous()
    AffineKernels.forward(x: x2.pointer, weight: w.pointer, bias: b?.pointer, into: out.pointer,
                          rows: rows, inFeatures: inFeatures, outFeatures: outFeatures)
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    if Tensor.shouldRecord(inputs) {
        let xShape = x.shape, needX = x.requiresGrad, needW = weight.requiresGrad
        out.attach("linear", inputs: inputs) { g in
            let g2 = g.rowMatrix()
            var grads: [Tensor?] = [nil, nil]
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
