/// Batch normalization over the channel axis (axis 1), the shared code of ``BatchNorm1d`` and
/// ``BatchNorm2d``, as PyTorch's `_BatchNorm`: see ``batchNorm(_:runningMean:runningVar:weight:bias:training:momentum:eps:)``.
///
/// y = γ·(x − μ)/√(σ² + ε) + β per channel. In training μ and σ² are the batch's (biased variance) and the
/// running estimates move toward them: r ← (1 − momentum)·r + momentum·batch value, with the unbiased
/// variance; `momentum: nil` gives the cumulative average (momentum = 1/numBatchesTracked). In evaluation
/// the running estimates are used (the batch's when `trackRunningStats` is false).
///
/// Parameters `weight` (γ, ones) and `bias` (β, zeros) [numFeatures] when `affine`; buffers `running_mean`
/// (zeros), `running_var` (ones) [numFeatures] and `num_batches_tracked` (a scalar) when
/// `trackRunningStats`, under PyTorch's state-dict names.
public class BatchNorm: Module {
    /// γ [numFeatures], ones at first; nil unless `affine`.
    public let weight: Tensor?
    /// β [numFeatures], zeros at first; nil unless `affine`.
    public let bias: Tensor?
    /// Running estimate of the mean [numFeatures] (buffer `running_mean`); nil unless `trackRunningStats`.
    public let runningMean: Tensor?
    /// Running estimate of the unbiased variance [numFeatures] (buffer `running_var`).
    public let runningVar: Tensor?
    /// Number of training batches seen, a scalar (buffer `num_batches_tracked`).
    public let numBatchesTracked: Tensor?
    /// Channels C of the input.
    public let numFeatures: Int
    /// ε added to the variance before the square root.
    public let eps: Float
    /// Weight of each new batch in the running estimates; nil for their cumulative average (settable, as
    /// PyTorch's attribute: ``updateBatchNorm(_:inputs:)`` sets it to nil while it recomputes the estimates).
    public var momentum: Float?
    /// Whether the layer has the learnable γ and β.
    public let affine: Bool
    /// Whether the layer keeps running estimates (else it always normalizes with the batch's statistics).
    public let trackRunningStats: Bool

    init(numFeatures: Int, eps: Float, momentum: Float?, affine: Bool, trackRunningStats: Bool) {
        require(numFeatures >= 0, "BatchNorm: numFeatures must not be negative, got \(numFeatures)")
        self.numFeatures = numFeatures
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.trackRunningStats = trackRunningStats
        weight = affine ? Tensor.ones([numFeatures]).requiringGrad() : nil
        bias = affine ? Tensor.zeros([numFeatures]).requiringGrad() : nil
        runningMean = trackRunningStats ? Tensor.zeros([numFeatures]) : nil
        runningVar = trackRunningStats ? Tensor.ones([numFeatures]) : nil
        numBatchesTracked = trackRunningStats ? Tensor(0) : nil
        super.init()
    }

    /// Running mean 0, running variance 1 and no batches tracked, as PyTorch's `reset_running_stats()`.
    public func resetRunningStats() {
        runningMean?.assign(Tensor.zeros([numFeatures]))
        runningVar?.assign(Tensor.ones([numFeatures]))
        numBatchesTracked?.assign(Tensor(0))
    }

    /// The layer's name in messages, e.g. `BatchNorm2d(16)`.
    var name: String { "\(type(of: self))(\(numFeatures))" }

    /// Stops with a message when `x` is not the rank this layer takes.
    func checkRank(_ x: Tensor) {}

    /// Normalizes each channel of x [N, C, ...] (training: with the batch's statistics, updating the running
    /// ones; evaluation: with the running ones) → same shape.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        checkRank(x)
        require(x.shape[1] == numFeatures,
                     "\(name): input of shape \(x.shape) has \(x.shape[1]) channels, expected \(numFeatures)")
        var factor = momentum ?? 0
        if isTraining, let count = numBatchesTracked {
            count.withUnsafeMutableElements { $0[0] += 1 }
            if momentum == nil { factor = 1 / count.item }
        }
        return recorded(batchNorm(x, runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias,
                                  training: isTraining || !trackRunningStats, momentum: factor, eps: eps))
    }

    public override var extraRepr: String {
        "\(numFeatures), eps=\(eps), momentum=\(momentum.map { "\($0)" } ?? "None"), affine=\(pythonBool(affine)), "
            + "bias=\(pythonBool(affine)), track_running_stats=\(pythonBool(trackRunningStats))"
    }
}

/// Batch normalization of [N, C] or [N, C, L] input over N (and L), as `torch.nn.BatchNorm1d`; see ``BatchNorm``.
public final class BatchNorm1d: BatchNorm, Layer {
    /// Batch normalization of `numFeatures` channels, with PyTorch's defaults.
    public init(_ numFeatures: Int, eps: Float = 1e-5, momentum: Float? = 0.1, affine: Bool = true, trackRunningStats: Bool = true) {
        super.init(numFeatures: numFeatures, eps: eps, momentum: momentum, affine: affine, trackRunningStats: trackRunningStats)
    }

    override func checkRank(_ x: Tensor) {
        require(x.rank == 2 || x.rank == 3, "\(name): input of shape \(x.shape) must be [N, C] or [N, C, L]")
    }
}

/// Batch normalization of [N, C, H, W] input over N, H and W, as `torch.nn.BatchNorm2d`; see ``BatchNorm``.
public final class BatchNorm2d: BatchNorm, Layer {
    /// Batch normalization of `numFeatures` channels, with PyTorch's defaults.
    public init(_ numFeatures: Int, eps: Float = 1e-5, momentum: Float? = 0.1, affine: Bool = true, trackRunningStats: Bool = true) {
        super.init(numFeatures: numFeatures, eps: eps, momentum: momentum, affine: affine, trackRunningStats: trackRunningStats)
    }

    override func checkRank(_ x: Tensor) {
        require(x.rank == 4, "\(name): input of shape \(x.shape) must be [N, C, H, W]")
    }
}
