// The embedding lookup as an op: the rows of a table picked by indices, and its backward rule (each output
// row's gradient added into the row it came from). The layer that owns the table is Layers/Embedding.swift.

/// The rows of `weight` [V, D] picked by `indices` (any shape, whole numbers as Floats): shape
/// indices.shape + [D], as `torch.nn.functional.embedding`. The gradient of `weight` adds each output row's
/// gradient into the row it came from (repeated indices accumulate), except for row `paddingIdx`.
public func embedding(_ indices: Tensor, weight: Tensor, paddingIdx: Int? = nil) -> Tensor {
    require(weight.rank == 2, "embedding: weight of shape \(weight.shape) must have rank 2")
    let (rows, dim) = (weight.shape[0], weight.shape[1])
    let idx = indices.checkedIndices(below: rows, op: "Embedding(\(rows), \(dim))")
    let w = withNoGrad { weight.contiguous() }
    // yₖ = W[idxₖ]
    var out = Tensor(uninitialized: indices.shape + [dim])
    RowKernels.gather(w.pointer, width: dim, indices: idx, into: out.pointer)
    if Tensor.shouldRecord(weight) {
        // ∂W[i] = Σ_{k: idxₖ = i} ∂yₖ, and 0 for the padding row.
        out.attach("embedding", weight) { g in
            let dw = Tensor.zeros([rows, dim])
            RowKernels.scatterAdd(g.contiguous().pointer, width: dim, indices: idx, skipping: paddingIdx, into: dw.pointer)
            return [dw]
        }
    }
    return out
}
