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
        public var step = 0
        /// s, of the parameter's shape.
        public var sum: Tensor
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

    public override func makeState(for parameter: Tensor) -> State {
        State(sum: .stateBuffer(like: parameter, value: initialAccumulatorValue))
    }

    public override func apply(_ grad: UnsafePointer<Float>, to theta: UnsafeMutablePointer<Float>, count n: Int, state: inout State) {
        let clr = Float(Double(learningRate) / (1 + Double(state.step - 1) * Double(lrDecay)))
        Block.run(AdaGradUpdate(theta: theta, grad: grad, s: state.sum.pointer, clr: clr, wd: weightDecay, eps: eps), count: n)
    }
}

/// g ← ∇θ + λθ; s ← s + g²; θ ← θ − η_t g / (√s + ε).
private struct AdaGradUpdate: BlockKernel {
    let theta: UnsafeMutablePointer<Float>, grad: UnsafePointer<Float>, s: UnsafeMutablePointer<Float>
    let clr: Float, wd: Float, eps: Float

    @inline(__always) func callAsFunction<L: Lanes>(_ i: Int, _ lanes: L) {
        let p = lanes.load(theta + i)
        let g = lanes.load(grad + i) + wd * p
        let sum = lanes.load(s + i) + g * g
        lanes.store(sum, s + i)
        lanes.store(p - clr * g / (SIMDMath.sqrt(sum) + eps), theta + i)
    }
}
