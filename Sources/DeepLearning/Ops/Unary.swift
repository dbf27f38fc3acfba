import Foundation

// Elementwise unary ops. Forward through a vectorized kernel; backward through a fused kernel of the
// saved input or output and the incoming gradient.

struct NegKernel: UnaryKernel { @inline(__always) func apply(_ x: FloatVector) -> FloatVector { -x } }
struct ExpKernel: UnaryKernel { @inline(__always) func apply(_ x: FloatVector) -> FloatVector { SIMDMath.exp(x) } }
struct LogKernel: UnaryKernel { @inline(__always) func apply(_ x: FloatVector) -> FloatVector { SIMDMath.log(x) } }
struct SqrtKernel: UnaryKernel { @inline(__always) func apply(_ x: FloatVector) -> FloatVector { SIMDMath.sqrt(x) } }
struct AbsKernel: UnaryKernel { @inline(__always) func apply(_ x: FloatVector) -> FloatVector { SIMDMath.abs(x) } }
struct SquareKernel: UnaryKernel { @inline(__always) func apply(_ x: FloatVector) -> FloatVector { x * x } }
struct SigmoidKernel: UnaryKernel { @inline(__always) func apply(_ x: FloatVector) -> FloatVector { SIMDMath.sigmoid(x) } }
struct TanhKernel: UnaryKernel { @inline(__always) func apply(_ x: FloatVector) -> FloatVector { SIMDMath.tanh(x) } }
struct ReluKernel: UnaryKernel { @inline(__always) func apply(_ x: FloatVector) -> FloatVector { x.replacing(with: 0, where: x .< 0) } }
struct LeakyReluKernel: UnaryKernel {
    let slope: Float
    @inline(__always) func apply(_ x: FloatVector) -> FloatVector { x.replacing(with: x * slope, where: x .< 0) }
}
/// GELU(x) = x·Φ(x) = ½x(1 + erf(x/√2)), the exact form (PyTorch's default).
struct GeluKernel: UnaryKernel {
    @inline(__always) func apply(_ x: FloatVector) -> FloatVector { x * SIMDMath.normalCDF(x) }
}
struct SinKernel: UnaryKernel {
    @inline(__always) func apply(_ x: FloatVector) -> FloatVector { var r = FloatVector(); for i in 0..<FloatVector.scalarCount { r[i] = sinf(x[i]) }; return r }
}
struct CosKernel: UnaryKernel {
    @inline(__always) func apply(_ x: FloatVector) -> FloatVector { var r = FloatVector(); for i in 0..<FloatVector.scalarCount { r[i] = cosf(x[i]) }; return r }
}

struct ClampKernel: UnaryKernel {
    let lo: Float, hi: Float
    @inline(__always) func apply(_ x: FloatVector) -> FloatVector {
        let y = x.replacing(with: FloatVector(repeating: lo), where: x .< lo)
        return y.replacing(with: FloatVector(repeating: hi), where: y .> hi)
    }
}

// Fused backward kernels: (saved, upstream gradient) → input gradient.
struct ReluBackward: BinaryKernel { @inline(__always) func apply(_ x: FloatVector, _ g: FloatVector) -> FloatVector { g.replacing(with: 0, where: x .<= 0) } }
struct LeakyReluBackward: BinaryKernel {
    let slope: Float
    @inline(__always) func apply(_ x: FloatVector, _ g: FloatVector) -> FloatVector { g.replacing(with: g * slope, where: x .<= 0) }
}
struct TanhBackward: BinaryKernel { @inline(__always) func apply(_ y: FloatVector, _ g: FloatVector) -> FloatVector { g * (1 - y * y) } }
struct SigmoidBackward: BinaryKernel { @inline(__always) func apply(_ y: FloatVector, _ g: FloatVector) -> FloatVector { g * y * (1 - y) } }
/// d/dx GELU = Φ(x) + x·φ(x).
struct GeluBackward: BinaryKernel {
    @inline(__always) func apply(_ x: FloatVector, _ g: FloatVector) -> FloatVector {
        let cdf = SIMDMath.normalCDF(x)
        let pdf = SIMDMath.exp(-0.5 * x * x) * 0.398_942_280_401_432_7
        return g * (cdf + x * pdf)
    }
}

extension Tensor {
    /// Applies a unary kernel to every element; no autograd.
    func mapped<K: UnaryKernel>(_ k: K) -> Tensor {
        let x = isContiguous ? self : withNoGrad { contiguous() }
        var out = Tensor(uninitialized: shape)
        if x.shape == shape { out.strides = x.strides }
        let src = x.pointer, dst = out.pointer
        Parallel.forEach(count, costPerItem: 4) { r in
            Loops.map(k, src + r.lowerBound, dst + r.lowerBound, r.count)
        }
        return out
    }

    /// Applies a fused backward kernel to a saved tensor and a gradient of the same shape.
    static func fused<K: BinaryKernel>(_ k: K, _ saved: Tensor, _ g: Tensor) -> Tensor {
        broadcasting(k, saved, g, op: "backward")
    }

    /// A unary op whose backward rule maps (input x, output y, gradient g) to the input's gradient.
    func unary<K: UnaryKernel>(_ op: String, _ k: K, backward: @escaping (Tensor, Tensor, Tensor) -> Tensor) -> Tensor {
        var out = mapped(k)
        if Tensor.shouldRecord(self) {
            let x = self.detached(), y = out.detached()
            out.attach(op, self) { g in [backward(x, y, g)] }
        }
        return out
    }

    /// −x, elementwise (as `torch.neg`). Backward: ∂x = −g.
    public static prefix func - (x: Tensor) -> Tensor { x.unary("neg", NegKernel()) { _, _, g in -g } }

    /// eˣ.
    public func exp() -> Tensor { unary("exp", ExpKernel()) { _, y, g in g * y } }
    /// Natural logarithm.
    public func log() -> Tensor { unary("log", LogKernel()) { x, _, g in g / x } }
    /// Square root.
    public func sqrt() -> Tensor { unary("sqrt", SqrtKernel()) { _, y, g in g / (2 * y) } }
    /// |x|; the gradient at 0 is 0, as in PyTorch.
    public func abs() -> Tensor { unary("abs", AbsKernel()) { x, _, g in g * x.sign() } }
    /// x².
    public func square() -> Tensor { unary("square", SquareKernel()) { x, _, g in g * x * 2 } }
    /// σ(x) = 1 / (1 + e⁻ˣ); σ' = σ(1 − σ).
    public func sigmoid() -> Tensor { unary("sigmoid", SigmoidKernel()) { _, y, g in Tensor.fused(SigmoidBackward(), y, g) } }
    /// tanh x; tanh' = 1 − tanh².
    public func tanh() -> Tensor { unary("tanh", TanhKernel()) { _, y, g in Tensor.fused(TanhBackward(), y, g) } }
    /// max(0, x); the gradient at 0 is 0.
    public func relu() -> Tensor { unary("relu", ReluKernel()) { x, _, g in Tensor.fused(ReluBackward(), x, g) } }
    /// x for x > 0, slope·x otherwise.
    public func leakyRelu(negativeSlope slope: Float = 0.01) -> Tensor {
        unary("leakyRelu", LeakyReluKernel(slope: slope)) { x, _, g in Tensor.fused(LeakyReluBackward(slope: slope), x, g) }
    }
    /// GELU(x) = x·Φ(x) with the exact normal CDF (`torch.nn.functional.gelu`, approximate='none').
    public func gelu() -> Tensor { unary("gelu", GeluKernel()) { x, _, g in Tensor.fused(GeluBackward(), x, g) } }
    /// sin x.
    public func sin() -> Tensor { unary("sin", SinKernel()) { x, _, g in g * x.cos() } }
    /// cos x.
    public func cos() -> Tensor { unary("cos", CosKernel()) { x, _, g in -g * x.sin() } }
    /// −1, 0 or 1 by the sign of each element (not differentiable).
    public func sign() -> Tensor { (self .> 0) - (self .< 0) }
    /// Elements clamped to [min, max]; the gradient flows where the input lies inside.
    public func clamped(min lo: Float = -.infinity, max hi: Float = .infinity) -> Tensor {
        unary("clamp", ClampKernel(lo: lo, hi: hi)) { x, _, g in g * (x .>= lo) * (x .<= hi) }
    }
}

/// Free-function forms, for code that reads like the formula: `relu(conv1(x))`.
public func relu(_ x: Tensor) -> Tensor { x.relu() }
/// σ(x) = 1/(1 + e⁻ˣ), elementwise (as `torch.sigmoid`); see ``Tensor/sigmoid()``.
public func sigmoid(_ x: Tensor) -> Tensor { x.sigmoid() }
/// tanh x, elementwise (as `torch.tanh`); see ``Tensor/tanh()``.
public func tanh(_ x: Tensor) -> Tensor { x.tanh() }
/// x·Φ(x), elementwise (as `torch.nn.functional.gelu`, Hendrycks & Gimpel 2016); see ``Tensor/gelu()``.
public func gelu(_ x: Tensor) -> Tensor { x.gelu() }
/// eˣ, elementwise (as `torch.exp`); see ``Tensor/exp()``.
public func exp(_ x: Tensor) -> Tensor { x.exp() }
/// ln x, elementwise (as `torch.log`; −∞ at 0, NaN below); see ``Tensor/log()``.
public func log(_ x: Tensor) -> Tensor { x.log() }
