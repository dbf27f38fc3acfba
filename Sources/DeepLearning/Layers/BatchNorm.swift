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
    public let weight: Tensor?
    public let bias: Tensor?
    public let runningMean: Tensor?
    public let runningVar: Tensor?
    public let numBatchesTracked: Tensor?
    public let numFeatures: Int
    public let eps: Float
    public let momentum: Float?
    public let affine: Bool
    public let trackRunningStats: Bool

    init(numFeatures: Int, eps: Float, momentum: Float?, affine: Bool, trackRunningStats: Bool) {
        precondition(numFeatures > 0, "BatchNorm: numFeatures must be positive, got \(numFeatures)")
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

    /// The layer's name in messages, e.g. `BatchNorm2d(16)`.
    var name: String { "\(type(of: self))(\(numFeatures))" }

    /// Stops with a message when `x` is not the rank this layer takes.
    func checkRank(_ x: Tensor) {}

    public func callAsFunction(_ x: Tensor) -> Tensor {
        checkRank(x)
        precondition(x.shape[1] == numFeatures,
                     "\(name): input of shape \(x.shape) has \(x.shape[1]) channels, expected \(numFeatures)")
        var factor = momentum ?? 0
        if isTraining, let count = numBatchesTracked {
            count.withUnsafeMutableElements { $0[0] += 1 }
            if momentum == nil { factor = 1 / count.item }
        }
        return batchNorm(x, runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias,
                         training: isTraining || !trackRunningStats, momentum: factor, eps: eps)
    }
}

/// Batch normalization of [N, C] or [N, C, L] input over N (and L), as `torch.nn.BatchNorm1d`; see ``BatchNorm``.
public final class BatchNorm1d: BatchNorm, Layer {
    public init(_ numFeatures: Int, eps: Float = 1e-5, momentum: Float? = 0.1, affine: Bool = true, trackRunningStats: Bool = true) {
        super.init(numFeatures: numFeatures, eps: eps, momentum: momentum, affine: affine, trackRunningStats: trackRunningStats)
    }

    override func checkRank(_ x: Tensor) {
        precondition(x.rank == 2 || x.rank == 3, "\(name): input of shape \(x.shape) must be [N, C] or [N, C, L]")
    }
}

/// Batch normalization of [N, C, H, W] input over N, H and W, as `torch.nn.BatchNorm2d`; see ``BatchNorm``.
public final class BatchNorm2d: BatchNorm, Layer {
    public init(_ numFeatures: Int, eps: Float = 1e-5, momentum: Float? = 0.1, affine: Bool = true, trackRunningStats: Bool = true) {
        super.init(numFeatures: numFeatures, eps: eps, momentum: momentum, affine: affine, trackRunningStats: trackRunningStats)
    }

    override func checkRank(_ x: Tensor) {
        precondition(x.rank == 4, "\(name): input of shape \(x.shape) must be [N, C, H, W]")
    }
}
