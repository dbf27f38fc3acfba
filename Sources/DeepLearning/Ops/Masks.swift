// Tensor helpers for attention masks: the triangles of a matrix (triu, tril), filling the masked places
// with a value (maskedFill), and the causal mask of a Transformer decoder. Masks are Float tensors
// (non-zero = true), as everywhere in this library.

extension Tensor {
    /// The elements on and above diagonal `diagonal` of the last two dimensions, zeros below, as
    /// `torch.triu`. Diagonal 0 is the main one; k > 0 starts k places right of it, k < 0 below it.
    ///
    /// Shapes: [..., m, n] → [..., m, n] (infinities above the diagonal stay). Backward: the gradient passes
    /// where the element was kept.
    public func triu(diagonal: Int = 0) -> Tensor {
        require(rank >= 2, "triu: input of shape \(shape) must have at least 2 dimensions")
        return Tensor.where(Tensor.triangle(rows: shape[rank - 2], columns: shape[rank - 1]) { i, j in j - i >= diagonal }, self, Tensor(0))
    }

    /// The elements on and below diagonal `diagonal` of the last two dimensions, zeros above, as
    /// `torch.tril`. Diagonal 0 is the main one; k > 0 keeps k more diagonals above it, k < 0 drops some below.
    ///
    /// Shapes: [..., m, n] → [..., m, n]. Backward: the gradient passes where the element was kept.
    public func tril(diagonal: Int = 0) -> Tensor {
        require(rank >= 2, "tril: input of shape \(shape) must have at least 2 dimensions")
        return Tensor.where(Tensor.triangle(rows: shape[rank - 2], columns: shape[rank - 1]) { i, j in j - i <= diagonal }, self, Tensor(0))
    }

    /// A [rows, columns] matrix of 1 where `keep(i, j)` and 0 elsewhere.
    static func triangle(rows: Int, columns: Int, _ keep: (Int, Int) -> Bool) -> Tensor {
        Tensor(shape: [rows, columns]) { p, _ in
            for i in 0..<rows { for j in 0..<columns { p[i * columns + j] = keep(i, j) ? 1 : 0 } }
        }
    }

    /// This tensor with `value` wherever `mask` is non-zero, as `torch.Tensor.masked_fill`.
    ///
    /// Shapes: self [...], mask broadcastable to self's shape → self's shape. Backward: the gradient of
    /// self passes where the mask is zero and is zero where the value was written. The mask is not
    /// differentiable.
    public func maskedFill(_ mask: Tensor, _ value: Float) -> Tensor {
        require(Tensor.broadcastShapes(shape, mask.shape, op: "maskedFill") == shape,
                "maskedFill: mask of shape \(mask.shape) does not broadcast to the input's shape \(shape)")
        return Tensor.where(mask.detached(), Tensor(value), self)
    }
}

/// The additive causal mask of a sequence of `size` steps, as `nn.Transformer.generate_square_subsequent_mask`:
/// a [size, size] matrix of 0 on and below the diagonal and −∞ above it, so that added to attention scores
/// position i attends to positions 0...i only.
public func squareSubsequentMask(_ size: Int) -> Tensor {
    require(size >= 0, "squareSubsequentMask: size \(size) must not be negative")
    return Tensor(shape: [size, size]) { p, _ in
        for i in 0..<size { for j in 0..<size { p[i * size + j] = j > i ? -.infinity : 0 } }
    }
}
