// Reductions along any set of axes, with keepDims: sum, mean, max, min, argmax, argmin, variance.

extension Tensor {
    /// Axes normalised, sorted and checked; an empty list means every axis.
    func reductionAxes(_ axes: [Int], op: String) -> [Int] {
        if axes.isEmpty { return Array(0..<rank) }
        let normalized = Set(axes.map { normalizedAxis($0, op: op) }).sorted()
        return normalized
    }

    /// Shape with the reduced axes kept as size 1.
    func keptShape(_ axes: [Int]) -> [Int] {
        var s = shape
        for a in axes { s[a] = 1 }
        return s
    }

    /// Shape with the reduced axes removed.
    func droppedShape(_ axes: [Int]) -> [Int] {
        shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
    }

    /// Reduces the given (sorted) axes with kernel K; the result has the kept shape. No autograd.
    func reduced<K: ReduceKernel>(_: K.Type, axes: [Int]) -> Tensor {
        var current = isContiguous ? self : withNoGrad { contiguous() }
        var shape = self.shape
        var d = rank - 1
        while d >= 0 {
            guard axes.contains(d) else { d -= 1; continue }
            var start = d
            while start > 0 && axes.contains(start - 1) { start -= 1 }
            let outer = shape[..<start].reduce(1, *)
            let length = shape[start...d].reduce(1, *)
            let inner = shape[(d + 1)...].reduce(1, *)
            for a in start...d { shape[a] = 1 }
            let out = Tensor(uninitialized: shape)
            Loops.reduceMiddle(K.self, current.pointer, outer: outer, length: length, inner: inner, out.pointer)
            current = out
            d = start - 1
        }
        if rank == 0 { return Tensor(copying: current) }
        return current
    }

    /// Sum of the elements along `axes` (every axis when empty).
    public func sum(alongAxes axes: [Int], keepDims: Bool = false) -> Tensor {
        let axes = reductionAxes(axes, op: "sum")
        let kept = keptShape(axes)
        var out = reduced(SumKernel.self, axes: axes)
        if !keepDims { out = withNoGrad { out.reshaped(to: droppedShape(axes)) } }
        if Tensor.shouldRecord(self) {
            let inputShape = shape
            out.attach("sum", self) { g in [g.reshaped(to: kept).expanded(to: inputShape)] }
        }
        return out
    }

    /// Sum along one axis.
    public func sum(alongAxis axis: Int, keepDims: Bool = false) -> Tensor { sum(alongAxes: [axis], keepDims: keepDims) }

    /// Sum of all elements, as a scalar tensor.
    public func sum() -> Tensor { sum(alongAxes: []) }

    /// Mean along `axes` (every axis when empty).
    public func mean(alongAxes axes: [Int], keepDims: Bool = false) -> Tensor {
        let axes = reductionAxes(axes, op: "mean")
        let n = axes.reduce(1) { $0 * shape[$1] }
        return sum(alongAxes: axes, keepDims: keepDims) * (1 / Float(n))
    }

    /// Mean along one axis.
    public func mean(alongAxis axis: Int, keepDims: Bool = false) -> Tensor { mean(alongAxes: [axis], keepDims: keepDims) }

    /// Mean of all elements.
    public func mean() -> Tensor { mean(alongAxes: []) }

    /// Variance along `axes`: Σ(x − x̄)² / (N − correction). `unbiased` (the default, as `torch.var`) uses
    /// N − 1; batch normalization uses the biased form. N ≤ correction (one element, unbiased, or none)
    /// gives NaN, as PyTorch's.
    public func variance(alongAxes axes: [Int], keepDims: Bool = false, unbiased: Bool = true) -> Tensor {
        let axes = reductionAxes(axes, op: "variance")
        let n = axes.reduce(1) { $0 * shape[$1] }
        let centered = self - mean(alongAxes: axes, keepDims: true)
        return centered.square().sum(alongAxes: axes, keepDims: keepDims) * Self.reciprocalOfDivisor(n, correction: unbiased ? 1 : 0)
    }

    /// 1 / max(N − correction, 0), as `torch.var`'s divisor: infinite when N ≤ correction, so that the sum
    /// of squares (0 there, or NaN) gives NaN or infinity as PyTorch's.
    static func reciprocalOfDivisor(_ n: Int, correction: Int) -> Float { 1 / Float(Swift.max(n - correction, 0)) }

    /// Variance of one axis.
    public func variance(alongAxis axis: Int, keepDims: Bool = false, unbiased: Bool = true) -> Tensor {
        variance(alongAxes: [axis], keepDims: keepDims, unbiased: unbiased)
    }

    /// Standard deviation along `axes`: √(Σ(x − x̄)² / (N − correction)), as
    /// `torch.std(x, dim, correction=1, keepdim)`: `correction` 1 (the default) is Bessel's, 0 the
    /// population's. N ≤ correction gives infinity or NaN, as PyTorch's. `[]` reduces every axis.
    public func std(alongAxes axes: [Int], keepDims: Bool = false, correction: Int = 1) -> Tensor {
        let axes = reductionAxes(axes, op: "std")
        let n = axes.reduce(1) { $0 * shape[$1] }
        let centered = self - mean(alongAxes: axes, keepDims: true)
        return (centered.square().sum(alongAxes: axes, keepDims: keepDims) * Self.reciprocalOfDivisor(n, correction: correction)).sqrt()
    }

    /// Standard deviation along one axis (see ``std(alongAxes:keepDims:correction:)``).
    public func std(alongAxis axis: Int, keepDims: Bool = false, correction: Int = 1) -> Tensor {
        std(alongAxes: [axis], keepDims: keepDims, correction: correction)
    }

    /// Standard deviation of all elements, as `x.std()`.
    public func std(correction: Int = 1) -> Tensor { std(alongAxes: [], correction: correction) }

    /// Shared code of max and min: the gradient is spread evenly over the elements equal to the extreme (as
    /// `torch.max()`'s evenly_distribute_backward). A NaN anywhere makes the extreme NaN; its gradient is then
    /// spread evenly over the NaN elements (max of [nan, nan] gives gradient [0.5, 0.5], as `torch.max()`;
    /// along axes `torch.amax` gives NaN gradients there, and we keep the whole-tensor rule per slice).
    /// An empty reduced axis stops the program, as in PyTorch (an extreme of nothing has no value).
    private func extreme<K: ReduceKernel>(_ k: K.Type, _ op: String, axes: [Int], keepDims: Bool) -> Tensor {
        let axes = reductionAxes(axes, op: op)
        for a in axes { require(shape[a] > 0, "\(op): axis \(a) of shape \(shape) is empty") }
        let kept = keptShape(axes)
        let keptValues = reduced(K.self, axes: axes)
        var out = keepDims ? keptValues : withNoGrad { keptValues.reshaped(to: droppedShape(axes)) }
        if Tensor.shouldRecord(self) {
            let x = detached()
            out.attach(op, self) { g in
                var mask = x .== keptValues
                if keptValues.scalars.contains(where: \.isNaN) { mask = mask + (x .!= x) * (keptValues .!= keptValues) }
                let ties = mask.sum(alongAxes: axes, keepDims: true)
                return [mask * (g.reshaped(to: kept) / ties)]
            }
        }
        return out
    }

    /// Maximum along `axes` (every axis when empty).
    public func max(alongAxes axes: [Int], keepDims: Bool = false) -> Tensor { extreme(MaxKernel.self, "max", axes: axes, keepDims: keepDims) }
    /// Maximum along one axis.
    public func max(alongAxis axis: Int, keepDims: Bool = false) -> Tensor { max(alongAxes: [axis], keepDims: keepDims) }
    /// Largest element.
    public func max() -> Tensor { max(alongAxes: []) }
    /// Minimum along `axes` (every axis when empty).
    public func min(alongAxes axes: [Int], keepDims: Bool = false) -> Tensor { extreme(MinKernel.self, "min", axes: axes, keepDims: keepDims) }
    /// Minimum along one axis.
    public func min(alongAxis axis: Int, keepDims: Bool = false) -> Tensor { min(alongAxes: [axis], keepDims: keepDims) }
    /// Smallest element.
    public func min() -> Tensor { min(alongAxes: []) }

    /// Index of the largest element along `axis` (the first one on ties), as a Float tensor of indices. NaN
    /// counts as larger than everything (the first NaN wins), as `torch.argmax`.
    public func argmax(alongAxis axis: Int, keepDims: Bool = false) -> Tensor {
        argExtreme(axis, keepDims, op: "argmax") { $0 > $1 || ($0.isNaN && !$1.isNaN) }
    }
    /// Index of the smallest element along `axis` (the first one on ties). NaN counts as smaller than
    /// everything (the first NaN wins), as `torch.argmin`.
    public func argmin(alongAxis axis: Int, keepDims: Bool = false) -> Tensor {
        argExtreme(axis, keepDims, op: "argmin") { $0 < $1 || ($0.isNaN && !$1.isNaN) }
    }

    private func argExtreme(_ axis: Int, _ keepDims: Bool, op: String, _ better: (Float, Float) -> Bool) -> Tensor {
        let a = normalizedAxis(axis, op: op)
        let moved = withNoGrad { movingAxis(a, to: rank - 1).contiguous() }
        let n = shape[a]
        require(n > 0, "\(op): axis \(axis) of shape \(shape) is empty")
        let rows = moved.count / n
        var out = Tensor(uninitialized: [rows])
        let src = moved.pointer
        for r in 0..<rows {
            let row = src + r * n
            var best = 0
            for i in 1..<n where better(row[i], row[best]) { best = i }
            out.storage.base[r] = Float(best)
        }
        out = out.reshaped(to: keepDims ? keptShape([a]) : droppedShape([a]))
        return out
    }
}
