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
        public var step = 0
        /// v, the running average of g².
        public var squareAvg: Tensor
        /// ḡ, the running average of g (centered only).
        public var gradAvg: Tensor?
        /// b (μ > 0 only).
        public var momentumBuffer: Tensor?
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

    public override func makeState(for parameter: Tensor) -> State {
        State(squareAvg: .stateBuffer(like: parameter),
              gradAvg: centered ? .stateBuffer(like: parameter) : nil,
              momentumBuffer: momentum > 0 ? .stateBuffer(like: parameter) : nil)
    }

    public override func apply(_ grad: UnsafePointer<Float>, to theta: UnsafeMutablePointer<Float>, count n: Int, state: inout State) {
        let v = state.squareAvg.pointer
        Block.run(RMSPropUpdate(theta: theta, grad: grad, v: v, gAvg: state.gradAvg?.pointer ?? v, b: state.momentumBuffer?.pointer ?? v,
                                centered: state.gradAvg != nil, useMomentum: state.momentumBuffer != nil, lr: learningRate,
                                alpha: alpha, oneMinusAlpha: 1 - alpha, eps: eps, wd: weightDecay, mu: momentum), count: n)
    }
}

/// g ← ∇θ + λθ; v ← αv + (1 − α)g²; ḡ ← αḡ + (1 − α)g; d ← √(v − ḡ²) + ε or √v + ε;
/// b ← μb + g/d, θ ← θ − ηb, or θ ← θ − ηg/d.
private struct RMSPropUpdate: BlockKernel {
    /// `gAvg` and `b` point at `v` when unused; the flags keep them untouched.
    let theta: UnsafeMutablePointer<Float>, grad: UnsafePointer<Float>
    let v: UnsafeMutablePointer<Float>, gAvg: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>
    let centered: Bool, useMomentum: Bool
    let lr: Float, alpha: Float, oneMinusAlpha: Float, eps: Float, wd: Float, mu: Float

    @inline(__always) func callAsFunction<L: Lanes>(_ i: Int, _ lanes: L) {
        let p = lanes.load(theta + i)
        let g = lanes.load(grad + i) + wd * p
        let vNew = lanes.load(v + i) * alpha + oneMinusAlpha * g * g
        lanes.store(vNew, v + i)
        var d: SIMD8<Float>
        if centered {
            var ga = lanes.load(gAvg + i)
            ga += oneMinusAlpha * (g - ga)
            lanes.store(ga, gAvg + i)
            d = SIMDMath.sqrt(vNew - ga * ga)
        } else {
            d = SIMDMath.sqrt(vNew)
        }
        d += eps
        if useMomentum {
            let bNew = lanes.load(b + i) * mu + g / d
            lanes.store(bNew, b + i)
            lanes.store(p - lr * bNew, theta + i)
        } else {
            lanes.store(p - lr * g / d, theta + i)
        }
    }
}
