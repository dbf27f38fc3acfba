/// Row kernels of layer normalization (the op is `layerNorm` in Ops/LayerNormalization.swift) on raw
/// buffers: one row of n features at a time, vectors of ``FloatVector`` with a scalar tail. Every pointer is
/// raw, so the loops touch no reference count (reading `Tensor.pointer` per element retained and released
/// the storage: half of the op's time, 10% of a Transformer training step).
enum LayerNormKernels {
    typealias V = FloatVector
    static let w = V.scalarCount

    /// y = (x − μ)/√(σ² + ε) ⊙ γ + β over one row (γ, β optional); returns μ and 1/√(σ² + ε). μ first, then
    /// σ² = mean((x − μ)²) from the centred values (written to y, then overwritten): two passes, not
    /// E[x²] − μ², which cancels for rows with a large mean.
    @inline(__always)
    static func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int,
                        gamma: UnsafePointer<Float>?, beta: UnsafePointer<Float>?, eps: Float) -> (mean: Float, invStd: Float) {
        let mu = Loops.reduce(SumKernel.self, x, n) / Float(n)
        let muV = V(repeating: mu)
        var j = 0
        while j + w <= n { (V.load(x + j) - muV).store(y + j); j += w }
        while j < n { y[j] = x[j] - mu; j += 1 }
        let inv = 1 / (RowMath.dot(y, y, n) / Float(n) + eps).squareRoot()
        let invV = V(repeating: inv)
        j = 0
        while j + w <= n {
            var v = V.load(y + j) * invV
            if let gamma { v *= V.load(gamma + j) }
            if let beta { v += V.load(beta + j) }
            v.store(y + j)
            j += w
        }
        while j < n {
            var v = y[j] * inv
            if let gamma { v *= gamma[j] }
            if let beta { v += beta[j] }
            y[j] = v
            j += 1
        }
        return (mu, inv)
    }

    /// Backward of one row, with x̂ = (x − μ)·inv recomputed: ∂γ += ∂y ⊙ x̂ and ∂β += ∂y (when given), and
    /// ∂x = inv · (γ∂y − mean(γ∂y) − x̂ · mean(γ∂y ⊙ x̂)) (when given).
    @inline(__always)
    static func backward(_ x: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ n: Int, mean mu: Float, invStd inv: Float,
                         gamma: UnsafePointer<Float>?, dGamma: UnsafeMutablePointer<Float>?, dBeta: UnsafeMutablePointer<Float>?,
                         dx: UnsafeMutablePointer<Float>?) {
        let muV = V(repeating: mu), invV = V(repeating: inv)
        // Pass 1: the parameter gradients and the two row means.
        var sg = V(repeating: 0), sgx = V(repeating: 0)
        var tailG: Float = 0, tailGX: Float = 0
        var j = 0
        while j + w <= n {
            let xhat = (V.load(x + j) - muV) * invV, gr = V.load(g + j)
            if let dGamma { V.multiplyAdd(gr, xhat, V.load(dGamma + j)).store(dGamma + j) }
            if let dBeta { (V.load(dBeta + j) + gr).store(dBeta + j) }
            let gg = gamma.map { gr * V.load($0 + j) } ?? gr
            sg += gg
            sgx = .multiplyAdd(gg, xhat, sgx)
            j += w
        }
        while j < n {
            let xhat = (x[j] - mu) * inv, gr = g[j]
            dGamma?[j] += gr * xhat
            dBeta?[j] += gr
            let gg = gr * (gamma?[j] ?? 1)
            tailG += gg
            tailGX += gg * xhat
            j += 1
        }
        guard let dx else { return }
        let meanG = (Loops.horizontal(SumKernel.self, sg) + tailG) / Float(n), meanGX = (Loops.horizontal(SumKernel.self, sgx) + tailGX) / Float(n)
        // Pass 2: ∂x.
        let meanGV = V(repeating: meanG), meanGXV = V(repeating: meanGX)
        j = 0
        while j + w <= n {
            let xhat = (V.load(x + j) - muV) * invV, gr = V.load(g + j)
            let gg = gamma.map { gr * V.load($0 + j) } ?? gr
            (invV * (gg - meanGV - xhat * meanGXV)).store(dx + j)
            j += w
        }
        while j < n {
            let xhat = (x[j] - mu) * inv
            let gg = g[j] * (gamma?[j] ?? 1)
            dx[j] = inv * (gg - meanG - xhat * meanGX)
            j += 1
        }
    }
}
