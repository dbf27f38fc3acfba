/// A function applied to every element, written once for 8 lanes (a value, so it can carry a parameter
/// such as a slope).
protocol UnaryKernel { func apply(_ x: SIMD8<Float>) -> SIMD8<Float> }

/// A function of two elements, written once for 8 lanes.
protocol BinaryKernel { func apply(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> }

/// Raw loops over `Float` buffers. Generic over a kernel type (not a closure), so each use is specialized
/// and vectorized by the compiler. Tails shorter than 8 go through a zero-padded vector so that every
/// element is computed by the same code.
enum Loops {
    typealias V = SIMD8<Float>

    @inline(__always) static func loadPartial(_ p: UnsafePointer<Float>, _ n: Int) -> V {
        var v = V(repeating: 0)
        for i in 0..<n { v[i] = p[i] }
        return v
    }

    @inline(__always) static func storePartial(_ v: V, _ p: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { p[i] = v[i] }
    }

    /// y[i] = K(x[i]) for i in 0..<n.
    @inline(__always)
    static func map<K: UnaryKernel>(_ k: K, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + 8 <= n {
            k.apply(V.load(x + i)).store(y + i)
            i += 8
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
            while i + 8 <= n { k.apply(V.load(a + i), V.load(b + i)).store(out + i); i += 8 }
            if i < n { storePartial(k.apply(loadPartial(a + i, n - i), loadPartial(b + i, n - i)), out + i, n - i) }
        case (1, 0):
            let bv = V(repeating: b[0])
            while i + 8 <= n { k.apply(V.load(a + i), bv).store(out + i); i += 8 }
            if i < n { storePartial(k.apply(loadPartial(a + i, n - i), bv), out + i, n - i) }
        case (0, 1):
            let av = V(repeating: a[0])
            while i + 8 <= n { k.apply(av, V.load(b + i)).store(out + i); i += 8 }
            if i < n { storePartial(k.apply(av, loadPartial(b + i, n - i)), out + i, n - i) }
        default:
            while i < n {
                var va = V(repeating: 0), vb = V(repeating: 0)
                let m = min(8, n - i)
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

    /// Calls `body(row, offsets)` for every row, with each operand's element offset of the row's start.
    @inline(__always)
    func forEachRow(in rows: Range<Int>, _ body: (Int, [Int]) -> Void) {
        let outer = shape.count - 1
        for r in rows {
            var rem = r
            var offsets = [Int](repeating: 0, count: strides.count)
            for d in stride(from: outer - 1, through: 0, by: -1) {
                let i = rem % shape[d]
                rem /= shape[d]
                for k in strides.indices { offsets[k] += i * strides[k][d] }
            }
            body(r, offsets)
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

/// How a kernel reads and writes one block of 8 elements: all of them in the loop, or only the first
/// `count` in a row's last block (the other lanes read as 0 and are not written). Each access pattern is its
/// own specialization, so the loop body stays a clean vector loop.
protocol Lanes {
    func load(_ p: UnsafePointer<Float>) -> FloatVector
    func store(_ v: FloatVector, _ p: UnsafeMutablePointer<Float>)
}

/// The vector of the element-wise kernels: 8 floats.
typealias FloatVector = SIMD8<Float>

/// Eight whole elements.
struct FullLanes: Lanes {
    @inline(__always) func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> { .load(p) }
    @inline(__always) func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) { v.store(p) }
}

/// The first `count` (< 8) elements.
struct PartialLanes: Lanes {
    let count: Int
    @inline(__always) func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> { Loops.loadPartial(p, count) }
    @inline(__always) func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) { Loops.storePartial(v, p, count) }
}
