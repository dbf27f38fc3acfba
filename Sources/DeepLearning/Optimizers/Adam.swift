import Foundation

/// Adam: momentum on the gradient and a per-coordinate step size from the running average of its square,
/// both bias-corrected, as `torch.optim.Adam`.
///
/// With learning rate η, decay rates β₁, β₂, weight decay λ (L2, added to the gradient) and step t (from 1):
///
///     g ← ∇θ + λθ
///     m ← β₁m + (1 − β₁)g
///     v ← β₂v + (1 − β₂)g²
///     m̂ ← m / (1 − β₁ᵗ),  v̂ ← v / (1 − β₂ᵗ)
///     v̂ ← max(v̂_max, v̂)              (AMSGrad: the running maximum of v is used)
///     θ ← θ − η m̂ / (√v̂ + ε)
///
/// State per parameter: `exp_avg` (m), `exp_avg_sq` (v), `max_exp_avg_sq` (AMSGrad) and `step`.
/// ``AdamW`` decays the weights directly instead of adding λθ to the gradient.
public class Adam: StatefulOptimizer<Adam.State> {
    /// β₁.
    public var beta1: Float
    /// β₂.
    public var beta2: Float
    /// ε.
    public var eps: Float
    /// λ.
    public var weightDecay: Float
    /// Whether to use the AMSGrad variant.
    public let amsgrad: Bool
    /// Decoupled weight decay (AdamW): θ ← θ(1 − ηλ) before the Adam step, instead of g ← g + λθ.
    let decoupledWeightDecay: Bool

    /// m, v and (AMSGrad) the running maximum of v.
    public struct State: OptimizerState {
        public var step = 0
        /// m, the running average of g.
        public var expAvg: Tensor
        /// v, the running average of g².
        public var expAvgSq: Tensor
        /// The running maximum of v (AMSGrad only).
        public var maxExpAvgSq: Tensor?
        public var buffers: [(name: String, tensor: Tensor)] {
            [("exp_avg", expAvg), ("exp_avg_sq", expAvgSq)] + (maxExpAvgSq.map { [("max_exp_avg_sq", $0)] } ?? [])
        }
    }

    /// Adam over `parameters`, with PyTorch's defaults (`betas` = (β₁, β₂)).
    public convenience init(_ parameters: [Tensor], lr: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999), eps: Float = 1e-8,
                            weightDecay: Float = 0, amsgrad: Bool = false) {
        self.init(parameters, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad,
                  decoupled: false, name: "Adam")
    }

    init(_ parameters: [Tensor], lr: Float, betas: (Float, Float), eps: Float, weightDecay: Float, amsgrad: Bool,
         decoupled: Bool, name: String) {
        require((0..<1).contains(betas.0) && (0..<1).contains(betas.1), "\(name): betas \(betas) must lie in [0, 1)")
        require(eps >= 0 && weightDecay >= 0, "\(name): eps (\(eps)) and weightDecay (\(weightDecay)) must be >= 0")
        beta1 = betas.0
        beta2 = betas.1
        self.eps = eps
        self.weightDecay = weightDecay
        self.amsgrad = amsgrad
        decoupledWeightDecay = decoupled
        super.init(parameters, learningRate: lr, name: name)
    }

    public override func makeState(for parameter: Tensor) -> State {
        State(expAvg: .stateBuffer(like: parameter), expAvgSq: .stateBuffer(like: parameter),
              maxExpAvgSq: amsgrad ? .stateBuffer(like: parameter) : nil)
    }

    public override func apply(_ grad: UnsafePointer<Float>, to theta: UnsafeMutablePointer<Float>, count n: Int, state: inout State) {
        let t = Double(state.step)
        let stepSize = Float(Double(learningRate) / (1 - Foundation.pow(Double(beta1), t)))
        let correction2Sqrt = Float((1 - Foundation.pow(Double(beta2), t)).squareRoot())
        // L2 decay is added to the gradient; decoupled decay scales θ (the factor is 1 when unused).
        let v = state.expAvgSq.pointer
        Block.run(AdamUpdate(theta: theta, grad: grad, m: state.expAvg.pointer, v: v, vMax: state.maxExpAvgSq?.pointer ?? v,
                             amsgrad: state.maxExpAvgSq != nil, stepSize: stepSize, inverseCorrection2Sqrt: 1 / correction2Sqrt,
                             beta2: beta2, oneMinusBeta1: 1 - beta1, oneMinusBeta2: 1 - beta2, eps: eps,
                             l2: decoupledWeightDecay ? 0 : weightDecay,
                             shrink: decoupledWeightDecay ? 1 - learningRate * weightDecay : 1), count: n)
    }
}

/// θ ← θ·shrink; g ← ∇θ + λ₂θ; m ← m + (1 − β₁)(g − m); v ← β₂v + (1 − β₂)g²; v̂ ← max(v̂_max, v) (AMSGrad);
/// θ ← θ − (η / (1 − β₁ᵗ))·m / (√v̂ / √(1 − β₂ᵗ) + ε).
private struct AdamUpdate: BlockKernel {
    /// `vMax` points at `v` without AMSGrad; the flag keeps it untouched.
    let theta: UnsafeMutablePointer<Float>, grad: UnsafePointer<Float>
    let m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>, vMax: UnsafeMutablePointer<Float>
    let amsgrad: Bool
    let stepSize: Float, inverseCorrection2Sqrt: Float, beta2: Float, oneMinusBeta1: Float, oneMinusBeta2: Float, eps: Float
    let l2: Float, shrink: Float

    @inline(__always) func callAsFunction<L: Lanes>(_ i: Int, _ lanes: L) {
        let p = lanes.load(theta + i) * shrink
        let g = lanes.load(grad + i) + l2 * p
        var mNew = lanes.load(m + i)
        mNew += oneMinusBeta1 * (g - mNew)
        lanes.store(mNew, m + i)
        let vNew = lanes.load(v + i) * beta2 + oneMinusBeta2 * g * g
        lanes.store(vNew, v + i)
        var vHat = vNew
        if amsgrad {
            let old = lanes.load(vMax + i)
            vHat = vNew.replacing(with: old, where: old .> vNew)
            lanes.store(vHat, vMax + i)
        }
        // One division per element (the bias correction is a multiplication by its reciprocal).
        lanes.store(p - stepSize * mNew / (SIMDMath.sqrt(vHat) * inverseCorrection2Sqrt + eps), theta + i)
    }
}

/// AdamW: Adam with decoupled weight decay (Loshchilov & Hutter), as `torch.optim.AdamW`.
///
/// The weights decay directly, θ ← θ(1 − ηλ), before the Adam step on the plain gradient (see ``Adam``):
///
///     θ ← θ(1 − ηλ)
///     m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²
///     θ ← θ − η m̂ / (√v̂ + ε)
///
/// State per parameter: `exp_avg`, `exp_avg_sq`, `max_exp_avg_sq` (AMSGrad) and `step`.
public final class AdamW: Adam {
    /// AdamW over `parameters`, with PyTorch's defaults (λ = 0.01).
    public init(_ parameters: [Tensor], lr: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999), eps: Float = 1e-8,
                weightDecay: Float = 0.01, amsgrad: Bool = false) {
        super.init(parameters, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad,
                   decoupled: true, name: "AdamW")
    }
}
