import Foundation

/// Batches of a dataset in order or shuffled, as `torch.utils.data.DataLoader`.
///
/// Each pass (each `for … in loader`) reshuffles with a generator seeded by `seed` and the pass number,
/// so a run is reproducible from its seed. An `augmentation` (``RandomCrop``, ``RandomHorizontalFlip``,
/// ``Compose``…) is applied to each batch of inputs with a generator seeded by (seed, pass, batch index), then
/// a `transform` (a plain function, such as ``normalize(mean:std:)``). Only the batch is transformed; the
/// dataset is never copied.
///
/// With `prefetch: true` a second thread prepares the next batch (gathering and augmenting it) while the
/// caller trains on the current one, as `num_workers=1` does; it sleeps on a semaphore while the one-batch
/// slot is full. The batches are the same either way.
///
/// ```swift
/// let augment = Compose([RandomCrop(size: 32, padding: 4), RandomHorizontalFlip()])
/// for (images, labels) in DataLoader(train, batchSize: 128, shuffle: true, seed: 0, augmentation: augment) { … }
/// ```
public final class DataLoader: Sequence {
    /// The examples this loader batches.
    public let dataset: any Dataset
    /// Examples per batch (the last batch may be smaller unless `dropLast`).
    public let batchSize: Int
    /// Whether each pass visits the examples in a fresh random order (seeded by `seed` and the pass number).
    public let shuffle: Bool
    /// Whether a last, incomplete batch is left out (PyTorch's `drop_last`).
    public let dropLast: Bool
    /// The seed of the shuffling: pass e shuffles with a generator seeded from `seed` and e.
    public let seed: UInt64
    /// Applied to each batch of inputs [B, ...] (normalisation, augmentation); nil: none.
    public let transform: ((Tensor) -> Tensor)?
    /// The order of each pass when given (a ``DistributedSampler`` in data-parallel training); `shuffle` and
    /// `seed` are then unused, as PyTorch's `sampler` excludes `shuffle`.
    public let sampler: (any Sampler)?
    /// Random augmentation of each batch of inputs (before `transform`).
    public let augmentation: (any BatchTransform)?
    /// Whether a second thread prepares the next batch while the current one is used.
    public let prefetch: Bool
    /// Passes made so far (the next pass shuffles with `seed + epoch`); set it to resume a run where it stopped.
    public var epoch = 0

    /// A loader of `dataset` in batches of `batchSize` (> 0, else a programmer error), as `DataLoader(dataset, batch_size, shuffle, drop_last)`.
    public init(_ dataset: any Dataset, batchSize: Int, shuffle: Bool = false, seed: UInt64 = 0, dropLast: Bool = false,
                sampler: (any Sampler)? = nil, augmentation: (any BatchTransform)? = nil, transform: ((Tensor) -> Tensor)? = nil,
                prefetch: Bool = false) {
        require(batchSize > 0, "DataLoader: batchSize must be positive, got \(batchSize)")
        require(sampler == nil || !shuffle, "DataLoader: give either a sampler or shuffle: true, not both (as PyTorch)")
        self.sampler = sampler
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.seed = seed
        self.dropLast = dropLast
        self.augmentation = augmentation
        self.transform = transform
        self.prefetch = prefetch
    }

    /// Number of batches in one pass.
    public var count: Int {
        let n = sampler?.count ?? dataset.count
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize
    }

    /// One pass over the data: (inputs [B, ...], labels [B, ...]) batches; each call starts a new pass (epoch).
    public func makeIterator() -> AnyIterator<(Tensor, Tensor)> {
        let order = sampler?.indices(epoch: epoch)
            ?? (shuffle ? shuffledOrder(count: dataset.count, seed: seed, epoch: epoch) : Array(0..<dataset.count))
        let passSeed = seed ^ (UInt64(epoch) &+ 1) &* 0xD1B5_4A32_D192_ED03
        epoch += 1
        let n = count, size = batchSize, dataset = dataset, transform = transform, augmentation = augmentation
        let make: @Sendable (Int) -> (Tensor, Tensor) = { [order] b in
            var (x, y) = dataset.batch(Array(order[b * size ..< Swift.min((b + 1) * size, order.count)]))
            if let augmentation {
                var g = RandomGenerator(seed: passSeed &+ UInt64(b) &* 0x9E37_79B9_7F4A_7C15)
                x = augmentation(x, using: &g)
            }
            if let transform { x = transform(x) }
            return (x, y)
        }
        if prefetch { return AnyIterator(Prefetcher(count: n, make: make)) }
        var produced = 0
        return AnyIterator {
            guard produced < n else { return nil }
            defer { produced += 1 }
            return make(produced)
        }
    }
}

/// Makes batches 0..<count on a second thread, one ahead of the consumer. The thread waits (sleeps) on
/// `empty` while the slot is full; the consumer waits on `filled`. Dropping the iterator early stops the thread.
private final class Prefetcher: IteratorProtocol {
    private final class Channel: @unchecked Sendable {
        // Both start at 0 and `empty` is signalled once in `init`: libdispatch traps ("Semaphore object
        // deallocated while in use") when a semaphore is freed with a value below the one it was created with,
        // which a `value: 1` semaphore is whenever the iterator is dropped while a batch waits in the slot.
        let filled = DispatchSemaphore(value: 0), empty = DispatchSemaphore(value: 0)
        var slot: (Tensor, Tensor)?
        var cancelled = false
        init() { empty.signal() }
    }
    private let channel = Channel()
    private let count: Int
    private var consumed = 0

    init(count: Int, make: @escaping @Sendable (Int) -> (Tensor, Tensor)) {
        self.count = count
        let channel = channel
        let thread = Thread {
            for b in 0..<count {
                channel.empty.wait()
                if channel.cancelled { return }
                channel.slot = make(b)
                channel.filled.signal()
            }
        }
        thread.name = "DataLoader prefetch"
        thread.start()
    }

    func next() -> (Tensor, Tensor)? {
        guard consumed < count else { return nil }
        channel.filled.wait()
        let batch = channel.slot
        channel.slot = nil
        consumed += 1
        channel.empty.signal()
        return batch
    }

    deinit {
        channel.cancelled = true
        channel.empty.signal()
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
