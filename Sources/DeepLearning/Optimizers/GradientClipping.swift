import Foundation

/// Scales the gradients of `parameters` together so that their total norm is at most `maxNorm`, as
/// `torch.nn.utils.clip_grad_norm_`, and returns the total norm before clipping.
///
///     ‖g‖ = (Σ_p Σ_i |g_{p,i}|^q)^{1/q}      (q = `normType`; q = ∞: max |g_{p,i}|)
///     g ← g · maxNorm / (‖g‖ + 10⁻⁶)          when that factor is below 1
///
/// Parameters without a gradient are ignored. Call between `backward()` and `optimizer.step()`.
@discardableResult
public func clipGradNorm(_ parameters: [Tensor], maxNorm: Float, normType: Float = 2) -> Float {
    require(normType > 0, "clipGradNorm: normType must be > 0, got \(normType)")
    let grads = parameters.compactMap(\.grad)
    var total: Double = 0
    for g in grads {
        g.withUnsafeBufferPointer { b in
            let p = b.baseAddress!, n = b.count
            if normType == .infinity {
                for x in b { total = Swift.max(total, Double(Swift.abs(x))) }
            } else if normType == 2 {
                total += sumOfSquares(p, n)
            } else {
                let q = Double(normType)
                for x in b { total += Foundation.pow(Double(Swift.abs(x)), q) }
            }
        }
    }
    if normType != .infinity { total = Foundation.pow(total, 1 / Double(normType)) }
    let norm = Float(total)
    let factor = maxNorm / (norm + 1e-6)
    if factor < 1 {
        for p in parameters { p.mapGradInPlace(MulByScalarKernel(factor: factor)) }
    }
    return norm
}

/// Clamps every gradient element of `parameters` to [−clipValue, clipValue], as
/// `torch.nn.utils.clip_grad_value_`.
public func clipGradValue(_ parameters: [Tensor], clipValue: Float) {
    require(clipValue >= 0, "clipGradValue: clipValue must be >= 0, got \(clipValue)")
    for p in parameters { p.mapGradInPlace(ClampKernel(lo: -clipValue, hi: clipValue)) }
}

extension Tensor {
    /// Rewrites this tensor's gradient elementwise, in place when its storage is not shared (a gradient
    /// can share storage with another leaf's, e.g. both inputs of an addition).
    func mapGradInPlace<K: UnaryKernel>(_ kernel: K) {
        guard var g = grad else { return }
        grad = nil
        g.makeUniqueContiguous()
        Loops.map(kernel, g.pointer, g.pointer, g.count)
        grad = g
    }
}

private struct MulByScalarKernel: UnaryKernel {
    let factor: Float
    @inline(__always) func apply(_ x: FloatVector) -> FloatVector { x * factor }
}

/// Σ x², vectorized with four accumulators, summed in Double per 4096-element block.
private func sumOfSquares(_ p: UnsafePointer<Float>, _ n: Int) -> Double {
    var total: Double = 0
    var start = 0
    while start < n {
        let end = Swift.min(n, start + 4096)
        let w = FloatVector.scalarCount
        var a0 = FloatVector(), a1 = a0, a2 = a0, a3 = a0
        var i = start
        while i + 4 * w <= end {
            let x0 = FloatVector.load(p + i), x1 = FloatVector.load(p + i + w)
            let x2 = FloatVector.load(p + i + 2 * w), x3 = FloatVector.load(p + i + 3 * w)
            a0 += x0 * x0; a1 += x1 * x1; a2 += x2 * x2; a3 += x3 * x3
            i += 4 * w
        }
        var block = Double(((a0 + a1) + (a2 + a3)).sum())
        while i < end { block += Double(p[i]) * Double(p[i]); i += 1 }
        total += block
        start = end
    }
    return total
}
