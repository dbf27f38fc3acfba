import DeepLearning

/// Data-parallel training of a module across the ranks of an MPI job, as
/// `torch.nn.parallel.DistributedDataParallel`: every rank holds a replica, runs forward and backward on its
/// own share of each batch, and the gradients are averaged over the ranks before the optimizer steps, so
/// every replica takes the same step — the step of the whole batch.
///
/// - At construction rank 0's parameters and buffers are broadcast to every rank.
/// - During each backward the gradients are averaged with all-reduce in buckets of about `bucketCapMB`
///   megabytes, in reverse parameter order (the order backward produces them), each bucket as soon as all of
///   its gradients are ready (a post-accumulate-grad hook on every parameter) — so `clipGradNorm` and the
///   optimizer see averaged gradients, as with PyTorch.
/// - Calling the wrapper (``callAsFunction(_:)``) broadcasts rank 0's buffers (batch norm's running
///   statistics) before the forward, as PyTorch's `broadcast_buffers=True`; ``synchronizeBuffers()`` does it
///   for modules called another way.
///
/// Every parameter must receive a gradient in every backward (PyTorch's `find_unused_parameters` is not
/// supported): a parameter left out is reported at the next forward. In a one-process world the wrapper
/// changes nothing.
public final class DistributedDataParallel {
    /// The wrapped replica.
    public let module: Module
    let parameters: [Tensor]
    /// Parameter indices per bucket, in the order of reduction.
    let buckets: [[Int]]
    /// Where each parameter's gradient lives in its bucket's flat buffer: (bucket, offset).
    let slots: [(bucket: Int, offset: Int)]
    var flats: [[Float]]
    var readyCount: [Int]
    var pendingGradients: [Tensor?]
    var nextBucket = 0

    /// Wraps `module`: broadcasts rank 0's state and registers the gradient hooks.
    public init(_ module: Module, bucketCapMB: Double = 25) {
        require(bucketCapMB > 0, "DistributedDataParallel: bucketCapMB must be positive, got \(bucketCapMB)")
        self.module = module
        let parameters = module.parameters()
        self.parameters = parameters
        for (_, t) in module.namedState() { Distributed.broadcast(t) }
        let capacity = Int(bucketCapMB * 1_048_576) / MemoryLayout<Float>.size
        var buckets: [[Int]] = [], slots = [(bucket: Int, offset: Int)](repeating: (0, 0), count: parameters.count)
        var current: [Int] = [], size = 0
        for i in parameters.indices.reversed() {
            if !current.isEmpty && size + parameters[i].count > capacity {
                buckets.append(current)
                (current, size) = ([], 0)
            }
            slots[i] = (buckets.count, size)
            current.append(i)
            size += parameters[i].count
        }
        if !current.isEmpty { buckets.append(current) }
        self.buckets = buckets
        self.slots = slots
        flats = buckets.map { b in [Float](repeating: 0, count: b.reduce(0) { $0 + parameters[$1].count }) }
        readyCount = Array(repeating: 0, count: buckets.count)
        pendingGradients = Array(repeating: nil, count: parameters.count)
        for (i, p) in parameters.enumerated() {
            p.registerPostAccumulateGradHook { [weak self] gradient in self?.gradientReady(i, gradient) }
        }
    }

    /// The replica's forward on this rank's share of the batch, after rank 0's buffers are broadcast.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        guard let layer = module as? any Layer else {
            failure("DistributedDataParallel: \(type(of: module)) is not a Layer; call ddp.synchronizeBuffers() and then the module")
        }
        synchronizeBuffers()
        return layer(input)
    }

    /// Broadcasts rank 0's buffers (running statistics) to every rank; checks that the last backward gave
    /// every parameter a gradient.
    public func synchronizeBuffers() {
        if readyCount.contains(where: { $0 != 0 }) {
            let missing = parameters.indices.filter { pendingGradients[$0] == nil }
            let names = module.namedParameters().enumerated().filter { missing.contains($0.offset) }.map { $0.element.0 }
            failure("DistributedDataParallel: the last backward gave no gradient to \(names); every parameter must take part in the loss")
        }
        for (_, buffer) in module.namedBuffers() { Distributed.broadcast(buffer) }
    }

    /// Hook: parameter `i`'s gradient is complete. Copies it into its bucket; reduces the buckets that are
    /// complete, in order, and writes the averages back.
    func gradientReady(_ i: Int, _ gradient: Tensor) {
        let (b, offset) = slots[i]
        gradient.withUnsafeMutableElements { g in
            flats[b].withUnsafeMutableBufferPointer { f in
                (f.baseAddress! + offset).update(from: g.baseAddress!, count: g.count)
            }
        }
        pendingGradients[i] = gradient
        readyCount[b] += 1
        while nextBucket < buckets.count, readyCount[nextBucket] == buckets[nextBucket].count {
            reduce(nextBucket)
            nextBucket += 1
        }
        if nextBucket == buckets.count {  // this backward is done
            nextBucket = 0
            for k in readyCount.indices { readyCount[k] = 0 }
            for k in pendingGradients.indices { pendingGradients[k] = nil }
        }
    }

    func reduce(_ b: Int) {
        flats[b].withUnsafeMutableBufferPointer { f in
            Distributed.allReduce(f, .average)
            for i in buckets[b] {
                let offset = slots[i].offset
                pendingGradients[i]!.withUnsafeMutableElements { g in
                    g.baseAddress!.update(from: f.baseAddress! + offset, count: g.count)
                }
            }
        }
    }
}
