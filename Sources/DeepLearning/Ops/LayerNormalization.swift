// Layer normalization as one fused op: per row two passes for the statistics and one for the output; in
// backward two row reductions and one pass for ∂x, with ∂γ and ∂β summed per core then added (the composed
// version, kept below as the reference, takes a dozen broadcast ops).

/// Layer normalization, as `torch.nn.functional.layer_norm` (Ba, Kiros and Hinton, "Layer Normalization", 2016).
///
/// Over the last dimensions (those of `normalizedShape`, D values per row):
/// μ = (1/D) Σ x,  σ² = (1/D) Σ (x − μ)²,  x̂ = (x − μ)/√(σ² + ε),  y = γ ⊙ x̂ + β.
/// Shapes: x [..., normalizedShape], weight γ and bias β of shape `normalizedShape` (optional) → y like x.
/// Backward: ∂x = (1/√(σ² + ε)) · (γ∂y − mean(γ∂y) − x̂ · mean(γ∂y ⊙ x̂)), ∂γ = Σ_rows ∂y ⊙ x̂, ∂β = Σ_rows ∂y.
public func layerNorm(_ x: Tensor, normalizedShape: [Int], weight: Tensor? = nil, bias: Tensor? = nil, eps: Float = 1e-5) -> Tensor {
    let d = LayerNormShapes(x, normalizedShape: normalizedShape, weight: weight, bias: bias)
    let (rows, n) = (d.rows, d.features)
    let xc = withNoGrad { x.contiguous() }
    let gammaT = weight.map { w in withNoGrad { w.contiguous() } }, betaT = bias.map { b in withNoGrad { b.contiguous() } }
    let mean = Tensor(uninitialized: [rows]), invStd = Tensor(uninitialized: [rows])
    var out = Tensor(uninitialized: x.shape)
    let src = UnsafePointer(xc.pointer), dst = out.pointer, means = mean.pointer, invStds = invStd.pointer
    let gamma = gammaT.map { UnsafePointer($0.pointer) }, beta = betaT.map { UnsafePointer($0.pointer) }
    withExtendedLifetime((xc, gammaT, betaT, mean, invStd)) {
        Parallel.forEach(rows, costPerItem: n * 4) { range in
            for r in range {
                (means[r], invStds[r]) = LayerNormKernels.forward(src + r * n, dst + r * n, n, gamma: gamma, beta: beta, eps: eps)
            }
        }
    }
    let inputs = [x] + [weight, bias].compactMap { $0 }
    if Tensor.shouldRecord(inputs) {
        let needX = x.requiresGrad, needWeight = weight?.requiresGrad ?? false, needBias = bias?.requiresGrad ?? false
        let hasWeight = weight != nil, hasBias = bias != nil
        out.attach("layerNorm", inputs: inputs) { g in
            let gc = g.contiguous()
            let dx = needX ? Tensor(uninitialized: x.shape) : nil
            // Rows in one block per core; each block sums its own ∂γ and ∂β, added together afterwards.
            let blocks = Swift.max(1, Swift.min(Parallel.threadCount, rows * n / 32_768, rows))
            let partial = Tensor.zeros([blocks, 2, n])
            let src = UnsafePointer(xc.pointer), grad = UnsafePointer(gc.pointer), partialSums = partial.pointer
            let means = UnsafePointer(mean.pointer), invStds = UnsafePointer(invStd.pointer)
            let gamma = gammaT.map { UnsafePointer($0.pointer) }, dxp = dx?.pointer
            withExtendedLifetime((xc, gc, gammaT, mean, invStd)) {
                Parallel.forEach(blocks, costPerItem: 1 << 20) { range in
                    for block in range {
                        let dGamma = partialSums + block * 2 * n, dBeta = dGamma + n
                        for r in (rows * block / blocks)..<(rows * (block + 1) / blocks) {
                            LayerNormKernels.backward(src + r * n, grad + r * n, n, mean: means[r], invStd: invStds[r], gamma: gamma,
                                                      dGamma: needWeight ? dGamma : nil, dBeta: needBias ? dBeta : nil,
                                                      dx: dxp.map { $0 + r * n })
                        }
                    }
                }
            }
            var grads: [Tensor?] = [dx]
            let sums = needWeight || needBias ? partial.sum(alongAxis: 0) : nil
            if hasWeight { grads.append(needWeight ? sums![0].reshaped(to: normalizedShape) : nil) }
            if hasBias { grads.append(needBias ? sums![1].reshaped(to: normalizedShape) : nil) }
            return grads
        }
    }
    return out
}

/// Layer normalization written with the public ops (mean, variance, broadcasting): the reference of
/// ``layerNorm(_:normalizedShape:weight:bias:eps:)``, same arguments and result.
public func layerNormComposed(_ x: Tensor, normalizedShape: [Int], weight: Tensor? = nil, bias: Tensor? = nil, eps: Float = 1e-5) -> Tensor {
    _ = LayerNormShapes(x, normalizedShape: normalizedShape, weight: weight, bias: bias)
    let axes = Array((x.rank - normalizedShape.count)..<x.rank)
    let centered = x - x.mean(alongAxes: axes, keepDims: true)
    var y = centered / (centered.square().mean(alongAxes: axes, keepDims: true) + eps).sqrt()
    if let weight { y = y * weight }
    if let bias { y = y + bias }
    return y
}

/// Checked shapes of a layer-norm call: rows × features.
struct LayerNormShapes {
    let rows: Int, features: Int

    init(_ x: Tensor, normalizedShape: [Int], weight: Tensor?, bias: Tensor?) {
        require(!normalizedShape.isEmpty && x.rank >= normalizedShape.count && Array(x.shape.suffix(normalizedShape.count)) == normalizedShape,
                "layerNorm: input of shape \(x.shape) does not end with the normalized shape \(normalizedShape)")
        if let weight { require(weight.shape == normalizedShape, "layerNorm: weight of shape \(weight.shape), expected \(normalizedShape)") }
        if let bias { require(bias.shape == normalizedShape, "layerNorm: bias of shape \(bias.shape), expected \(normalizedShape)") }
        features = normalizedShape.reduce(1, *)
        rows = features == 0 ? 0 : x.count / features
    }
}
