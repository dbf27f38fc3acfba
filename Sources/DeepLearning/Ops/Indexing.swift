// Indexing and writing as NumPy and PyTorch users write them: `x[1]`, `x[.all, 0..<4]`, `x[1..., ..<3]`,
// `x[..., 0]`, `x[-1]`, `x[.slice(step: 2)]`, and the same subscripts on the left of `=` (`x[0] = t`,
// `x[.all, 0..<4] = 0`), `setScalar`, and compound assignment (`x *= 2`, `w -= lr * w.grad!`).
//
// Reading gives a view (no copy, differentiable). Writing follows one rule, in `write(_:into:op:)`:
// - a leaf that requires grad (a parameter) is written in place in its storage, which every copy of it
//   shares (so a model and its optimizer see the new values), and only inside `withNoGrad`, as PyTorch's
//   in-place updates of leaves under `torch.no_grad()`; it stays a leaf;
// - a tensor on the tape (the result of an op that requires grad) gets a new value and a new tape entry:
//   the gradient flows to the written values, and to the old values everywhere else;
// - any other tensor is a value: the write copies the storage first when it is shared (copy on write),
//   so writing into `var v = x[0]` never changes `x`, whether by `setScalar` or by a subscript.

/// One component of a subscript: an index (removes its dimension; negative counts from the end), a slice
/// (start, end and step, as Python's `start:end:step`), the whole dimension, `...` (as many whole
/// dimensions as needed) or a new dimension of size 1 (NumPy's `None`).
///
/// Integers and Swift ranges convert to it, so a subscript mixes them freely: `x[.all, 0..<4]`,
/// `x[1..., ..<3]`, `x[-1]`, `x[2...5]`, `x[.ellipsis, 0]` (or `x[..., 0]` when `...` comes first).
public struct TensorIndex {
    enum Kind {
        case index(Int)
        case slice(start: Int?, end: Int?, endIncluded: Bool, step: Int)
        case all, ellipsis, newAxis
    }
    let kind: Kind
}

/// A value that can stand in a tensor subscript: `Int`, `Range<Int>`, `ClosedRange<Int>`, the partial
/// ranges (`1...`, `..<3`, `...2`) and ``TensorIndex`` itself.
public protocol TensorIndexConvertible {
    /// The subscript component this value means.
    var tensorIndex: TensorIndex { get }
}

extension TensorIndex: TensorIndexConvertible {
    public var tensorIndex: TensorIndex { self }
}

extension TensorIndexConvertible where Self == TensorIndex {
    /// The whole dimension (Python's `:`).
    public static var all: TensorIndex { TensorIndex(kind: .all) }
    /// As many whole dimensions as the other components leave (Python's `...`); at most one per subscript.
    public static var ellipsis: TensorIndex { TensorIndex(kind: .ellipsis) }
    /// A new dimension of size 1 (NumPy's `None`, `np.newaxis`).
    public static var newAxis: TensorIndex { TensorIndex(kind: .newAxis) }
    /// One entry; the dimension is removed. Negative counts from the end.
    public static func index(_ i: Int) -> TensorIndex { TensorIndex(kind: .index(i)) }
    /// Entries `range`, every `step`-th (Python's `lower:upper:step`).
    public static func range(_ range: Range<Int>, step: Int = 1) -> TensorIndex {
        TensorIndex(kind: .slice(start: range.lowerBound, end: range.upperBound, endIncluded: false, step: step))
    }
    /// Python's `start:end:step` with any bound left out: `.slice(step: 2)` is `::2`, `.slice(-3)` is `-3:`.
    public static func slice(_ start: Int? = nil, _ end: Int? = nil, step: Int = 1) -> TensorIndex {
        TensorIndex(kind: .slice(start: start, end: end, endIncluded: false, step: step))
    }
}

extension Int: TensorIndexConvertible {
    public var tensorIndex: TensorIndex { .index(self) }
}
extension Range: TensorIndexConvertible where Bound == Int {
    public var tensorIndex: TensorIndex { .slice(lowerBound, upperBound) }
}
extension ClosedRange: TensorIndexConvertible where Bound == Int {
    public var tensorIndex: TensorIndex { TensorIndex(kind: .slice(start: lowerBound, end: upperBound, endIncluded: true, step: 1)) }
}
extension PartialRangeFrom: TensorIndexConvertible where Bound == Int {
    public var tensorIndex: TensorIndex { .slice(lowerBound, nil) }
}
extension PartialRangeUpTo: TensorIndexConvertible where Bound == Int {
    public var tensorIndex: TensorIndex { .slice(nil, upperBound) }
}
extension PartialRangeThrough: TensorIndexConvertible where Bound == Int {
    public var tensorIndex: TensorIndex { TensorIndex(kind: .slice(start: nil, end: upperBound, endIncluded: true, step: 1)) }
}

extension Tensor {
    /// Indexing as in NumPy and PyTorch. Reading gives a view that shares storage (differentiable); an
    /// integer removes its dimension, a range slices it, `.all` keeps it, `.ellipsis` stands for as many
    /// whole dimensions as needed, `.newAxis` inserts one of size 1; missing trailing components mean
    /// `.all`. Negative indices and slice bounds count from the end; slice bounds past the end are clipped
    /// (as Python's), an integer index out of range is an error.
    ///
    /// Assigning writes `newValue`, broadcast to the selected shape (a `Float` fills:
    /// `x[.all, 0] = Tensor(0)`), following the rule at the top of Ops/Indexing.swift: a parameter is
    /// written in place (inside `withNoGrad`), a tensor on the tape gets a differentiable write, any other
    /// tensor is copied first if its storage is shared.
    public subscript(_ indices: any TensorIndexConvertible...) -> Tensor {
        get { indexed(indices.map(\.tensorIndex)) }
        set { write(newValue, op: "subscript") { $0.indexed(indices.map(\.tensorIndex)) } }
    }

    /// `x[..., 0]`: the leading `...` of NumPy (as many whole dimensions as the other components leave).
    public subscript(_ ellipsis: UnboundedRange, _ indices: any TensorIndexConvertible...) -> Tensor {
        get { indexed([.ellipsis] + indices.map(\.tensorIndex)) }
        set { write(newValue, op: "subscript") { $0.indexed([.ellipsis] + indices.map(\.tensorIndex)) } }
    }

    /// A subscript from an array of components (for code that builds one).
    public subscript(indices indices: [TensorIndex]) -> Tensor {
        get { indexed(indices) }
        set { write(newValue, op: "subscript") { $0.indexed(indices) } }
    }

    /// The view that `indices` select (see ``subscript(_:)-(TensorIndexConvertible...)``).
    func indexed(_ indices: [TensorIndex]) -> Tensor {
        let consuming = indices.filter {
            switch $0.kind { case .ellipsis, .newAxis: return false; default: return true }
        }.count
        let ellipses = indices.filter { if case .ellipsis = $0.kind { return true } else { return false } }.count
        require(ellipses <= 1, "subscript: more than one ellipsis in \(indices.count) components")
        require(consuming <= rank, "subscript: \(consuming) indices for shape \(shape)")
        var out = self
        var axis = 0
        for index in indices {
            switch index.kind {
            case .all:
                axis += 1
            case .ellipsis:
                axis += rank - consuming
            case .newAxis:
                out = out.unsqueezed(at: axis)
                axis += 1
            case let .slice(start, end, endIncluded, step):
                require(step > 0, "subscript: slice step must be positive, got \(step) (as PyTorch's)")
                let n = out.shape[axis]
                func clamped(_ i: Int) -> Int { Swift.min(Swift.max(i, 0), n) }
                let lower = start.map { clamped($0 < 0 ? $0 + n : $0) } ?? 0
                let upper = end.map { clamped(($0 < 0 ? $0 + n : $0) + (endIncluded ? 1 : 0)) } ?? n
                out = out.sliced(alongAxis: axis, lower..<Swift.max(lower, upper), step: step)
                axis += 1
            case let .index(i):
                let n = out.shape[axis]
                let j = i < 0 ? i + n : i
                require(j >= 0 && j < n, "subscript: index \(i) out of range for axis \(axis) of shape \(out.shape)")
                out = out.sliced(alongAxis: axis, j..<(j + 1)).squeezed(axis: axis)
            }
        }
        return out
    }

    // MARK: Writing

    /// Writes `values`, broadcast to the shape of the view `region` selects, into that view of this tensor,
    /// following the rule at the top of this file. `op` names the caller in error messages.
    mutating func write(_ values: Tensor, op: String, region: @escaping (Tensor) -> Tensor) {
        if let node, node.isLeaf {
            require(!GradMode.isEnabled, "\(op): in-place update of a leaf that requires grad (shape \(shape)) outside "
                + "withNoGrad; write withNoGrad { … } around it (as torch.no_grad()), or make a new tensor")
            Tensor.writeElements(values, into: withNoGrad { region(self) }, op: op)
        } else if GradMode.isEnabled && (node != nil || values.node != nil) {
            self = Tensor.writing(values, into: self, op: op, region: region)
        } else {
            makeUniqueContiguous()
            Tensor.writeElements(values, into: withNoGrad { region(self) }, op: op)
        }
    }

    /// `base` with `values` written into `region(base)`, as a new tensor on the tape: the gradient of the
    /// written elements goes to `values` (summed over its broadcast dimensions), the rest goes to `base`.
    private static func writing(_ values: Tensor, into base: Tensor, op: String, region: @escaping (Tensor) -> Tensor) -> Tensor {
        var out = withNoGrad { Tensor(copying: base) }
        Tensor.writeElements(values, into: withNoGrad { region(out) }, op: op)
        let valueShape = values.shape
        out.attach("write", base, values) { g in
            let gBase = Tensor(copying: g)
            writeElements(Tensor(0), into: region(gBase), op: op)
            let written = region(g)
            var broadcastShape = valueShape  // without the leading 1s that writeElements dropped
            while broadcastShape.count > written.rank && broadcastShape.first == 1 { broadcastShape.removeFirst() }
            return [gBase, written.sum(toShape: broadcastShape).reshaped(to: valueShape)]
        }
        return out
    }

    /// Copies `values` (broadcast) into the elements of the view `target`; no autograd, no copy on write.
    static func writeElements(_ values: Tensor, into target: Tensor, op: String) {
        var v = values
        while v.rank > target.rank && v.shape.first == 1 { v = v.detached().squeezed(axis: 0) }  // as PyTorch's copy_
        let fits = v.rank <= target.rank && zip(v.shape.reversed(), target.shape.reversed()).allSatisfy { $0 == $1 || $0 == 1 }
        require(fits, "\(op): values of shape \(values.shape) cannot be broadcast to the selected shape \(target.shape)")
        // Values that share the target's storage (x[1...] = x[..<3]) are read in full before anything is written.
        let source = v.storage === target.storage ? Tensor(copying: v) : v
        let src = withNoGrad { source.expanded(to: target.shape).contiguous() }
        withExtendedLifetime(src) {
            stridedWrite(from: src.pointer, to: target.storage.base + target.offset, shape: target.shape, strides: target.strides)
        }
    }

    /// Writes one element, as `x[i, j] = Tensor(value)` (the same rule: a parameter in place under
    /// `withNoGrad`, a tensor on the tape differentiably, any other tensor after copy on write).
    public mutating func setScalar(_ value: Float, at index: [Int]) {
        require(index.count == rank, "setScalar(_:at:): index \(index) has \(index.count) components for shape \(shape)")
        for (d, i) in index.enumerated() {
            require(i >= 0 && i < shape[d], "setScalar(_:at:): index \(index) out of range for shape \(shape)")
        }
        self[indices: index.map { .index($0) }] = Tensor(value)
    }

    /// `a ∘= b` for a compound assignment: in place for a parameter (under `withNoGrad`, where the result
    /// must keep `a`'s shape), a new value of `a` otherwise (recorded on the tape when either requires grad).
    static func compoundAssign(_ a: inout Tensor, _ b: Tensor, op: String, _ f: (Tensor, Tensor) -> Tensor) {
        if let node = a.node, node.isLeaf {
            require(!GradMode.isEnabled, "\(op): in-place update of a leaf that requires grad (shape \(a.shape)) outside "
                + "withNoGrad; write withNoGrad { … } around it (as torch.no_grad()), or make a new tensor")
            let result = f(a, b)
            require(result.shape == a.shape, "\(op): the result of shape \(result.shape) does not fit the parameter of shape \(a.shape)")
            writeElements(result, into: a, op: op)
        } else {
            a = f(a, b)
        }
    }

    /// `a += b`. For a parameter inside `withNoGrad`, an in-place update that keeps it a leaf (as PyTorch's
    /// `w.add_(b)`); otherwise `a = a + b`.
    public static func += (a: inout Tensor, b: Tensor) { compoundAssign(&a, b, op: "+=", +) }
    /// `a -= b`: `withNoGrad { w -= lr * w.grad! }` updates the parameter `w` in place (see `+=(_:_:)`).
    public static func -= (a: inout Tensor, b: Tensor) { compoundAssign(&a, b, op: "-=", -) }
    /// `a *= b` (see `+=(_:_:)`).
    public static func *= (a: inout Tensor, b: Tensor) { compoundAssign(&a, b, op: "*=", *) }
    /// `a /= b` (see `+=(_:_:)`).
    public static func /= (a: inout Tensor, b: Tensor) { compoundAssign(&a, b, op: "/=", /) }
    /// `x += 1` (see `+=(_:_:)`).
    public static func += (a: inout Tensor, b: Float) { a += Tensor(b) }
    /// `x -= 1` (see `+=(_:_:)`).
    public static func -= (a: inout Tensor, b: Float) { a -= Tensor(b) }
    /// `x *= 2` (see `+=(_:_:)`).
    public static func *= (a: inout Tensor, b: Float) { a *= Tensor(b) }
    /// `x /= 2` (see `+=(_:_:)`).
    public static func /= (a: inout Tensor, b: Float) { a /= Tensor(b) }
}
