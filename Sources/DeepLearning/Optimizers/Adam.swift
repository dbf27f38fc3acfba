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
        /// Updates applied to this parameter so far (PyTorch's `state[p]["step"]`).
        public var step = 0
        /// m, the running average of g.
        public var expAvg: Tensor
        /// v, the running average of g².
        public var expAvgSq: Tensor
        /// The running maximum of v (AMSGrad only).
        public var maxExpAvgSq: Tensor?
        /// The state tensors under PyTorch's names, sharing storage with this state.
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

    override var appliesConcurrently: Bool { true }

    public override func makeState(for parameter: Tensor) -> State {
        State(expAvg: .stateBuffer(like: parameter), expAvgSq: .stateBuffer(like: parameter),
              maxExpAvgSq: amsgrad ? .stateBuffer(like: parameter) : nil)
    }

    public override func apply(_ grad: UnsafePointer<Float>, to theta: UnsafeMutablePointer<Float>, count n: Int, state: inout State) {
        UpdateDriver.run(rule(step: state.step), theta: theta, gradient: grad,
                         state: [state.expAvg.pointer, state.expAvgSq.pointer, state.maxExpAvgSq?.pointer], count: n)
    }

    /// The update of step t (from 1), with this step's learning rate and bias corrections.
    func rule(step t: Int) -> AdamRule {
        let t = Double(t)
        return AdamRule(beta1: beta1, beta2: beta2, eps: eps,
                        stepSize: Float(Double(learningRate) / (1 - Foundation.pow(Double(beta1), t))),
                        sqrtCorrection2: Float((1 - Foundation.pow(Double(beta2), t)).squareRoot()),
                        l2: decoupledWeightDecay ? 0 : weightDecay,
                        decay: decoupledWeightDecay ? learningRate * weightDecay : 0)
    }
}

/// Adam's update of one block of coordinates (Kingma & Ba 2015, "Adam: A Method for Stochastic
/// Optimization", Algorithm 1; AMSGrad: Reddi et al. 2018; decoupled decay: Loshchilov & Hutter 2019), as
/// `torch.optim.Adam` and `AdamW` compute it:
///
///     θ ← θ(1 − ηλ)                           (AdamW only)
///     g ← g + λθ                              (Adam's L2 decay only)
///     m ← β₁m + (1 − β₁)g
///     v ← β₂v + (1 − β₂)g²
///     v_max ← max(v_max, v)                   (AMSGrad; v̂ then uses v_max)
///     m̂ ← m / (1 − β₁ᵗ),  v̂ ← v / (1 − β₂ᵗ)
///     θ ← θ − η m̂ / (√v̂ + ε)
struct AdamRule: UpdateRule {
    /// m, v and (AMSGrad) v_max.
    struct State: StateVectors {
        var m: V, v: V, vMax: V
        init(m: V, v: V, vMax: V) { (self.m, self.v, self.vMax) = (m, v, vMax) }
        init(_ s: (V, V, V)) { (m, v, vMax) = s }
        var vectors: (V, V, V) { (m, v, vMax) }
    }

    /// β₁, β₂, ε; η / (1 − β₁ᵗ) and √(1 − β₂ᵗ) of this step (computed in double precision).
    let beta1: Float, beta2: Float, eps: Float, stepSize: Float, sqrtCorrection2: Float
    /// λ of L2 decay (Adam) and ηλ of decoupled decay (AdamW); one of them is 0.
    let l2: Float, decay: Float

    @inline(__always) func callAsFunction(_ theta: V, _ g: V, _ s: State) -> (theta: V, state: State) {
        let theta = theta * (1 - decay)
        let g = g + l2 * theta
        let m = s.m + (1 - beta1) * (g - s.m)       // β₁m + (1 − β₁)g, as PyTorch's lerp
        let v = beta2 * s.v + (1 - beta2) * g * g
        // AMSGrad: v̂ uses max(v_max, v). Without AMSGrad the slot is not kept and reads as 0 ≤ v, so the same
        // line gives v (no choice between vectors, which would scalarize the loop).
        let vMax = v.replacing(with: s.vMax, where: s.vMax .> v)
        // η m̂ / (√v̂ + ε) = (η / (1 − β₁ᵗ))·m / (√v / √(1 − β₂ᵗ) + ε): one division per coordinate.
        let step = stepSize * m / (SIMDMath.sqrt(vMax) * (1 / sqrtCorrection2) + eps)
        return (theta - step, State(m: m, v: v, vMax: vMax))
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

extension Reference {
    /// One Adam step on one parameter, composed from tensor ops (Kingma & Ba 2015, Algorithm 1; AMSGrad:
    /// Reddi et al. 2018; `decoupled`: AdamW, Loshchilov & Hutter 2019), as PyTorch's
    /// `_single_tensor_adam`; the reference of ``Adam`` and ``AdamW``:
    ///
    ///     θ ← θ(1 − ηλ)  (decoupled)   or   g ← g + λθ
    ///     m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²,  v_max ← max(v_max, v)  (AMSGrad)
    ///     m̂ ← m / (1 − β₁ᵗ),  v̂ ← v / (1 − β₂ᵗ)
    ///     θ ← θ − η m̂ / (√v̂ + ε)
    ///
    /// `step` is t, from 1; every tensor has the parameter's shape; returns the new θ, m, v and v_max.
    public static func adam(theta: Tensor, gradient: Tensor, m: Tensor, v: Tensor, vMax: Tensor? = nil, step t: Int,
                            lr: Float, betas: (Float, Float) = (0.9, 0.999), eps: Float = 1e-8, weightDecay: Float = 0,
                            decoupled: Bool = false) -> (theta: Tensor, m: Tensor, v: Tensor, vMax: Tensor?) {
        let (beta1, beta2) = betas
        let theta = decoupled ? theta * (1 - lr * weightDecay) : theta
        let g = decoupled ? gradient : gradient + weightDecay * theta
        let m = beta1 * m + (1 - beta1) * g
        let v = beta2 * v + (1 - beta2) * g * g
        let vMax = vMax.map { Tensor.maximum($0, v) }
        let mHat = m / (1 - Foundation.pow(beta1, Float(t)))
        let vHat = (vMax ?? v) / (1 - Foundation.pow(beta2, Float(t)))
        return (theta - lr * mHat / (vHat.sqrt() + eps), m, v, vMax)
    }
}
