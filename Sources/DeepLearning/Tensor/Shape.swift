extension Tensor {
    /// The NumPy broadcast of two shapes: aligned at the right, each dimension equal or 1.
    public static func broadcastShapes(_ a: [Int], _ b: [Int], op: String) -> [Int] {
        if a == b { return a }
        let n = Swift.max(a.count, b.count)
        var out = [Int](repeating: 1, count: n)
        for i in 0..<n {
            let da = i < n - a.count ? 1 : a[i - (n - a.count)]
            let db = i < n - b.count ? 1 : b[i - (n - b.count)]
            require(da == db || da == 1 || db == 1, "\(op): shapes \(a) and \(b) cannot be broadcast together")
            out[i] = da == 1 ? db : da
        }
        return out
    }

    /// Strides that read this tensor as if it had `target` shape (0 along broadcast dimensions).
    func broadcastStrides(to target: [Int]) -> [Int] {
        let lead = target.count - rank
        return target.indices.map { i in
            i < lead || shape[i - lead] == 1 ? 0 : strides[i - lead]
        }
    }

    /// A dimension index in 0..<rank; negative values count from the end, as in PyTorch.
    func normalizedAxis(_ axis: Int, op: String, rank r: Int? = nil) -> Int {
        let r = r ?? rank
        let a = axis < 0 ? axis + r : axis
        require(a >= 0 && a < Swift.max(r, 1), "\(op): axis \(axis) out of range for shape \(shape)")
        return a
    }

    /// Sums a broadcast gradient back to `target` shape (the adjoint of broadcasting).
    public func sum(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        let lead = rank - target.count
        require(lead >= 0, "sum(toShape:): cannot reduce \(shape) to \(target)")
        var axes = Array(0..<lead)
        for (i, d) in target.enumerated() where d == 1 && shape[lead + i] != 1 { axes.append(lead + i) }
        return sum(alongAxes: axes, keepDims: false).reshaped(to: target)
    }
}
