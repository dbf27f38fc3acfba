/// An n-dimensional array of `Float`s that can record the operations made on it for automatic
/// differentiation.
///
/// `Tensor` is a value: shape, strides and offset into a reference-counted ``Storage``. Views (reshape,
/// transpose, slice, broadcast) share storage without copying; writing through a shared storage copies
/// it first (copy on write). A tensor that requires grad carries a ``GradNode``: for a leaf it holds the
/// accumulated gradient, for an op's result it records the inputs and the backward rule.
///
/// ```swift
/// let w = Tensor.randn([3, 4], seed: 0).requiringGrad()
/// let loss = Tensor([[1, 2, 3]]).matmul(w).relu().sum()
/// loss.backward()
/// w.grad   // shape [3, 4]
/// ```
public struct Tensor {
    /// The buffer this tensor (or view) reads from.
    public internal(set) var storage: Storage
    /// Size of each dimension; `[]` for a scalar.
    public internal(set) var shape: [Int]
    /// Elements to skip in `storage` to move one step along each dimension (0 for a broadcast dimension).
    public internal(set) var strides: [Int]
    /// Index in `storage` of the first element.
    public internal(set) var offset: Int
    /// Autograd record: nil for a tensor that does not require grad.
    var node: GradNode?

    init(storage: Storage, shape: [Int], strides: [Int], offset: Int = 0, node: GradNode? = nil) {
        self.storage = storage
        self.shape = shape
        self.strides = strides
        self.offset = offset
        self.node = node
    }

    /// A contiguous tensor whose elements are undefined; the caller writes all of them.
    init(uninitialized shape: [Int]) {
        let n = shape.reduce(1, *)
        self.init(storage: Storage(uninitializedCount: n), shape: shape, strides: Tensor.contiguousStrides(for: shape))
    }

    /// A contiguous tensor with the given shape, filled by `body` through a pointer to its elements.
    init(shape: [Int], filling body: (UnsafeMutablePointer<Float>, Int) -> Void) {
        self.init(uninitialized: shape)
        body(storage.base, count)
    }

    /// Row-major strides for a shape.
    static func contiguousStrides(for shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var s = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i] = s
            s *= shape[i]
        }
        return strides
    }

    /// Number of dimensions.
    public var rank: Int { shape.count }
    /// Number of elements (the product of the shape).
    public var count: Int { shape.reduce(1, *) }

    /// True when the elements lie in row-major order without gaps, so kernels can read them as one buffer.
    public var isContiguous: Bool {
        var expected = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) where shape[i] != 1 {
            if strides[i] != expected { return false }
            expected *= shape[i]
        }
        return true
    }

    /// A pointer to the first element, valid while `self` is alive. Only meaningful for contiguous tensors.
    var pointer: UnsafeMutablePointer<Float> { storage.base + offset }

    /// This tensor if it is contiguous, else a contiguous copy. Differentiable (the gradient passes through).
    public func contiguous() -> Tensor {
        if isContiguous { return self }
        var out = Tensor(uninitialized: shape)
        stridedCopy(from: storage.base + offset, shape: shape, strides: strides, to: out.pointer)
        if Tensor.shouldRecord(self) {
            out.attach("contiguous", self) { g in [g] }
        }
        return out
    }

    /// Calls `body` with the elements in row-major order as one contiguous buffer.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        let c = withNoGrad { contiguous() }
        return try withExtendedLifetime(c) { try body(UnsafeBufferPointer(start: c.pointer, count: c.count)) }
    }

    /// Makes the storage unique and contiguous so it can be written in place (copy on write).
    mutating func makeUniqueContiguous() {
        if isContiguous && isKnownUniquelyReferenced(&storage) && offset == 0 && storage.count == count { return }
        let node = self.node
        self = withNoGrad { Tensor(copying: self) }
        self.node = node
    }

    /// A contiguous copy that owns its own storage.
    init(copying other: Tensor) {
        self.init(uninitialized: other.shape)
        if other.isContiguous {
            pointer.update(from: other.pointer, count: count)
        } else {
            stridedCopy(from: other.storage.base + other.offset, shape: other.shape, strides: other.strides, to: pointer)
        }
    }

    /// The elements in row-major order.
    public var scalars: [Float] { withUnsafeBufferPointer { Array($0) } }

    /// The value of a one-element tensor.
    public var item: Float {
        require(count == 1, "item: tensor of shape \(shape) has \(count) elements, expected 1")
        return storage.base[offset]
    }

    /// The element at a multi-dimensional index.
    public func scalar(at index: [Int]) -> Float {
        storage.base[elementOffset(index, op: "scalar(at:)")]
    }

    private func elementOffset(_ index: [Int], op: String) -> Int {
        require(index.count == rank, "\(op): index \(index) has \(index.count) components for shape \(shape)")
        var o = offset
        for (d, i) in index.enumerated() {
            require(i >= 0 && i < shape[d], "\(op): index \(index) out of range for shape \(shape)")
            o += i * strides[d]
        }
        return o
    }
}
