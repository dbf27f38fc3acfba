/// Batches of a dataset in order or shuffled, as `torch.utils.data.DataLoader`.
///
/// Each pass (each `for … in loader`) reshuffles with a generator seeded by `seed` and the pass number,
/// so a run is reproducible from its seed. A `transform` (normalisation, augmentation) is applied to each
/// batch of inputs.
///
/// ```swift
/// for (images, labels) in DataLoader(train, batchSize: 64, shuffle: true, seed: 0) { … }
/// ```
public final class DataLoader: Sequence {
    public let dataset: any Dataset
    public let batchSize: Int
    public let shuffle: Bool
    public let dropLast: Bool
    public let seed: UInt64
    public let transform: ((Tensor) -> Tensor)?
    /// The order of each pass when given (a ``DistributedSampler`` in data-parallel training); `shuffle` and
    /// `seed` are then unused, as PyTorch's `sampler` excludes `shuffle`.
    public let sampler: (any Sampler)?
    /// Passes made so far (the next pass shuffles with `seed + epoch`).
    public private(set) var epoch = 0

    public init(_ dataset: any Dataset, batchSize: Int, shuffle: Bool = false, seed: UInt64 = 0, dropLast: Bool = false,
                sampler: (any Sampler)? = nil, transform: ((Tensor) -> Tensor)? = nil) {
        require(batchSize > 0, "DataLoader: batchSize must be positive, got \(batchSize)")
        require(sampler == nil || !shuffle, "DataLoader: give either a sampler or shuffle: true, not both (as PyTorch)")
        self.sampler = sampler
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.seed = seed
        self.dropLast = dropLast
        self.transform = transform
    }

    /// Number of batches in one pass.
    public var count: Int {
        let n = sampler?.count ?? dataset.count
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize
    }

    public func makeIterator() -> AnyIterator<(Tensor, Tensor)> {
        var order = sampler?.indices(epoch: epoch) ?? Array(0..<dataset.count)
        if shuffle {
            var g = RandomGenerator(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9)
            order.shuffle(using: &g)
        }
        epoch += 1
        var start = 0
        let n = count, size = batchSize, dataset = dataset, transform = transform
        var produced = 0
        return AnyIterator {
            guard produced < n else { return nil }
            let end = Swift.min(start + size, order.count)
            var (x, y) = dataset.batch(Array(order[start..<end]))
            if let transform { x = transform(x) }
            start = end
            produced += 1
            return (x, y)
        }
    }
}

/// Per-channel normalisation (x − mean) / std for inputs [N, C, ...], as `torchvision.transforms.Normalize`.
public func normalize(mean: [Float], std: [Float]) -> (Tensor) -> Tensor {
    require(mean.count == std.count, "normalize: \(mean.count) means but \(std.count) standard deviations")
    let m = Tensor(mean), s = Tensor(std)
    return { x in
        let shape = [1, mean.count] + Array(repeating: 1, count: Swift.max(0, x.rank - 2))
        return (x - m.reshaped(to: shape)) / s.reshaped(to: shape)
    }
}
