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
        public var step = 0
        /// b, of the parameter's shape (nil when μ = 0).
        public var momentumBuffer: Tensor?
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

    public override func makeState(for parameter: Tensor) -> State {
        State(momentumBuffer: momentum != 0 ? .stateBuffer(like: parameter) : nil)
    }

    public override func apply(_ grad: UnsafePointer<Float>, to theta: UnsafeMutablePointer<Float>, count n: Int, state: inout State) {
        if let buffer = state.momentumBuffer {
            Block.run(SGDMomentumUpdate(theta: theta, grad: grad, b: buffer.pointer, lr: learningRate, mu: momentum,
                                        damp: 1 - dampening, wd: weightDecay, first: state.step == 1, nesterov: nesterov), count: n)
        } else {
            Block.run(SGDUpdate(theta: theta, grad: grad, lr: learningRate, wd: weightDecay), count: n)
        }
    }
}

/// θ ← θ − η(g + λθ).
private struct SGDUpdate: BlockKernel {
    let theta: UnsafeMutablePointer<Float>, grad: UnsafePointer<Float>
    let lr: Float, wd: Float

    @inline(__always) func callAsFunction<L: Lanes>(_ i: Int, _ lanes: L) {
        let p = lanes.load(theta + i)
        lanes.store(p - lr * (lanes.load(grad + i) + wd * p), theta + i)
    }
}

/// g ← ∇θ + λθ; b ← g (first step) or μb + (1 − τ)g; θ ← θ − η(g + μb or b).
private struct SGDMomentumUpdate: BlockKernel {
    let theta: UnsafeMutablePointer<Float>, grad: UnsafePointer<Float>, b: UnsafeMutablePointer<Float>
    let lr: Float, mu: Float, damp: Float, wd: Float, first: Bool, nesterov: Bool

    @inline(__always) func callAsFunction<L: Lanes>(_ i: Int, _ lanes: L) {
        let p = lanes.load(theta + i)
        let g = lanes.load(grad + i) + wd * p
        let bNew = first ? g : mu * lanes.load(b + i) + damp * g
        lanes.store(bNew, b + i)
        lanes.store(p - lr * (nesterov ? g + mu * bNew : bNew), theta + i)
    }
}
