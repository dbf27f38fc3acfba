/// The order in which a ``DataLoader`` visits the examples of a data set in one pass, as
/// `torch.utils.data.Sampler`.
public protocol Sampler {
    /// Example indices of pass `epoch` (0, 1, …), in visiting order.
    func indices(epoch: Int) -> [Int]
    /// Number of indices per pass.
    var count: Int { get }
}

/// Each process's share of a data set in data-parallel training, as
/// `torch.utils.data.distributed.DistributedSampler`.
///
/// Every pass shuffles all indices with one generator seeded by `seed` and the pass number (the same on every
/// rank), pads the order by repeating its start until it divides evenly by `worldSize` (so every rank runs the
/// same number of steps), and gives rank r the indices r, r + worldSize, r + 2·worldSize, … With
/// `dropLast` it drops the tail instead of padding.
public struct DistributedSampler: Sampler {
    /// N, the number of examples in the data set.
    public let datasetCount: Int
    /// The number of processes the data is split across.
    public let worldSize: Int
    /// This process's rank, in 0..<worldSize.
    public let rank: Int
    /// Whether each pass visits a fresh random order (the same on every rank).
    public let shuffle: Bool
    /// The seed of the shuffling: pass e shuffles with a generator seeded from `seed` and e.
    public let seed: UInt64
    /// Whether the tail is dropped (instead of padded) so the ranks get equal shares.
    public let dropLast: Bool

    /// The sampler of `rank` among `worldSize` processes over a data set of `datasetCount` examples.
    public init(datasetCount: Int, worldSize: Int, rank: Int, shuffle: Bool = true, seed: UInt64 = 0, dropLast: Bool = false) {
        require(worldSize >= 1 && rank >= 0 && rank < worldSize,
                "DistributedSampler: rank \(rank) is not in 0..<\(worldSize) (world size \(worldSize))")
        require(datasetCount >= 0, "DistributedSampler: negative data set size \(datasetCount)")
        (self.datasetCount, self.worldSize, self.rank, self.shuffle, self.seed, self.dropLast) =
            (datasetCount, worldSize, rank, shuffle, seed, dropLast)
    }

    /// Indices per rank and pass: ⌈N / worldSize⌉, or ⌊N / worldSize⌋ with `dropLast`.
    public var count: Int { dropLast ? datasetCount / worldSize : (datasetCount + worldSize - 1) / worldSize }

    /// This rank's example indices for pass `epoch` (0, 1, …): `count` of them, in visiting order.
    public func indices(epoch: Int) -> [Int] {
        var order = shuffle ? shuffledOrder(count: datasetCount, seed: seed, epoch: epoch) : Array(0..<datasetCount)
        let total = count * worldSize
        if total > order.count, !order.isEmpty {
            var padded = order
            while padded.count < total { padded += order.prefix(total - padded.count) }
            order = padded
        }
        return stride(from: rank, to: total, by: worldSize).map { order[$0] }
    }
}

/// 0..<count shuffled for pass `epoch` by a generator seeded from `seed` and the pass: the one per-epoch order
/// of a shuffling ``DataLoader`` and of ``DistributedSampler`` (whose ranks interleave it), so one process and
/// many visit the same examples per step.
func shuffledOrder(count: Int, seed: UInt64, epoch: Int) -> [Int] {
    var order = Array(0..<count)
    var g = RandomGenerator(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9)
    order.shuffle(using: &g)
    return order
}
