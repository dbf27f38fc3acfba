// Batch normalization as one fused op: two passes for the statistics, one for the output, and in backward
// two reductions and one pass for ∂x (the composed version takes a dozen broadcast ops).

/// Batch normalization, as `torch.nn.functional.batch_norm`.
///
/// For each channel c, over the batch and spatial positions (M = N·S values):
/// μ = (1/M) Σ x,  σ² = (1/M) Σ (x − μ)²,  x̂ = (x − μ)/√(σ² + ε),  y = γ·x̂ + β.
/// In training (or when there are no running statistics) μ and σ² come from the batch, and when running
/// statistics are given they are updated in place: r_μ ← (1 − momentum)·r_μ + momentum·μ and
/// r_σ² ← (1 − momentum)·r_σ² + momentum·σ²·M/(M − 1) (the unbiased variance, as PyTorch). Otherwise μ and
/// σ² are the running statistics. γ (`weight`) and β (`bias`) default to 1 and 0. A batch of 0 gives an
/// empty output and leaves the running statistics unchanged; in training, one value per channel is an error.
///
/// Shapes: x [N, C], [N, C, L] or [N, C, H, W]; weight, bias, runningMean, runningVar [C] → y like x.
/// Backward (batch statistics): ∂x = γ/√(σ² + ε) · (∂y − mean(∂y) − x̂·mean(∂y·x̂)), ∂γ = Σ ∂y·x̂, ∂β = Σ ∂y.
public func batchNorm(_ x: Tensor, runningMean: Tensor?, runningVar: Tensor?, weight: Tensor? = nil, bias: Tensor? = nil,
                      training: Bool = false, momentum: Float = 0.1, eps: Float = 1e-5) -> Tensor {
    require(x.rank >= 2, "batchNorm: input of shape \(x.shape) must be [N, C, ...]")
    let n = x.shape[0], c = x.shape[1], s = x.shape[2...].reduce(1, *)
    for (name, t) in [("weight", weight), ("bias", bias), ("runningMean", runningMean), ("runningVar", runningVar)] {
        if let t { require(t.shape == [c], "batchNorm: \(name) of shape \(t.shape) for input of shape \(x.shape), expected [\(c)]") }
    }
    require((runningMean == nil) == (runningVar == nil), "batchNorm: give both runningMean and runningVar or neither")
    let useBatchStatistics = training || runningMean == nil
    let m = n * s
    if training { require(m != 1, "batchNorm: expected more than 1 value per channel when training, got input of shape \(x.shape)") }

    let xc = withNoGrad { x.contiguous() }
    let mean: [Float], invStd: [Float]
    if useBatchStatistics && m == 0 {
        // An empty batch: an empty output, zero gradients for γ and β, and the running statistics left as
        // they were (as PyTorch).
        mean = [Float](repeating: 0, count: c)
        invStd = mean
    } else if useBatchStatistics {
        mean = BatchNormKernels.reduce(ChannelSum(), xc.pointer, nil, center: [Float](repeating: 0, count: c), n: n, c: c, s: s)
            .map { $0 / Float(m) }
        let variance = BatchNormKernels.reduce(ChannelSquaredDeviation(), xc.pointer, nil, center: mean, n: n, c: c, s: s)
            .map { $0 / Float(m) }
        invStd = variance.map { 1 / ($0 + eps).squareRoot() }
        if training, let runningMean, let runningVar {
            let unbias = Float(m) / Float(Swift.max(m - 1, 1))
            runningMean.withUnsafeMutableElements { r in
                for i in 0..<c { r[i] = (1 - momentum) * r[i] + momentum * mean[i] }
            }
            runningVar.withUnsafeMutableElements { r in
                for i in 0..<c { r[i] = (1 - momentum) * r[i] + momentum * variance[i] * unbias }
            }
        }
    } else {
        mean = runningMean!.scalars
        invStd = runningVar!.scalars.map { 1 / ($0 + eps).squareRoot() }
    }
    let gamma = weight?.scalars ?? [Float](repeating: 1, count: c)
    let beta = bias?.scalars ?? [Float](repeating: 0, count: c)
    let scale = (0..<c).map { gamma[$0] * invStd[$0] }
    let shift = (0..<c).map { beta[$0] - mean[$0] * scale[$0] }
    var out = Tensor(uninitialized: x.shape)
    BatchNormKernels.affine(xc.pointer, scale, nil, [], shift: shift, out.pointer, n: n, c: c, s: s)

    let inputs = [x] + [weight, bias].compactMap { $0 }
    if Tensor.shouldRecord(inputs) {
        let needX = x.requiresGrad, needWeight = weight?.requiresGrad ?? false, needBias = bias?.requiresGrad ?? false
        let hasWeight = weight != nil, hasBias = bias != nil
        let xd = xc.detached()
        out.attach("batchNorm", inputs: inputs) { g in
            let gc = g.contiguous()
            let sumG = BatchNormKernels.reduce(ChannelSum(), gc.pointer, nil, center: [Float](repeating: 0, count: c), n: n, c: c, s: s)
            // Σ ∂y·(x − μ); Σ ∂y·x̂ is this times 1/√(σ² + ε).
            let sumGX = needWeight || (needX && useBatchStatistics)
                ? BatchNormKernels.reduce(ChannelCenteredDot(), xd.pointer, gc.pointer, center: mean, n: n, c: c, s: s) : []
            var dx: Tensor?
            if needX {
                let result = Tensor(uninitialized: xd.shape)
                if useBatchStatistics {
                    // ∂x = scale·∂y + xScale·x + shift, the backward formula expanded per channel.
                    let xScale = (0..<c).map { -scale[$0] * invStd[$0] * invStd[$0] * sumGX[$0] / Float(m) }
                    let dShift = (0..<c).map { -scale[$0] * sumG[$0] / Float(m) - xScale[$0] * mean[$0] }
                    BatchNormKernels.affine(gc.pointer, scale, xd.pointer, xScale, shift: dShift, result.pointer, n: n, c: c, s: s)
                } else {
                    BatchNormKernels.affine(gc.pointer, scale, nil, [], shift: [Float](repeating: 0, count: c), result.pointer, n: n, c: c, s: s)
                }
                dx = result
            }
            var grads: [Tensor?] = [dx]
            if hasWeight { grads.append(needWeight ? Tensor((0..<c).map { sumGX[$0] * invStd[$0] }) : nil) }
            if hasBias { grads.append(needBias ? Tensor(sumG) : nil) }
            return grads
        }
    }
    return out
}

extension Reference {
    /// Batch normalization, composed (Ioffe & Szegedy 2015, "Batch Normalization: Accelerating Deep Network
    /// Training by Reducing Internal Covariate Shift", Algorithm 1; the reference of
    /// ``batchNorm(_:runningMean:runningVar:weight:bias:training:momentum:eps:)``, as
    /// `torch.nn.functional.batch_norm`):
    ///
    ///     μ = mean(x),  σ² = mean((x − μ)²)        over the batch and spatial axes, per channel
    ///     x̂ = (x − μ) / √(σ² + ε),  y = γ·x̂ + β
    ///
    /// In training (or without running statistics) μ and σ² are the batch's, and the running statistics
    /// (when given) become (1 − momentum)·r + momentum·(μ, σ²·M/(M − 1)); otherwise μ and σ² are the
    /// running statistics. Shapes: x [N, C, ...]; weight, bias, runningMean, runningVar [C] → y like x.
    public static func batchNorm(_ x: Tensor, runningMean: Tensor?, runningVar: Tensor?, weight: Tensor? = nil,
                                 bias: Tensor? = nil, training: Bool = false, momentum: Float = 0.1,
                                 eps: Float = 1e-5) -> Tensor {
        let c = x.shape[1]
        let axes = [0] + Array(2..<x.rank)
        let channel = [1, c] + Array(repeating: 1, count: x.rank - 2)   // [C] broadcast along axis 1
        let mean: Tensor, variance: Tensor
        if training || runningMean == nil {
            mean = x.mean(alongAxes: axes, keepDims: true)
            variance = (x - mean).square().mean(alongAxes: axes, keepDims: true)
            if let runningMean, let runningVar {
                let m = Float(x.count / c)
                withNoGrad {
                    runningMean.assign((1 - momentum) * runningMean + momentum * mean.reshaped(to: [c]))
                    runningVar.assign((1 - momentum) * runningVar + momentum * variance.reshaped(to: [c]) * (m / (m - 1)))
                }
            }
        } else {
            mean = runningMean!.reshaped(to: channel)
            variance = runningVar!.reshaped(to: channel)
        }
        var y = (x - mean) / (variance + eps).sqrt()
        if let weight { y = y * weight.reshaped(to: channel) }
        if let bias { y = y + bias.reshaped(to: channel) }
        return y
    }
}
