/// A collection of labelled examples that can be read in batches, as `torch.utils.data.Dataset`.
///
/// Datasets hand out whole batches rather than single examples: gathering rows of one big tensor is much
/// cheaper than stacking thousands of small ones.
public protocol Dataset {
    /// Number of examples.
    var count: Int { get }
    /// The examples at `indices`, stacked along a new first axis: inputs [B, ...] and labels [B, ...].
    func batch(_ indices: [Int]) -> (inputs: Tensor, labels: Tensor)
}

/// Examples held in memory as two tensors whose first axis indexes the examples (as
/// `torch.utils.data.TensorDataset`).
public struct TensorDataset: Dataset {
    /// All inputs, [N, ...].
    public let inputs: Tensor
    /// All labels, [N, ...] (class indices as Floats for classification).
    public let labels: Tensor

    /// A dataset of `inputs` [N, ...] and `labels` [N, ...] (both made contiguous); different N is a programmer error.
    public init(inputs: Tensor, labels: Tensor) {
        require(inputs.shape.first == labels.shape.first,
                     "TensorDataset: \(inputs.shape.first ?? 0) inputs (shape \(inputs.shape)) but \(labels.shape.first ?? 0) labels (shape \(labels.shape))")
        self.inputs = inputs.contiguous()
        self.labels = labels.contiguous()
    }

    /// N, the number of examples.
    public var count: Int { inputs.shape.first ?? 0 }

    /// The examples at `indices` (each in 0..<N): inputs [B, ...] and labels [B, ...], B = indices.count.
    public func batch(_ indices: [Int]) -> (inputs: Tensor, labels: Tensor) {
        (inputs.indexSelect(alongAxis: 0, indices: indices), labels.indexSelect(alongAxis: 0, indices: indices))
    }

    /// The examples `range`, without copying (for splits).
    public func subset(_ range: Range<Int>) -> TensorDataset {
        TensorDataset(inputs: inputs[range], labels: labels[range])
    }
}

/// The examples of `base` at `indices`, in that order, as `torch.utils.data.Subset` (what
/// ``randomSplit(_:_:seed:)`` returns). Reads go to `base`; nothing is copied.
public struct Subset<Base: Dataset>: Dataset {
    /// The dataset the examples come from.
    public let base: Base
    /// Indices into `base`.
    public let indices: [Int]

    public init(_ base: Base, indices: [Int]) {
        for i in indices { require(i >= 0 && i < base.count, "Subset: index \(i) out of range for a dataset of \(base.count) examples") }
        self.base = base
        self.indices = indices
    }

    public var count: Int { indices.count }

    public func batch(_ positions: [Int]) -> (inputs: Tensor, labels: Tensor) { base.batch(positions.map { indices[$0] }) }
}

/// Splits `dataset` into non-overlapping random subsets of the given lengths (which must add up to its
/// count), as `torch.utils.data.random_split(dataset, lengths, generator)`: `let (train, validation) =
/// randomSplit(data, [50_000, 10_000], seed: 0)`. The same seed gives the same split on every machine
/// (our generator, so not PyTorch's split).
public func randomSplit<D: Dataset>(_ dataset: D, _ lengths: [Int], seed: UInt64) -> [Subset<D>] {
    require(lengths.allSatisfy { $0 >= 0 } && lengths.reduce(0, +) == dataset.count,
            "randomSplit: lengths \(lengths) (sum \(lengths.reduce(0, +))) must add up to the dataset's \(dataset.count) examples")
    var generator = RandomGenerator(seed: seed)
    var order = Array(0..<dataset.count)
    order.shuffle(using: &generator)
    var start = 0
    return lengths.map { n in
        defer { start += n }
        return Subset(dataset, indices: Array(order[start..<(start + n)]))
    }
}

/// ``randomSplit(_:_:seed:)`` with fractions that add up to 1 (`[0.8, 0.2]`), as PyTorch's: each subset
/// gets ⌊fraction · count⌋ examples and the remainder goes one at a time to the first subsets.
public func randomSplit<D: Dataset>(_ dataset: D, fractions: [Double], seed: UInt64) -> [Subset<D>] {
    require(fractions.allSatisfy { $0 >= 0 } && Swift.abs(fractions.reduce(0, +) - 1) < 1e-9,
            "randomSplit: fractions \(fractions) must be ≥ 0 and add up to 1")
    var lengths = fractions.map { Int(($0 * Double(dataset.count)).rounded(.down)) }
    for i in 0..<(dataset.count - lengths.reduce(0, +)) { lengths[i % lengths.count] += 1 }
    return randomSplit(dataset, lengths, seed: seed)
}
