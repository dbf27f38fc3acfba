/// The result of comparing analytic gradients with finite differences.
public struct GradCheckResult: CustomStringConvertible {
    /// Largest |analytic − numeric| / (atol + rtol·|numeric|) over all checked elements; ≤ 1 passes.
    public let worstRatio: Float
    /// Where the worst element is: input index, element index, analytic and numeric values.
    public let worst: (input: Int, element: Int, analytic: Float, numeric: Float)
    /// True when every element is within tolerance.
    public var passed: Bool { worstRatio <= 1 }
    /// One line: passed or FAILED, with the worst element's input, index, analytic and numeric values.
    public var description: String {
        "gradcheck \(passed ? "passed" : "FAILED"): input \(worst.input) element \(worst.element): analytic \(worst.analytic), numeric \(worst.numeric)"
    }
}

/// Checks the gradients of `f` at `inputs` against central finite differences.
///
/// The scalar checked is Σ f(x) ⊙ r for a fixed random r, so every output element contributes. Each
/// element of each input is perturbed by ±`eps`; numeric = (L(x + eps) − L(x − eps)) / 2eps. Float32
/// arithmetic limits the accuracy of the numeric side, hence the default tolerances.
public func gradcheck(_ inputs: [Tensor], eps: Float = 1e-2, atol: Float = 1e-2, rtol: Float = 1e-2, seed: UInt64 = 7,
                      _ f: ([Tensor]) -> Tensor) -> GradCheckResult {
    let leaves = inputs.map { Tensor(copying: $0).requiringGrad() }
    let out = f(leaves)
    let r = Tensor.randn(out.shape, seed: seed)
    (out * r).sum().backward()
    var worstRatio: Float = 0
    var worst = (input: 0, element: 0, analytic: Float(0), numeric: Float(0))
    for (i, leaf) in leaves.enumerated() {
        let analytic = leaf.grad.map { $0.scalars } ?? [Float](repeating: 0, count: leaf.count)
        for e in 0..<leaf.count {
            func loss(_ delta: Float) -> Double {
                let values = leaves.map { Tensor(copying: $0) }
                values[i].storage.base[e] += delta
                return withNoGrad { Double((f(values) * r).sum().item) }
            }
            let numeric = Float((loss(eps) - loss(-eps)) / Double(2 * eps))
            let ratio = Swift.abs(analytic[e] - numeric) / (atol + rtol * Swift.abs(numeric))
            if ratio > worstRatio || !ratio.isFinite {
                worstRatio = ratio.isFinite ? ratio : .infinity
                worst = (i, e, analytic[e], numeric)
            }
        }
    }
    return GradCheckResult(worstRatio: worstRatio, worst: worst)
}
