/// AdaGrad: a per-coordinate step size that shrinks with the sum of squared gradients, as `torch.optim.Adagrad`.
///
/// With learning rate η, learning-rate decay δ, weight decay λ and step t (from 1), each step does
///
///     g ← ∇θ + λθ
///     η_t ← η / (1 + (t − 1)δ)
///     s ← s + g²                     (s starts at `initialAccumulatorValue`)
///     θ ← θ − η_t g / (√s + ε)
///
/// State per parameter: `sum` (s) and `step`.
public final class AdaGrad: StatefulOptimizer<AdaGrad.State> {
    /// δ.
    public var lrDecay: Float
    /// λ.
    public var weightDecay: Float
    /// Initial value of the accumulator s.
    public let initialAccumulatorValue: Float
    /// ε.
    public var eps: Float

    /// The sum of squared gradients s.
    public struct State: OptimizerState {
        /// Updates applied to this parameter so far (PyTorch's `state[p]["step"]`).
        public var step = 0
        /// s, of the parameter's shape.
        public var sum: Tensor
        /// The state tensors under PyTorch's names, sharing storage with this state.
        public var buffers: [(name: String, tensor: Tensor)] { [("sum", sum)] }
    }

    /// AdaGrad over `parameters`, with PyTorch's defaults.
    public init(_ parameters: [Tensor], lr: Float = 0.01, lrDecay: Float = 0, weightDecay: Float = 0,
                initialAccumulatorValue: Float = 0, eps: Float = 1e-10) {
        require(lrDecay >= 0 && weightDecay >= 0 && initialAccumulatorValue >= 0 && eps >= 0,
                     "AdaGrad: lrDecay (\(lrDecay)), weightDecay (\(weightDecay)), initialAccumulatorValue (\(initialAccumulatorValue)) and eps (\(eps)) must be >= 0")
        self.lrDecay = lrDecay
        self.weightDecay = weightDecay
        self.initialAccumulatorValue = initialAccumulatorValue
        self.eps = eps
        super.init(parameters, learningRate: lr, name: "AdaGrad")
    }

    override var appliesConcurrently: Bool { true }

    public override func makeState(for parameter: Tensor) -> State {
        State(sum: .stateBuffer(like: parameter, value: initialAccumulatorValue))
    }

    public override func apply(_ grad: UnsafePointer<Float>, to theta: UnsafeMutablePointer<Float>, count n: Int, state: inout State) {
        let decayedRate = Float(Double(learningRate) / (1 + Double(state.step - 1) * Double(lrDecay)))
        UpdateDriver.run(AdaGradRule(eta: decayedRate, lambda: weightDecay, eps: eps), theta: theta, gradient: grad,
                         state: [state.sum.pointer], count: n)
    }
}

/// AdaGrad's update of one block of coordinates (Duchi, Hazan & Singer 2011, "Adaptive Subgradient Methods
/// for Online Learning and Stochastic Optimization", diagonal form), as `torch.optim.Adagrad`:
///
///     g ← g + λθ
///     s ← s + g²
///     θ ← θ − η_t g / (√s + ε),   η_t = η / (1 + (t − 1)δ)
struct AdaGradRule: UpdateRule {
    /// s, the sum of squared gradients.
    struct State: StateVectors {
        var s: V
        init(s: V) { self.s = s }
        init(_ v: (V, V, V)) { s = v.0 }
        var vectors: (V, V, V) { (s, .zero, .zero) }
    }

    /// η_t (the decayed learning rate of this step), λ, ε.
    let eta: Float, lambda: Float, eps: Float

    @inline(__always) func callAsFunction(_ theta: V, _ g: V, _ state: State) -> (theta: V, state: State) {
        let g = g + lambda * theta
        let s = state.s + g * g
        return (theta - eta * g / (SIMDMath.sqrt(s) + eps), State(s: s))
    }
}

extension Reference {
    /// One AdaGrad step on one parameter, composed from tensor ops (Duchi, Hazan & Singer 2011); the
    /// reference of ``AdaGrad``:
    ///
    ///     g ← g + λθ,  s ← s + g²,  θ ← θ − η_t g / (√s + ε),  η_t = η / (1 + (t − 1)δ)
    ///
    /// `step` is t, from 1; every tensor has the parameter's shape; returns the new θ and s.
    public static func adagrad(theta: Tensor, gradient: Tensor, sum: Tensor, step t: Int, lr: Float, lrDecay: Float = 0,
                               weightDecay: Float = 0, eps: Float = 1e-10) -> (theta: Tensor, sum: Tensor) {
        let g = gradient + weightDecay * theta
        let s = sum + g * g
        let eta = lr / (1 + Float(t - 1) * lrDecay)
        return (theta - eta * g / (s.sqrt() + eps), s)
    }
}
