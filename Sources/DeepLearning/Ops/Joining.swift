// Ops that join, split, pick and pad: concatenated, stacked, split, indexSelect, gathering, padded.

extension Tensor {
    /// Tensors joined along an existing axis (all other dimensions equal), as `torch.cat`.
    public static func concatenated(_ tensors: [Tensor], alongAxis axis: Int = 0) -> Tensor {
        require(!tensors.isEmpty, "concatenated: no tensors")
        let first = tensors[0]
        let a = first.normalizedAxis(axis, op: "concatenated")
        for t in tensors {
            require(t.rank == first.rank && t.shape.indices.allSatisfy { $0 == a || t.shape[$0] == first.shape[$0] },
                         "concatenated: shapes \(tensors.map(\.shape)) differ outside axis \(axis)")
        }
        var shape = first.shape
        shape[a] = tensors.reduce(0) { $0 + $1.shape[a] }
        let out = Tensor(uninitialized: shape)
        let outer = shape[..<a].reduce(1, *)
        let innerOut = shape[a...].reduce(1, *)
        var start = 0
        for t in tensors {
            let c = t.contiguous()
            let inner = t.shape[a...].reduce(1, *)
            for o in 0..<outer {
                (out.pointer + o * innerOut + start).update(from: c.pointer + o * inner, count: inner)
            }
            start += inner
        }
        var result = out
        if shouldRecord(tensors) {
            let sizes = tensors.map { $0.shape[a] }
            result.attach("concatenated", inputs: tensors) { g in g.split(sizes: sizes, alongAxis: a).map { $0 } }
        }
        return result
    }

    /// Tensors of equal shape joined along a new axis, as `torch.stack`.
    public static func stacked(_ tensors: [Tensor], alongAxis axis: Int = 0) -> Tensor {
        require(!tensors.isEmpty, "stacked: no tensors")
        require(tensors.allSatisfy { $0.shape == tensors[0].shape }, "stacked: shapes \(tensors.map(\.shape)) differ")
        return concatenated(tensors.map { $0.unsqueezed(at: axis) }, alongAxis: axis)
    }

    /// Views of consecutive pieces along `axis` with the given sizes (which must add up to the dimension).
    public func split(sizes: [Int], alongAxis axis: Int = 0) -> [Tensor] {
        let a = normalizedAxis(axis, op: "split")
        require(sizes.reduce(0, +) == shape[a], "split: sizes \(sizes) do not add up to \(shape[a]) (axis \(axis) of \(shape))")
        var start = 0
        return sizes.map { n in
            defer { start += n }
            return sliced(alongAxis: a, start..<(start + n))
        }
    }

    /// Pieces of `size` along `axis` (the last may be smaller), as `torch.split(x, size)`; an empty axis
    /// gives one empty piece, as PyTorch's.
    public func split(size: Int, alongAxis axis: Int = 0) -> [Tensor] {
        let n = shape[normalizedAxis(axis, op: "split")]
        require(size > 0, "split: size \(size) must be positive")
        if n == 0 { return split(sizes: [0], alongAxis: axis) }
        return split(sizes: stride(from: 0, to: n, by: size).map { Swift.min(size, n - $0) }, alongAxis: axis)
    }

    /// The entries `indices` along `axis`, as `torch.index_select`. The gradient is scatter-added back, so
    /// repeated indices accumulate.
    public func indexSelect(alongAxis axis: Int, indices: [Int]) -> Tensor {
        let a = normalizedAxis(axis, op: "indexSelect")
        let n = shape[a]
        for i in indices { require(i >= 0 && i < n, "indexSelect: index \(i) out of range for axis \(axis) of shape \(shape)") }
        let c = withNoGrad { contiguous() }
        let outer = shape[..<a].reduce(1, *), inner = shape[(a + 1)...].reduce(1, *)
        var outShape = shape
        outShape[a] = indices.count
        var out = Tensor(uninitialized: outShape)
        for o in 0..<outer {
            for (j, i) in indices.enumerated() {
                (out.pointer + (o * indices.count + j) * inner).update(from: c.pointer + (o * n + i) * inner, count: inner)
            }
        }
        if Tensor.shouldRecord(self) {
            let inputShape = shape
            out.attach("indexSelect", self) { g in
                let gc = g.contiguous()
                let result = Tensor.zeros(inputShape)
                for o in 0..<outer {
                    for (j, i) in indices.enumerated() {
                        let dst = result.pointer + (o * n + i) * inner, src = gc.pointer + (o * indices.count + j) * inner
                        Loops.zip(AddKernel(), dst, 1, src, 1, dst, inner)
                    }
                }
                return [result]
            }
        }
        return out
    }

    /// `indexSelect` with indices held in a tensor (as Floats).
    public func indexSelect(alongAxis axis: Int, indices: Tensor) -> Tensor {
        indexSelect(alongAxis: axis, indices: indices.checkedIndices(below: shape[normalizedAxis(axis, op: "indexSelect")], op: "indexSelect"))
    }

    /// out[i][j][k] = self[i][index[i][j][k]][k] for axis 1 (and likewise for any axis), as `torch.gather`.
    /// `index` has this tensor's rank; its sizes may be smaller except along `axis`, where any size works.
    public func gathering(alongAxis axis: Int, indices index: Tensor) -> Tensor {
        let a = normalizedAxis(axis, op: "gathering")
        require(index.rank == rank, "gathering: index of shape \(index.shape) for input of shape \(shape): ranks differ")
        for d in 0..<rank where d != a {
            require(index.shape[d] <= shape[d], "gathering: index of shape \(index.shape) larger than input \(shape) at axis \(d)")
        }
        let idx = index.checkedIndices(below: shape[a], op: "gathering")
        let source = withNoGrad { contiguous() }
        let inStrides = source.strides
        let outStrides = Tensor.contiguousStrides(for: index.shape)
        // Position in the contiguous input of each output element.
        var positions = [Int](repeating: 0, count: idx.count)
        for (flat, i) in idx.enumerated() {
            require(i >= 0 && i < shape[a], "gathering: index \(i) out of range for axis \(axis) of shape \(shape)")
            var rem = flat, p = 0
            for d in 0..<rank {
                p += (d == a ? i : rem / outStrides[d]) * inStrides[d]
                rem %= outStrides[d]
            }
            positions[flat] = p
        }
        var out = Tensor(uninitialized: index.shape)
        for (k, p) in positions.enumerated() { out.pointer[k] = source.pointer[p] }
        if Tensor.shouldRecord(self) {
            let inputShape = shape
            out.attach("gathering", self) { g in
                let gc = g.contiguous()
                let result = Tensor.zeros(inputShape)
                for (k, p) in positions.enumerated() { result.pointer[p] += gc.pointer[k] }
                return [result]
            }
        }
        return out
    }

    /// Constant padding: `padding[i] = (before, after)` elements added to dimension i (missing leading
    /// entries mean no padding), as `torch.nn.functional.pad` with mode "constant".
    public func padded(_ padding: [(before: Int, after: Int)], value: Float = 0) -> Tensor {
        require(padding.count <= rank, "padded: \(padding.count) padding pairs for shape \(shape)")
        let pads = Array(repeating: (before: 0, after: 0), count: rank - padding.count) + padding
        require(pads.allSatisfy { $0.before >= 0 && $0.after >= 0 }, "padded: negative padding \(padding)")
        let outShape = zip(shape, pads).map { $0 + $1.before + $1.after }
        let out = Tensor.full(outShape, value)
        var view = out
        for (d, p) in pads.enumerated() { view = view.sliced(alongAxis: d, p.before..<(p.before + shape[d])) }
        let src = withNoGrad { contiguous() }
        stridedWrite(from: src.pointer, to: out.storage.base + view.offset, shape: view.shape, strides: view.strides)
        var result = out
        if Tensor.shouldRecord(self) {
            result.attach("padded", self) { g in
                var v = g
                for (d, p) in pads.enumerated() { v = v.sliced(alongAxis: d, p.before..<(p.before + self.shape[d])) }
                return [v]
            }
        }
        return result
    }
}
