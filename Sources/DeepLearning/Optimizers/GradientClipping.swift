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
    precondition(normType > 0, "clipGradNorm: normType must be > 0, got \(normType)")
    let grads = parameters.compactMap(\.grad)
    var total: Double = 0
    for g in grads {
        g.withUnsafeBufferPointer { b in
            if normType == .infinity {
                for x in b { total = Swift.max(total, Double(Swift.abs(x))) }
            } else if normType == 2 {
                var s: Double = 0
                for x in b { s += Double(x) * Double(x) }
                total += s
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
        for p in parameters { p.mapGradInPlace { $0 * factor } }
    }
    return norm
}

/// Clamps every gradient element of `parameters` to [−clipValue, clipValue], as
/// `torch.nn.utils.clip_grad_value_`.
public func clipGradValue(_ parameters: [Tensor], clipValue: Float) {
    precondition(clipValue >= 0, "clipGradValue: clipValue must be >= 0, got \(clipValue)")
    for p in parameters { p.mapGradInPlace { Swift.min(Swift.max($0, -clipValue), clipValue) } }
}

extension Tensor {
    /// Rewrites this tensor's gradient elementwise, in place when its storage is not shared (a gradient
    /// can share storage with another leaf's, e.g. both inputs of an addition).
    func mapGradInPlace(_ f: (Float) -> Float) {
        guard var g = grad else { return }
        grad = nil
        g.makeUniqueContiguous()
        let p = g.pointer
        for i in 0..<g.count { p[i] = f(p[i]) }
        grad = g
    }
}
