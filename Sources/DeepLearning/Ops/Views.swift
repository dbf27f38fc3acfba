// Views: new shape and strides over the same storage, no copy. Each is differentiable; its backward
// rule applies the inverse view to the gradient.

extension Tensor {
    /// A view with the given shape (same elements in row-major order); one dimension may be -1 and is
    /// inferred. Copies only when this tensor is not contiguous.
    public func reshaped(to newShape: [Int]) -> Tensor {
        var target = newShape
        if let i = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != i }.reduce(1) { $0 * $1.element }
            require(known > 0 && count % known == 0, "reshaped(to:): cannot reshape \(shape) to \(newShape)")
            target[i] = count / known
        }
        require(target.reduce(1, *) == count, "reshaped(to:): cannot reshape \(shape) (\(count) elements) to \(newShape)")
        if target == shape { return self }
        if let strides = unitDimensionStrides(for: target) {
            // Only dimensions of size 1 added or removed: always a view, even of a non-contiguous tensor.
            var out = Tensor(storage: storage, shape: target, strides: strides, offset: offset)
            if Tensor.shouldRecord(self) {
                let inputShape = shape
                out.attach("reshape", self) { g in [g.reshaped(to: inputShape)] }
            }
            return out
        }
        let base = isContiguous ? self : contiguous()
        var out = Tensor(storage: base.storage, shape: target, strides: Tensor.contiguousStrides(for: target), offset: base.offset)
        if Tensor.shouldRecord(base) {
            let inputShape = shape
            out.attach("reshape", base) { g in [g.reshaped(to: inputShape)] }
        }
        return out
    }

    /// Strides for `target` when it differs from `shape` only by dimensions of size 1.
    private func unitDimensionStrides(for target: [Int]) -> [Int]? {
        let kept = shape.indices.filter { shape[$0] != 1 }
        guard kept.map({ shape[$0] }) == target.filter({ $0 != 1 }) else { return nil }
        var result = [Int](repeating: 1, count: target.count)
        var k = kept.count - 1
        var inner = 1
        for i in stride(from: target.count - 1, through: 0, by: -1) {
            if target[i] == 1 {
                result[i] = inner
            } else {
                result[i] = strides[kept[k]]
                inner = strides[kept[k]] * shape[kept[k]]
                k -= 1
            }
        }
        return result
    }

    /// Collapses the dimensions from `axis` to the end into one (as `torch.flatten(x, start_dim)`).
    public func flattened(from axis: Int = 0) -> Tensor {
        let a = rank == 0 ? 0 : normalizedAxis(axis, op: "flattened(from:)")
        return reshaped(to: Array(shape[..<a]) + [shape[a...].reduce(1, *)])
    }

    /// The dimensions reordered: dimension i of the result is dimension `axes[i]` of this tensor.
    public func permuted(_ axes: [Int]) -> Tensor {
        let axes = axes.map { normalizedAxis($0, op: "permuted") }
        require(axes.count == rank && Set(axes).count == rank, "permuted: \(axes) is not a permutation of the axes of \(shape)")
        var out = Tensor(storage: storage, shape: axes.map { shape[$0] }, strides: axes.map { strides[$0] }, offset: offset)
        if Tensor.shouldRecord(self) {
            var inverse = [Int](repeating: 0, count: rank)
            for (i, a) in axes.enumerated() { inverse[a] = i }
            out.attach("permute", self) { g in [g.permuted(inverse)] }
        }
        return out
    }

    /// Two dimensions swapped (the last two by default, the matrix transpose).
    public func transposed(_ axis0: Int = -2, _ axis1: Int = -1) -> Tensor {
        if rank < 2 { return self }
        var axes = Array(0..<rank)
        axes.swapAt(normalizedAxis(axis0, op: "transposed"), normalizedAxis(axis1, op: "transposed"))
        return permuted(axes)
    }

    /// Dimension `source` moved to position `destination`, the others keeping their order.
    public func movingAxis(_ source: Int, to destination: Int) -> Tensor {
        var axes = Array(0..<rank)
        let s = normalizedAxis(source, op: "movingAxis"), d = normalizedAxis(destination, op: "movingAxis")
        axes.remove(at: s)
        axes.insert(s, at: d)
        return permuted(axes)
    }

    /// A broadcast view with the given shape: dimensions of size 1 (or missing at the front) repeat
    /// without copying (stride 0). The gradient is summed back.
    public func expanded(to target: [Int]) -> Tensor {
        if target == shape { return self }
        require(target.count >= rank, "expanded(to:): cannot expand \(shape) to \(target)")
        for (i, d) in shape.enumerated() {
            let t = target[target.count - rank + i]
            require(d == t || d == 1, "expanded(to:): cannot expand \(shape) to \(target)")
        }
        var out = Tensor(storage: storage, shape: target, strides: broadcastStrides(to: target), offset: offset)
        if Tensor.shouldRecord(self) {
            let inputShape = shape
            out.attach("expand", self) { g in [g.sum(toShape: inputShape)] }
        }
        return out
    }

    /// The dimensions of size 1 removed (or only `axis`, which must have size 1).
    public func squeezed(axis: Int? = nil) -> Tensor {
        if let axis {
            let a = normalizedAxis(axis, op: "squeezed")
            require(shape[a] == 1, "squeezed: axis \(axis) of shape \(shape) has size \(shape[a]), not 1")
            var s = shape
            s.remove(at: a)
            return reshaped(to: s)
        }
        return reshaped(to: shape.filter { $0 != 1 })
    }

    /// A dimension of size 1 inserted at `axis` (negative counts from the end of the result).
    public func unsqueezed(at axis: Int) -> Tensor {
        let a = axis < 0 ? axis + rank + 1 : axis
        require(a >= 0 && a <= rank, "unsqueezed: axis \(axis) out of range for shape \(shape)")
        var s = shape
        s.insert(1, at: a)
        return reshaped(to: s)
    }

    /// Elements `range` (every `step`-th) along `axis`, as a view.
    public func sliced(alongAxis axis: Int, _ range: Range<Int>, step: Int = 1) -> Tensor {
        let a = normalizedAxis(axis, op: "slice")
        require(step > 0, "slice: step must be positive, got \(step)")
        require(range.lowerBound >= 0 && range.upperBound <= shape[a],
                     "slice: range \(range) out of bounds for axis \(axis) of shape \(shape)")
        var newShape = shape, newStrides = strides
        newShape[a] = (range.count + step - 1) / step
        newStrides[a] = strides[a] * step
        var out = Tensor(storage: storage, shape: newShape, strides: newStrides, offset: offset + range.lowerBound * strides[a])
        if Tensor.shouldRecord(self) {
            let inputShape = shape
            out.attach("slice", self) { g in
                [Tensor.scattering(g, into: inputShape) { $0.sliced(alongAxis: a, range, step: step) }]
            }
        }
        return out
    }

    /// Zeros of `shape` with `g` written into the view that `view` selects (the adjoint of a view).
    static func scattering(_ g: Tensor, into shape: [Int], view: (Tensor) -> Tensor) -> Tensor {
        let zeros = Tensor.zeros(shape)
        let target = view(zeros)
        let src = g.contiguous()
        stridedWrite(from: src.pointer, to: zeros.storage.base + target.offset, shape: target.shape, strides: target.strides)
        return zeros
    }

}
