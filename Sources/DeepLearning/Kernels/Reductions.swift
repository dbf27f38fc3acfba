/// An associative reduction (sum, max, min) written for a vector and for one scalar.
protocol ReduceKernel {
    static var identity: Float { get }
    static func combine(_ a: FloatVector, _ b: FloatVector) -> FloatVector
    static func combine(_ a: Float, _ b: Float) -> Float
}

enum SumKernel: ReduceKernel {
    static var identity: Float { 0 }
    @inline(__always) static func combine(_ a: FloatVector, _ b: FloatVector) -> FloatVector { a + b }
    @inline(__always) static func combine(_ a: Float, _ b: Float) -> Float { a + b }
}

enum MaxKernel: ReduceKernel {
    static var identity: Float { -.infinity }
    @inline(__always) static func combine(_ a: FloatVector, _ b: FloatVector) -> FloatVector {
        a.replacing(with: b, where: b .> a)
    }
    @inline(__always) static func combine(_ a: Float, _ b: Float) -> Float { b > a ? b : a }
}

enum MinKernel: ReduceKernel {
    static var identity: Float { .infinity }
    @inline(__always) static func combine(_ a: FloatVector, _ b: FloatVector) -> FloatVector {
        a.replacing(with: b, where: b .< a)
    }
    @inline(__always) static func combine(_ a: Float, _ b: Float) -> Float { b < a ? b : a }
}

extension Loops {
    /// Reduces n contiguous elements. Four independent vector accumulators, because the compiler may not
    /// reorder float additions by itself (a plain loop is an order of magnitude slower).
    @inline(__always)
    static func reduce<K: ReduceKernel>(_: K.Type, _ p: UnsafePointer<Float>, _ n: Int) -> Float {
        var a0 = V(repeating: K.identity), a1 = a0, a2 = a0, a3 = a0
        var i = 0
        while i + 4 * width <= n {
            a0 = K.combine(a0, V.load(p + i))
            a1 = K.combine(a1, V.load(p + i + width))
            a2 = K.combine(a2, V.load(p + i + 2 * width))
            a3 = K.combine(a3, V.load(p + i + 3 * width))
            i += 4 * width
        }
        while i + width <= n { a0 = K.combine(a0, V.load(p + i)); i += width }
        let v = K.combine(K.combine(a0, a1), K.combine(a2, a3))
        var r = K.identity
        for j in 0..<width { r = K.combine(r, v[j]) }
        while i < n { r = K.combine(r, p[i]); i += 1 }
        return r
    }

    /// For a contiguous [outer, length, inner] buffer: out[o, j] = reduce over r of x[o, r, j].
    static func reduceMiddle<K: ReduceKernel>(_: K.Type, _ x: UnsafePointer<Float>, outer: Int, length: Int, inner: Int,
                                             _ out: UnsafeMutablePointer<Float>) {
        if inner == 1 {
            Parallel.forEach(outer, costPerItem: length) { rows in
                for o in rows { out[o] = reduce(K.self, x + o * length, length) }
            }
            return
        }
        Parallel.forEach(outer, costPerItem: length * inner) { rows in
            for o in rows {
                let dst = out + o * inner
                let src = x + o * length * inner
                dst.update(repeating: K.identity, count: inner)
                for r in 0..<length {
                    let row = src + r * inner
                    var j = 0
                    while j + width <= inner { K.combine(V.load(dst + j), V.load(row + j)).store(dst + j); j += width }
                    while j < inner { dst[j] = K.combine(dst[j], row[j]); j += 1 }
                }
            }
        }
    }
}
