/// A layer whose forward pass reads one weight tensor, so that the weight can be replaced by a function of
/// itself (a parametrization, as `torch.nn.utils.parametrize`): ``SpectralNorm`` calls the layer with W / σ(W).
/// ``Linear``, ``Conv2d`` and ``ConvTranspose2d`` are weighted layers.
public protocol WeightedLayer: Layer {
    /// The layer's weight parameter (`weight` in its state dict).
    var weight: Tensor { get }
    /// The layer applied to `x` with `weight` (same shape as ``weight``) in place of its own, the rest (bias,
    /// stride, …) unchanged. Gradients flow into whatever `weight` was computed from.
    func callAsFunction(_ x: Tensor, weight: Tensor) -> Tensor
}

/// Spectral normalisation of a layer's weight, as `torch.nn.utils.spectral_norm` (Miyato, Kataoka, Koyama &
/// Yoshida 2018, "Spectral Normalization for Generative Adversarial Networks"): the layer computes with
/// W / σ(W), where σ(W) is the largest singular value of W seen as a matrix [W.shape[dim], rest], so each layer —
/// and a network of them with 1-Lipschitz activations — is at most 1-Lipschitz. Used on a GAN's discriminator.
///
/// σ is estimated by power iteration: in training mode each forward pass first updates the vectors u [rows] and
/// v [columns] in place, v ← normalize(Wᵀu), u ← normalize(Wv) (`nPowerIterations` times, normalize(x) =
/// x / max(‖x‖, eps)), then σ = uᵀWv with u and v held constant, so gradients flow through W and σ(W) into W; in
/// evaluation mode u and v are used as they are. u and v start as normalised N(0, 1) draws (the global generator).
///
/// State-dict keys are PyTorch's for a module wrapped by `spectral_norm`: the layer's own keys with `weight`
/// renamed `weight_orig` (after the others, as PyTorch re-registers it), then the buffers `weight_u` and
/// `weight_v`; `print(model)` shows the wrapped layer. `dim` is 0, or 1 for ``ConvTranspose2d`` (its output
/// channels), as PyTorch chooses.
public final class SpectralNorm<Wrapped: WeightedLayer>: Module, Layer {
    /// The layer whose weight is normalised; its `weight` holds W (`weight_orig`).
    public let layer: Wrapped
    /// The power iteration's vectors: u [W.shape[dim]] and v [W.count / W.shape[dim]] (`weight_u`, `weight_v`).
    public let weightU: Tensor, weightV: Tensor
    /// Power-iteration steps per training forward pass, the floor of a norm in normalize, and the weight axis
    /// that becomes the matrix's rows.
    public let nPowerIterations: Int, eps: Float, dim: Int

    /// Wraps `layer`, as `torch.nn.utils.spectral_norm(module, n_power_iterations=1, eps=1e-12, dim=None)`.
    /// `dim` defaults to 1 for a ``ConvTranspose2d`` and 0 otherwise.
    public init(_ layer: Wrapped, nPowerIterations: Int = 1, eps: Float = 1e-12, dim: Int? = nil) {
        let axis = dim ?? (layer is ConvTranspose2d ? 1 : 0)
        let name = "SpectralNorm(\(layer.typeName))"
        require(nPowerIterations >= 0, "\(name): nPowerIterations \(nPowerIterations) must be ≥ 0")
        require(eps > 0, "\(name): eps \(eps) must be > 0")
        require(axis >= 0 && axis < layer.weight.rank, "\(name): dim \(axis) is not an axis of the weight \(layer.weight.shape)")
        self.layer = layer
        self.nPowerIterations = nPowerIterations
        self.eps = eps
        self.dim = axis
        let rows = layer.weight.shape[axis], columns = layer.weight.count / Swift.max(rows, 1)
        weightU = Self.normalized(Tensor.randn([rows], using: &RandomGenerator.global), eps: eps)
        weightV = Self.normalized(Tensor.randn([columns], using: &RandomGenerator.global), eps: eps)
        super.init()
    }

    /// x / max(‖x‖₂, eps).
    static func normalized(_ x: Tensor, eps: Float) -> Tensor {
        x / Swift.max((x * x).sum().item.squareRoot(), eps)
    }

    /// W as the matrix [W.shape[dim], rest].
    private func matrix(_ w: Tensor) -> Tensor {
        let rows = w.shape[dim]
        if dim == 0 { return w.reshaped(to: [rows, w.count / Swift.max(rows, 1)]) }
        let order = [dim] + (0..<w.rank).filter { $0 != dim }
        return w.permuted(order).contiguous().reshaped(to: [rows, w.count / Swift.max(rows, 1)])
    }

    /// W / σ(W), after a power-iteration update of u and v in training mode.
    public func normalizedWeight() -> Tensor {
        let w = layer.weight, m = matrix(w)
        let (rows, columns) = (m.shape[0], m.shape[1])
        if isTraining && nPowerIterations > 0 {
            withNoGrad {
                var u = weightU, v = weightV
                for _ in 0..<nPowerIterations {
                    v = Self.normalized(m.transposed().matmul(u.reshaped(to: [rows, 1])).reshaped(to: [columns]), eps: eps)
                    u = Self.normalized(m.matmul(v.reshaped(to: [columns, 1])).reshaped(to: [rows]), eps: eps)
                }
                weightU.assign(u)
                weightV.assign(v)
            }
        }
        let sigma = weightU.reshaped(to: [1, rows]).matmul(m).matmul(weightV.reshaped(to: [columns, 1]))  // [1, 1]
        return w / sigma.reshaped(to: Array(repeating: 1, count: w.rank))
    }

    /// The layer applied to `x` with its normalised weight.
    public func callAsFunction(_ x: Tensor) -> Tensor { recorded(layer(x, weight: normalizedWeight())) }

    /// The layer's tensors under PyTorch's keys: its own but `weight`, then `weight_orig`, `weight_u`, `weight_v`.
    public override func namedTensors() -> [(String, Tensor)] {
        layer.namedTensors().filter { $0.0 != "weight" } + [("weight_orig", layer.weight), ("weight_u", weightU), ("weight_v", weightV)]
    }

    /// The wrapped layer's children (its own tensors are this module's, see ``namedTensors()``).
    public override func namedChildren() -> [(String, Module)] { layer.namedChildren() }

    public override var typeName: String { layer.typeName }
    public override var extraRepr: String { layer.extraRepr }
}

/// `layer` with its weight spectrally normalised, as `torch.nn.utils.spectral_norm(module)`: see ``SpectralNorm``.
public func spectralNorm<L: WeightedLayer>(_ layer: L, nPowerIterations: Int = 1, eps: Float = 1e-12, dim: Int? = nil) -> SpectralNorm<L> {
    SpectralNorm(layer, nPowerIterations: nPowerIterations, eps: eps, dim: dim)
}
