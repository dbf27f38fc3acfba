/// A running average of a model's weights, as `torch.optim.swa_utils.AveragedModel`: a second copy of the model
/// whose parameters follow the trained model's. With `decay` it is the exponential moving average (EMA) of
/// PyTorch's `get_ema_multi_avg_fn(decay)`,
///
///     θ̄ ← θ̄ + (1 − decay)·(θ − θ̄)      (the first update copies θ),
///
/// the average a GAN's generator is sampled from (Yazıcı et al. 2019, "The Unusual Effectiveness of Averaging in
/// GAN Training"; Karras et al. 2018); without `decay` it is the equal average of stochastic weight averaging
/// (Izmailov et al. 2018), θ̄ ← θ̄ + (θ − θ̄)/(n + 1) after n models.
///
/// Buffers such as batch-norm statistics are not averaged (PyTorch's default `use_buffers=False`): each update
/// copies the trained model's. They belong to the trained weights, not to the average, so recompute them with
/// ``updateBatchNorm(_:inputs:)`` before evaluating the average.
/// State-dict keys are PyTorch's: `n_averaged` (a scalar), then `module.<key>` for the copy's own keys.
public final class AveragedModel: Module, Layer {
    /// The averaged copy, a module of the trained model's architecture.
    public let module: any Layer
    /// Number of updates so far, a scalar (buffer `n_averaged`).
    public let nAveraged: Tensor
    /// The EMA's decay in [0, 1]; nil for the equal average.
    public let decay: Float?

    /// Averages `model` into `copy`, a freshly made module of the same architecture (Swift has no generic deep
    /// copy): `copy` takes `model`'s parameters and buffers now, as PyTorch's `deepcopy(model)`. Stops when the
    /// two do not have the same state-dict keys and shapes, or `decay` is outside [0, 1].
    public init(_ model: any Layer, copy: any Layer, decay: Float? = nil) {
        if let decay { require(decay >= 0 && decay <= 1, "AveragedModel: decay \(decay) must lie in [0, 1]") }
        let state = model.namedState()
        do { try copy.loadState(Dictionary(uniqueKeysWithValues: state)) } catch {
            fatalError("AveragedModel: the copy does not have the model's parameters and buffers: \(error)")
        }
        module = copy
        nAveraged = Tensor(0)
        self.decay = decay
        super.init()
    }

    /// Moves the average toward `model`'s current parameters (call after each optimizer step) and copies its
    /// buffers, as `update_parameters(model)`.
    public func updateParameters(_ model: any Layer) {
        let averaged = module.parameters(), current = model.parameters()
        require(averaged.count == current.count && zip(averaged, current).allSatisfy { $0.shape == $1.shape },
                "AveragedModel.updateParameters: the model's parameters \(current.map(\.shape)) are not the average's \(averaged.map(\.shape))")
        let n = nAveraged.item
        let weight: Float = decay.map { 1 - $0 } ?? 1 / (n + 1)
        for (a, p) in zip(averaged, current) {
            if n == 0 {  // the first update copies θ
                a.assign(p)
                continue
            }
            p.contiguous().withUnsafeBufferPointer { source in
                a.withUnsafeMutableElements { target in
                    for i in target.indices { target[i] += weight * (source[i] - target[i]) }
                }
            }
        }
        let buffers = module.namedBuffers(), sources = model.namedBuffers()
        require(buffers.map(\.1.shape) == sources.map(\.1.shape),
                "AveragedModel.updateParameters: the model's buffers \(sources.map(\.1.shape)) are not the average's \(buffers.map(\.1.shape))")
        for ((_, b), (_, source)) in zip(buffers, sources) { b.assign(source) }
        nAveraged.assign(Tensor(n + 1))
    }

    /// The averaged model applied to x.
    public func callAsFunction(_ x: Tensor) -> Tensor { module(x) }
}

/// Recomputes the running statistics of every batch-norm layer in `model` from `inputs`, as
/// `torch.optim.swa_utils.update_bn(loader, model)`: each layer's statistics are reset and, with its momentum
/// set to nil for the passes, become the cumulative average over the batches, run in training mode without a
/// tape; momentum and the model's mode are restored afterwards. Nothing happens when the model has no batch
/// norm. Used on an ``AveragedModel``, whose averaged weights do not match the statistics of any one model.
public func updateBatchNorm(_ model: any Layer, inputs: some Sequence<Tensor>) {
    let norms = model.namedModules().compactMap { $0.1 as? BatchNorm }
    guard !norms.isEmpty else { return }
    let momenta = norms.map(\.momentum)
    let wasTraining = model.isTraining
    for norm in norms {
        norm.resetRunningStats()
        norm.momentum = nil
    }
    model.train()
    withNoGrad { for x in inputs { _ = model(x) } }
    for (norm, momentum) in zip(norms, momenta) { norm.momentum = momentum }
    model.train(wasTraining)
}
