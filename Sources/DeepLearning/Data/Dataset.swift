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
