extension Tensor {
    /// A scalar (rank-0) tensor.
    public init(_ value: Float) {
        self.init(shape: []) { p, _ in p[0] = value }
    }

    /// A tensor with the given elements in row-major order and the given shape.
    public init(_ scalars: [Float], shape: [Int]) {
        require(shape.allSatisfy { $0 >= 0 }, "Tensor(_:shape:): negative dimension in \(shape)")
        require(scalars.count == shape.reduce(1, *),
                     "Tensor(_:shape:): \(scalars.count) elements do not fill shape \(shape)")
        self.init(shape: shape) { p, n in scalars.withUnsafeBufferPointer { p.update(from: $0.baseAddress!, count: n) } }
    }

    /// A 1-D tensor.
    public init(_ scalars: [Float]) { self.init(scalars, shape: [scalars.count]) }

    /// A 2-D tensor from rows of equal length.
    public init(_ rows: [[Float]]) {
        let width = rows.first?.count ?? 0
        require(rows.allSatisfy { $0.count == width }, "Tensor(_:): rows have different lengths")
        self.init(rows.flatMap { $0 }, shape: [rows.count, width])
    }

    /// A 3-D tensor from nested arrays of equal lengths.
    public init(_ planes: [[[Float]]]) {
        let inner = planes.map { Tensor($0) }
        self = Tensor.stacked(inner.isEmpty ? [Tensor([[Float]]())] : inner)
    }

    /// A 4-D tensor from nested arrays of equal lengths.
    public init(_ blocks: [[[[Float]]]]) {
        self = Tensor.stacked(blocks.map { Tensor($0) })
    }

    /// A tensor of the given shape with every element equal to `value`.
    public static func full(_ shape: [Int], _ value: Float) -> Tensor {
        Tensor(shape: shape) { p, n in p.update(repeating: value, count: n) }
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) -> Tensor {
        Tensor(storage: Storage(zeroedCount: shape.reduce(1, *)), shape: shape, strides: contiguousStrides(for: shape))
    }

    /// A tensor of ones.
    public static func ones(_ shape: [Int]) -> Tensor { full(shape, 1) }

    /// Zeros with the shape of `other`.
    public static func zeros(like other: Tensor) -> Tensor { zeros(other.shape) }

    /// Ones with the shape of `other`.
    public static func ones(like other: Tensor) -> Tensor { ones(other.shape) }

    /// 0, 1, …, up to `end` (exclusive), like `torch.arange(end)`.
    public static func arange(_ end: Float) -> Tensor { arange(0, end) }

    /// Values from `start` (inclusive) to `end` (exclusive) spaced by `step`, like `torch.arange`.
    public static func arange(_ start: Float, _ end: Float, step: Float = 1) -> Tensor {
        require(step != 0, "arange: step must not be 0")
        let n = Swift.max(0, Int((Double(end - start) / Double(step)).rounded(.up)))
        return Tensor(shape: [n]) { p, n in for i in 0..<n { p[i] = start + Float(i) * step } }
    }

    /// `count` evenly spaced values from `start` to `end`, both included, like `torch.linspace`.
    public static func linspace(_ start: Float, _ end: Float, count: Int) -> Tensor {
        require(count >= 0, "linspace: count must be >= 0, got \(count)")
        return Tensor(shape: [count]) { p, n in
            let step = n > 1 ? (Double(end) - Double(start)) / Double(n - 1) : 0
            for i in 0..<n { p[i] = Float(Double(start) + Double(i) * step) }
            if n > 1 { p[n - 1] = end }
        }
    }

    /// The identity matrix of size n × m (m defaults to n).
    public static func eye(_ n: Int, _ m: Int? = nil) -> Tensor {
        let m = m ?? n
        let t = zeros([n, m])
        for i in 0..<Swift.min(n, m) { t.storage.base[i * m + i] = 1 }
        return t
    }
}
