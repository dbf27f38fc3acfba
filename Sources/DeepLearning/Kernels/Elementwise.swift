/// A function applied to every element, written once for a vector (a value, so it can carry a parameter
/// such as a slope).
protocol UnaryKernel { func apply(_ x: FloatVector) -> FloatVector }

/// A function of two elements, written once for a vector.
protocol BinaryKernel { func apply(_ a: FloatVector, _ b: FloatVector) -> FloatVector }

/// Raw loops over `Float` buffers. Generic over a kernel type (not a closure), so each use is specialized
/// and vectorized by the compiler. Tails shorter than a vector go through ``PartialLanes`` (zero-padded) so
/// that every element is computed by the same code.
enum Loops {
    typealias V = FloatVector
    static let width = V.scalarCount

    @inline(__always) static func loadPartial(_ p: UnsafePointer<Float>, _ n: Int) -> V { PartialLanes(count: n).load(p) }

    @inline(__always) static func storePartial(_ v: V, _ p: UnsafeMutablePointer<Float>, _ n: Int) { PartialLanes(count: n).store(v, p) }

    /// y[i] = K(x[i]) for i in 0..<n.
    @inline(__always)
    static func map<K: UnaryKernel>(_ k: K, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + width <= n {
            k.apply(V.load(x + i)).store(y + i)
            i += width
        }
        if i < n { storePartial(k.apply(loadPartial(x + i, n - i)), y + i, n - i) }
    }

    /// out[i] = K(a[i * sa], b[i * sb]) where each stride is 0 (a broadcast scalar) or 1.
    @inline(__always)
    static func zip<K: BinaryKernel>(_ k: K, _ a: UnsafePointer<Float>, _ sa: Int, _ b: UnsafePointer<Float>, _ sb: Int,
                                     _ out: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        switch (sa, sb) {
        case (1, 1):
            while i + width <= n { k.apply(V.load(a + i), V.load(b + i)).store(out + i); i += width }
            if i < n { storePartial(k.apply(loadPartial(a + i, n - i), loadPartial(b + i, n - i)), out + i, n - i) }
        case (1, 0):
            let bv = V(repeating: b[0])
            while i + width <= n { k.apply(V.load(a + i), bv).store(out + i); i += width }
            if i < n { storePartial(k.apply(loadPartial(a + i, n - i), bv), out + i, n - i) }
        case (0, 1):
            let av = V(repeating: a[0])
            while i + width <= n { k.apply(av, V.load(b + i)).store(out + i); i += width }
            if i < n { storePartial(k.apply(av, loadPartial(b + i, n - i)), out + i, n - i) }
        default:
            while i < n {
                var va = V(repeating: 0), vb = V(repeating: 0)
                let m = min(width, n - i)
                for j in 0..<m { va[j] = a[(i + j) * sa]; vb[j] = b[(i + j) * sb] }
                storePartial(k.apply(va, vb), out + i, m)
                i += m
            }
        }
    }
}

/// Shapes of up to three operands iterated together: dimensions of size 1 dropped and neighbours merged
/// where every operand is contiguous across them, so most broadcasts become a short loop of long rows.
struct StridedLayout {
    var shape: [Int] = []
    var strides: [[Int]]

    init(shape full: [Int], strides all: [[Int]]) {
        require(all.count <= 3, "StridedLayout: at most 3 operands, got \(all.count)")
        strides = Array(repeating: [], count: all.count)
        for d in full.indices where full[d] != 1 {
            if let last = shape.indices.last,
               all.indices.allSatisfy({ k in strides[k][last] == all[k][d] * full[d] }) {
                shape[last] *= full[d]
                for k in all.indices { strides[k][last] = all[k][d] }
            } else {
                shape.append(full[d])
                for k in all.indices { strides[k].append(all[k][d]) }
            }
        }
        if shape.isEmpty {
            shape = [1]
            for k in all.indices { strides[k] = [1] }
        }
    }

    /// Length of the innermost row.
    var rowLength: Int { shape.last! }
    /// Number of rows.
    var rowCount: Int { shape.dropLast().reduce(1, *) }

    /// Calls `body(row, offsets)` for every row, with each operand's element offset of the row's start
    /// (`offsets[k]` for operand k; at most three operands). The offsets of the first row come from its
    /// index; each next row steps them like an odometer, so the loop neither divides nor allocates.
    @inline(__always)
    func forEachRow(in rows: Range<Int>, _ body: (Int, RowOffsets) -> Void) {
        guard !rows.isEmpty else { return }
        let outer = shape.count - 1
        let operands = strides.count
        withUnsafeTemporaryAllocation(of: Int.self, capacity: Swift.max(outer, 1)) { index in
            var offsets = RowOffsets()
            var rem = rows.lowerBound
            for d in stride(from: outer - 1, through: 0, by: -1) {
                index[d] = rem % shape[d]
                rem /= shape[d]
                for k in 0..<operands { offsets[k] += index[d] * strides[k][d] }
            }
            for r in rows {
                body(r, offsets)
                var d = outer - 1
                while d >= 0 {
                    index[d] += 1
                    for k in 0..<operands { offsets[k] += strides[k][d] }
                    if index[d] < shape[d] { break }
                    for k in 0..<operands { offsets[k] -= shape[d] * strides[k][d] }
                    index[d] = 0
                    d -= 1
                }
            }
        }
    }
}

/// The element offsets of up to three operands at the start of one row of a ``StridedLayout``.
struct RowOffsets {
    private var values: (Int, Int, Int) = (0, 0, 0)

    @inline(__always) subscript(k: Int) -> Int {
        get { k == 0 ? values.0 : k == 1 ? values.1 : values.2 }
        set {
            switch k {
            case 0: values.0 = newValue
            case 1: values.1 = newValue
            default: values.2 = newValue
            }
        }
    }
}

/// Copies a strided view into a contiguous buffer.
func stridedCopy(from src: UnsafePointer<Float>, shape: [Int], strides: [Int], to dst: UnsafeMutablePointer<Float>) {
    let layout = StridedLayout(shape: shape, strides: [strides])
    let n = layout.rowLength, s = layout.strides[0].last!
    Parallel.forEach(layout.rowCount, costPerItem: n) { rows in
        layout.forEachRow(in: rows) { r, o in
            let from = src + o[0], to = dst + r * n
            if s == 1 {
                to.update(from: from, count: n)
            } else {
                for i in 0..<n { to[i] = from[i * s] }
            }
        }
    }
}

/// Writes a contiguous buffer into a strided view (the inverse of ``stridedCopy(from:shape:strides:to:)``).
func stridedWrite(from src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, shape: [Int], strides: [Int]) {
    let layout = StridedLayout(shape: shape, strides: [strides])
    let n = layout.rowLength, s = layout.strides[0].last!
    layout.forEachRow(in: 0..<layout.rowCount) { r, o in
        let from = src + r * n, to = dst + o[0]
        if s == 1 {
            to.update(from: from, count: n)
        } else {
            for i in 0..<n { to[i * s] = from[i] }
        }
    }
}
