import DeepLearning

/// The processes a case trains in when `deep` was started by `mpirun` (data-parallel training); the CLI
/// sets it in ``TrainOptions/processGroup``. Cases stay free of MPI: they see only this protocol.
public protocol ProcessGroup: AnyObject, Sendable {
    /// This process's number, 0..<worldSize; rank 0 reports and writes the run directory.
    var rank: Int { get }
    /// The number of processes.
    var worldSize: Int { get }
    /// Makes `model` train data-parallel: rank 0's parameters and buffers on every rank, gradients averaged
    /// over the ranks during every backward (DistributedDataParallel).
    func parallelize(_ model: Module)
}

extension TrainOptions {
    /// The optimizer named by ``optimizer`` over `model`'s parameters; under `mpirun`, `model` is first made
    /// data-parallel (its gradients averaged over the processes during backward, as PyTorch's DDP and
    /// Horovod's DistributedOptimizer do), so the loop that uses it reads the same in one process or many.
    public func makeOptimizer(for model: Module) throws -> Optimizer {
        processGroup?.parallelize(model)
        return try makeOptimizer(model.parameters())
    }

    /// The order of the training examples: shuffled every epoch from ``seed``; under `mpirun`, this rank's
    /// shard of that order (``DistributedSampler``: every rank the same number of steps).
    public func sampler(for dataset: any Dataset) -> any Sampler {
        DistributedSampler(datasetCount: dataset.count, worldSize: processGroup?.worldSize ?? 1, rank: processGroup?.rank ?? 0,
                           shuffle: true, seed: seed)
    }

    /// True on the process that reports, evaluates and writes (rank 0; the only one outside `mpirun`).
    public var isMainProcess: Bool { (processGroup?.rank ?? 0) == 0 }
}
