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
        public var squareAvg: Tensor
        public var gradAvg: Tensor?
        public var momentumBuffer: Tensor?
        public var buffers: [(name: String, tensor: Tensor)] {
            [("square_avg", squareAvg)] + (momentumBuffer.map { [("momentum_buffer", $0)] } ?? [])
                + (gradAvg.map { [("grad_avg", $0)] } ?? [])
        }
    }

    public init(_ parameters: [Tensor], lr: Float = 0.01, alpha: Float = 0.99, eps: Float = 1e-8, weightDecay: Float = 0,
                momentum: Float = 0, centered: Bool = false) {
        precondition(alpha >= 0 && eps >= 0 && weightDecay >= 0 && momentum >= 0,
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
        let lr = learningRate, alpha = alpha, oneMinusAlpha = 1 - alpha, eps = eps, wd = weightDecay, mu = momentum
        let v = state.squareAvg.pointer
        // Unused buffers point at the square average and are never written (the flags below are constant).
        let gAvg = state.gradAvg?.pointer ?? v, b = state.momentumBuffer?.pointer ?? v
        let centered = state.gradAvg != nil, useMomentum = state.momentumBuffer != nil
        for i in 0..<n {
            let g = grad[i] + wd * theta[i]
            v[i] = v[i] * alpha + oneMinusAlpha * g * g
            var d: Float
            if centered {
                gAvg[i] += oneMinusAlpha * (g - gAvg[i])
                d = (v[i] - gAvg[i] * gAvg[i]).squareRoot()
            } else {
                d = v[i].squareRoot()
            }
            d += eps
            if useMomentum {
                b[i] = b[i] * mu + g / d
                theta[i] -= lr * b[i]
            } else {
                theta[i] -= lr * g / d
            }
        }
    }
}
