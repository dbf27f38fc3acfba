/// RMSProp: steps scaled by a running average of squared gradients, as `torch.optim.RMSprop`.
///
/// With learning rate η, smoothing α, weight decay λ and momentum μ, each step does
///
///     g ← ∇θ + λθ
///     v ← αv + (1 − α)g²
///     ḡ ← αḡ + (1 − α)g              (centered only)
///     d ← √(v − ḡ²) + ε  (centered)   or   d ← √v + ε
///     b ← μb + g / d,  θ ← θ − ηb    (μ > 0)
///     θ ← θ − η g / d                 (μ = 0)
///
/// State per parameter: `square_avg` (v), `grad_avg` (ḡ, centered), `momentum_buffer` (b, μ > 0), `step`.
public final class RMSProp: StatefulOptimizer<RMSProp.State> {
    /// α.
    public var alpha: Float
    /// ε.
    public var eps: Float
    /// λ.
    public var weightDecay: Float
    /// μ.
    public let momentum: Float
    /// Whether to normalize by the variance estimate v − ḡ² instead of v.
    public let centered: Bool

    /// v, and ḡ and b when used.
    public struct State: OptimizerState {
        /// Updates applied to this parameter so far (PyTorch's `state[p]["step"]`).
        public var step = 0
        /// v, the running average of g².
        public var squareAvg: Tensor
        /// ḡ, the running average of g (centered only).
        public var gradAvg: Tensor?
        /// b (μ > 0 only).
        public var momentumBuffer: Tensor?
        /// The state tensors under PyTorch's names, sharing storage with this state.
        public var buffers: [(name: String, tensor: Tensor)] {
            [("square_avg", squareAvg)] + (momentumBuffer.map { [("momentum_buffer", $0)] } ?? [])
                + (gradAvg.map { [("grad_avg", $0)] } ?? [])
        }
    }

    /// RMSProp over `parameters`, with PyTorch's defaults.
    public init(_ parameters: [Tensor], lr: Float = 0.01, alpha: Float = 0.99, eps: Float = 1e-8, weightDecay: Float = 0,
                momentum: Float = 0, centered: Bool = false) {
        require(alpha >= 0 && eps >= 0 && weightDecay >= 0 && momentum >= 0,
                     "RMSProp: alpha (\(alpha)), eps (\(eps)), weightDecay (\(weightDecay)) and momentum (\(momentum)) must be >= 0")
        self.alpha = alpha
        self.eps = eps
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.centered = centered
        super.init(parameters, learningRate: lr, name: "RMSProp")
    }

    override var appliesConcurrently: Bool { true }

    public override func makeState(for parameter: Tensor) -> State {
        State(squareAvg: .stateBuffer(like: parameter),
              gradAvg: centered ? .stateBuffer(like: parameter) : nil,
              momentumBuffer: momentum > 0 ? .stateBuffer(like: parameter) : nil)
    }

    public override func apply(_ grad: UnsafePointer<Float>, to theta: UnsafeMutablePointer<Float>, count n: Int, state: inout State) {
        let rule = RMSPropRule(eta: learningRate, alpha: alpha, eps: eps, lambda: weightDecay, mu: momentum,
                               centered: state.gradAvg != nil, hasMomentum: state.momentumBuffer != nil)
        UpdateDriver.run(rule, theta: theta, gradient: grad,
                         state: [state.squareAvg.pointer, state.gradAvg?.pointer, state.momentumBuffer?.pointer], count: n)
    }
}

/// RMSProp's update of one block of coordinates (Tieleman & Hinton 2012, "Lecture 6.5 — RMSProp", COURSERA:
/// Neural Networks for Machine Learning; centered: Graves 2013), as `torch.optim.RMSprop`:
///
///     g ← g + λθ
///     v ← αv + (1 − α)g²
///     ḡ ← αḡ + (1 − α)g              (centered only)
///     d ← √(v − ḡ²) + ε  (centered)   or   d ← √v + ε
///     b ← μb + g / d,  θ ← θ − ηb    (μ > 0)
///     θ ← θ − η g / d                 (μ = 0)
struct RMSPropRule: UpdateRule {
    /// v, ḡ (centered) and b (μ > 0).
    struct State: StateVectors {
        var v: V, gAvg: V, b: V
        init(v: V, gAvg: V, b: V) { (self.v, self.gAvg, self.b) = (v, gAvg, b) }
        init(_ s: (V, V, V)) { (v, gAvg, b) = s }
        var vectors: (V, V, V) { (v, gAvg, b) }
    }

    /// η, α, ε, λ, μ.
    let eta: Float, alpha: Float, eps: Float, lambda: Float, mu: Float
    let centered: Bool, hasMomentum: Bool

    @inline(__always) func callAsFunction(_ theta: V, _ g: V, _ s: State) -> (theta: V, state: State) {
        let g = g + lambda * theta
        let v = alpha * s.v + (1 - alpha) * g * g
        // ḡ ← αḡ + (1 − α)g as PyTorch's lerp, centered only: otherwise the slot is not kept, reads as 0 and
        // stays 0 (a weight of 0 rather than a choice between vectors, which would scalarize the loop).
        let gAvg = s.gAvg + (centered ? 1 - alpha : 0) * (g - s.gAvg)
        let d = SIMDMath.sqrt(v - gAvg * gAvg) + eps
        guard hasMomentum else { return (theta - eta * g / d, State(v: v, gAvg: gAvg, b: s.b)) }
        let b = mu * s.b + g / d
        return (theta - eta * b, State(v: v, gAvg: gAvg, b: b))
    }
}

extension Reference {
    /// One RMSProp step on one parameter, composed from tensor ops (Tieleman & Hinton 2012; centered: Graves
    /// 2013); the reference of ``RMSProp``:
    ///
    ///     g ← g + λθ,  v ← αv + (1 − α)g²,  ḡ ← αḡ + (1 − α)g  (centered)
    ///     d ← √(v − ḡ²) + ε  (centered)   or   √v + ε
    ///     b ← μb + g / d,  θ ← θ − ηb  (μ > 0)   or   θ ← θ − η g / d
    ///
    /// `gradAvg` (ḡ) is given for the centered variant, `momentumBuffer` (b) when μ > 0; every tensor has
    /// the parameter's shape; returns the new θ, v, ḡ and b.
    public static func rmsprop(theta: Tensor, gradient: Tensor, squareAvg: Tensor, gradAvg: Tensor? = nil,
                               momentumBuffer: Tensor? = nil, lr: Float, alpha: Float = 0.99, eps: Float = 1e-8,
                               weightDecay: Float = 0, momentum: Float = 0)
        -> (theta: Tensor, squareAvg: Tensor, gradAvg: Tensor?, momentumBuffer: Tensor?) {
        let g = gradient + weightDecay * theta
        let v = alpha * squareAvg + (1 - alpha) * g * g
        let gAvg = gradAvg.map { alpha * $0 + (1 - alpha) * g }
        let d = (gAvg.map { v - $0 * $0 } ?? v).sqrt() + eps
        guard let b0 = momentumBuffer else { return (theta - lr * g / d, v, gAvg, nil) }
        let b = momentum * b0 + g / d
        return (theta - lr * b, v, gAvg, b)
    }
}
