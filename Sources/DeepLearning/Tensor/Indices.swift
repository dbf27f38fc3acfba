extension Tensor {
    /// The elements read as indices in `0..<bound` (whole numbers stored as Floats), for the ops that pick by
    /// index: embedding, gathering, indexSelect and the losses over class indices.
    ///
    /// An element that is NaN, ±∞, not a whole number or outside `0..<bound` stops the program with a message
    /// naming `op`, the value and its position in this tensor, e.g.
    /// `Embedding(4, 2): index nan at position [1] of indices of shape [2] is not a whole number` — where Swift's
    /// `Int(_:)` would die with "Float value cannot be converted to Int" (PyTorch: "index out of range in self").
    /// An element equal to `ignoring` is returned as −1 (a loss's `ignoreIndex`).
    ///
    /// - Parameters:
    ///   - bound: the number of rows, classes or positions the indices pick from.
    ///   - op: the op's or layer's name, first in the message.
    ///   - what: the word for one element in the message ("index", "target").
    func checkedIndices(below bound: Int, op: @autoclosure () -> String, what: String = "index", ignoring: Int? = nil) -> [Int] {
        let values = scalars
        let noun = what == "index" ? "indices" : what
        var result = [Int](repeating: 0, count: values.count)
        for (flat, v) in values.enumerated() {
            guard v.isFinite && v == v.rounded() else {
                failure("\(op()): \(what) \(v) at position \(position(ofFlatIndex: flat)) of \(noun) of shape \(shape) is not a whole number")
            }
            // A whole Float beyond Int's range (Float(Int.max) rounds up to 2^63) gives nil here, not a trap.
            let i = Int(exactly: v)
            if let ignoring, i == ignoring { result[flat] = -1; continue }
            guard let i, i >= 0 && i < bound else {
                failure("\(op()): \(what) \(i.map(String.init) ?? "\(v)") at position \(position(ofFlatIndex: flat)) of \(noun) of shape \(shape) is out of range 0..<\(bound)")
            }
            result[flat] = i
        }
        return result
    }

    /// The multi-dimensional position of the element at `flat` in row-major order (`[]` for a scalar).
    func position(ofFlatIndex flat: Int) -> [Int] {
        var rest = flat
        var position = [Int](repeating: 0, count: rank)
        for d in stride(from: rank - 1, through: 0, by: -1) where shape[d] > 0 {
            position[d] = rest % shape[d]
            rest /= shape[d]
        }
        return position
    }
}
