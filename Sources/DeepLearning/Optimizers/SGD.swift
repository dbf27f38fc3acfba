/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and (L2) weight decay,
/// as `torch.optim.SGD`.
///
/// With learning rate η, momentum μ, dampening τ and weight decay λ, each step does
///
///     g ← ∇θ + λθ
///     b ← g                          on the first step (μ ≠ 0)
///     b ← μb + (1 − τ)g              afterwards
///     g ← g + μb  (Nesterov)   or   g ← b
///     θ ← θ − ηg
///
/// State per parameter: `momentum_buffer` (when μ ≠ 0) and `step`.
public final class SGD: StatefulOptimizer<SGD.State> {
    /// μ.
    public var momentum: Float
    /// τ.
    public var dampening: Float
    /// λ.
    public var weightDecay: Float
    /// Whether to use Nesterov momentum (needs μ > 0 and τ = 0).
    public var nesterov: Bool

    /// The momentum buffer b (when μ ≠ 0).
    public struct State: OptimizerState {
        /// Updates applied to this parameter so far (PyTorch's `state[p]["step"]`).
        public var step = 0
        /// b, of the parameter's shape (nil when μ = 0).
        public var momentumBuffer: Tensor?
        /// The state tensors under PyTorch's names, sharing storage with this state.
        public var buffers: [(name: String, tensor: Tensor)] { momentumBuffer.map { [("momentum_buffer", $0)] } ?? [] }
    }

    /// SGD over `parameters` with learning rate η = `lr`; PyTorch's defaults for the rest.
    public init(_ parameters: [Tensor], lr: Float, momentum: Float = 0, dampening: Float = 0, weightDecay: Float = 0,
                nesterov: Bool = false) {
        require(momentum >= 0 && weightDecay >= 0, "SGD: momentum (\(momentum)) and weightDecay (\(weightDecay)) must be >= 0")
        require(!nesterov || (momentum > 0 && dampening == 0), "SGD: Nesterov momentum requires momentum > 0 and dampening = 0")
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        super.init(parameters, learningRate: lr, name: "SGD")
    }

    override var appliesConcurrently: Bool { true }

    public override func makeState(for parameter: Tensor) -> State {
        State(momentumBuffer: momentum != 0 ? .stateBuffer(like: parameter) : nil)
    }

    public override func apply(_ grad: UnsafePointer<Float>, to theta: UnsafeMutablePointer<Float>, count n: Int, state: inout State) {
        let rule = SGDRule(eta: learningRate, mu: momentum, dampening: dampening, lambda: weightDecay, nesterov: nesterov,
                           hasMomentum: state.momentumBuffer != nil, first: state.step == 1)
        UpdateDriver.run(rule, theta: theta, gradient: grad, state: [state.momentumBuffer?.pointer], count: n)
    }
}

/// SGD's update of one block of coordinates, with momentum as PyTorch's `torch.optim.SGD` writes it
/// (Sutskever et al. 2013, "On the importance of initialization and momentum in deep learning", with the
/// learning rate outside the buffer; Nesterov as in PyTorch's SGD):
///
///     g ← g + λθ
///     b ← g                      on the first step      (μ ≠ 0)
///     b ← μb + (1 − τ)g          afterwards
///     g ← g + μb  (Nesterov)   or   g ← b
///     θ ← θ − ηg
struct SGDRule: UpdateRule {
    /// b, the momentum buffer (μ ≠ 0).
    struct State: StateVectors {
        var b: V
        init(b: V) { self.b = b }
        init(_ s: (V, V, V)) { b = s.0 }
        var vectors: (V, V, V) { (b, .zero, .zero) }
    }

    /// η, μ, τ, λ.
    let eta: Float, mu: Float, dampening: Float, lambda: Float
    let nesterov: Bool, hasMomentum: Bool
    /// Whether this is the buffer's first step (b ← g).
    let first: Bool

    @inline(__always) func callAsFunction(_ theta: V, _ g: V, _ s: State) -> (theta: V, state: State) {
        let g = g + lambda * theta
        guard hasMomentum else { return (theta - eta * g, s) }
        // b ← μb + (1 − τ)g, and b ← g on the first step: the choice is made on the two scalars (a choice
        // between two vectors here made LLVM scalarize the loop: 3× slower, measured).
        let (decay, gain) = first ? (Float(0), Float(1)) : (mu, 1 - dampening)
        let b = decay * s.b + gain * g
        return (theta - eta * (nesterov ? g + mu * b : b), State(b: b))
    }
}

extension Reference {
    /// One SGD step on one parameter, composed from tensor ops (momentum as PyTorch's `torch.optim.SGD`,
    /// after Sutskever et al. 2013); the reference of ``SGD``:
    ///
    ///     g ← g + λθ
    ///     b ← g (no buffer yet)   or   b ← μb + (1 − τ)g
    ///     g ← g + μb  (Nesterov)   or   g ← b              (μ ≠ 0)
    ///     θ ← θ − ηg
    ///
    /// `momentumBuffer` is b (nil before the first step); every tensor has the parameter's shape; returns
    /// the new θ and b (nil when μ = 0).
    public static func sgd(theta: Tensor, gradient: Tensor, momentumBuffer: Tensor?, lr: Float, momentum: Float = 0,
                           dampening: Float = 0, weightDecay: Float = 0, nesterov: Bool = false)
        -> (theta: Tensor, momentumBuffer: Tensor?) {
        var g = gradient + weightDecay * theta
        guard momentum != 0 else { return (theta - lr * g, nil) }
        let b = momentumBuffer.map { momentum * $0 + (1 - dampening) * g } ?? g
        g = nesterov ? g + momentum * b : b
        return (theta - lr * g, b)
    }
}
