/// An associative reduction (sum, max, min) written for a vector and for one scalar. Max and min propagate
/// NaN (as `torch.max`/`torch.min`): once an accumulator holds NaN, it stays NaN.
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
        a.replacing(with: b, where: (b .> a) .| (b .!= b))
    }
    @inline(__always) static func combine(_ a: Float, _ b: Float) -> Float { b > a || b.isNaN ? b : a }
}

enum MinKernel: ReduceKernel {
    static var identity: Float { .infinity }
    @inline(__always) static func combine(_ a: FloatVector, _ b: FloatVector) -> FloatVector {
        a.replacing(with: b, where: (b .< a) .| (b .!= b))
    }
    @inline(__always) static func combine(_ a: Float, _ b: Float) -> Float { b < a || b.isNaN ? b : a }
}

extension Loops {
    /// Floats per block of ``reduce``: each lane of each of its eight accumulators adds 32 of them (with
    /// AVX-512; 64 with 8-lane vectors) in a chain.
    static let reductionBlock = 4096

    /// Reduces n contiguous elements as a cascade (as PyTorch's cascade sum): a block of
    /// ``reductionBlock`` floats is added by eight independent vector accumulators (the compiler may not
    /// reorder float additions by itself, and a plain loop is an order of magnitude slower), and the blocks'
    /// vectors are combined pairwise (a binary counter of partial vectors, one step per block). A lane's
    /// chain of additions is 32 + log₂(n/4096) long instead of n/64, so `(ones([5, 68, 64, 64]) * 0.1).sum()
    /// * 10` is within 1 of PyTorch's 1392640.1 (one chain per lane over the whole row gave 1393246.9).
    /// The counter's branches run once per 4096 floats, so the loop runs as fast as a plain four-accumulator
    /// loop (`deep bench core` sum; a cascade of 1024-float blocks cost 12%).
    @inline(__always)
    static func reduce<K: ReduceKernel>(_: K.Type, _ p: UnsafePointer<Float>, _ n: Int) -> Float {
        if n < reductionBlock { return reduceBlock(K.self, p, n) }
        // levels[l] holds the combination of 2^l blocks; 64 levels cover any n.
        return withUnsafeTemporaryAllocation(of: V.self, capacity: Int.bitWidth) { levels in
            var blocks = 0, i = 0
            while i + reductionBlock <= n {
                var v = reduceBlockVector(K.self, p + i)
                var level = 0
                while blocks >> level & 1 == 1 { v = K.combine(levels[level], v); level += 1 }
                levels[level] = v
                blocks += 1
                i += reductionBlock
            }
            var total = V(repeating: K.identity), level = 0
            while blocks >> level != 0 {
                if blocks >> level & 1 == 1 { total = K.combine(levels[level], total) }
                level += 1
            }
            return K.combine(horizontal(K.self, total), reduceBlock(K.self, p + i, n - i))
        }
    }

    /// One whole block of ``reductionBlock`` floats, reduced to one vector by eight accumulators.
    @inline(__always)
    private static func reduceBlockVector<K: ReduceKernel>(_: K.Type, _ p: UnsafePointer<Float>) -> V {
        var a0 = V.load(p), a1 = V.load(p + width), a2 = V.load(p + 2 * width), a3 = V.load(p + 3 * width)
        var a4 = V.load(p + 4 * width), a5 = V.load(p + 5 * width), a6 = V.load(p + 6 * width), a7 = V.load(p + 7 * width)
        var i = 8 * width
        while i < reductionBlock {
            a0 = K.combine(a0, V.load(p + i))
            a1 = K.combine(a1, V.load(p + i + width))
            a2 = K.combine(a2, V.load(p + i + 2 * width))
            a3 = K.combine(a3, V.load(p + i + 3 * width))
            a4 = K.combine(a4, V.load(p + i + 4 * width))
            a5 = K.combine(a5, V.load(p + i + 5 * width))
            a6 = K.combine(a6, V.load(p + i + 6 * width))
            a7 = K.combine(a7, V.load(p + i + 7 * width))
            i += 8 * width
        }
        return K.combine(K.combine(K.combine(a0, a1), K.combine(a2, a3)), K.combine(K.combine(a4, a5), K.combine(a6, a7)))
    }

    /// The lanes of `v` combined pairwise (halves, then quarters, ...): a chain of log₂ width, not width. Each
    /// step combines the vector with itself, its halves (then quarters, ...) swapped, so lane 0 ends with the
    /// same pairs in the same order as v[j] ⊕ v[j + half]; whole-vector steps, because lane-by-lane code for
    /// the same order compiled to scalar extracts and branches (a third of a 128-float row's softmax max).
    @inline(__always)
    static func horizontal<K: ReduceKernel>(_: K.Type, _ v: V) -> Float {
        var v = v
        #if DEEPLEARNING_AVX512
        v = K.combine(v, V(lowHalf: v.highHalf, highHalf: v.lowHalf))
        #endif
        v = K.combine(v, LaneSwap.halves(v))
        v = K.combine(v, LaneSwap.quarters(v))
        v = K.combine(v, LaneSwap.pairs(v))
        return v[0]
    }

    /// Fewer than a block (n < ``reductionBlock``) of contiguous elements, by four accumulators.
    @inline(__always)
    private static func reduceBlock<K: ReduceKernel>(_: K.Type, _ p: UnsafePointer<Float>, _ n: Int) -> Float {
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
        var r = horizontal(K.self, K.combine(K.combine(a0, a1), K.combine(a2, a3)))
        while i < n { r = K.combine(r, p[i]); i += 1 }
        return r
    }

    /// Rows per block of ``reduceMiddle``: each output element adds this many rows in a chain before blocks are
    /// combined pairwise. 32 keeps 200,000 rows of 0.1 within 3 ulp of the exact sum (1024: 100 ulp).
    static let middleBlockRows = 32

    /// For a contiguous [outer, length, inner] buffer: out[o, j] = reduce over r of x[o, r, j]. When inner > 1
    /// the rows are added in blocks of ``middleBlockRows`` rows, and the blocks' partial rows combined
    /// pairwise (a binary counter of partial rows), so a long axis keeps its accuracy.
    /// `threads` (the cores' count by default) sets how the columns are split; the result does not depend on it.
    static func reduceMiddle<K: ReduceKernel>(_: K.Type, _ x: UnsafePointer<Float>, outer: Int, length: Int, inner: Int,
                                             _ out: UnsafeMutablePointer<Float>, threads: Int = Parallel.threadCount) {
        if inner == 1 {
            Parallel.forEach(outer, costPerItem: length) { rows in
                for o in rows { out[o] = reduce(K.self, x + o * length, length) }
            }
            return
        }
        // Work items are (o, block of columns): with one outer slice (a bias gradient, Σ over the rows of
        // [N, features]) the columns are what splits across cores. Each column's sum runs in the same order
        // whatever the split.
        let columnBlock = Swift.max(width, (inner + threads - 1) / threads + width - 1) / width * width
        let columnBlocks = outer >= threads ? 1 : (inner + columnBlock - 1) / columnBlock
        let blockColumns = columnBlocks == 1 ? inner : columnBlock
        /// dst[0..<columns] = combine(dst, rows of src), src's rows `inner` apart.
        @inline(__always) func accumulate(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, _ rows: Range<Int>, _ columns: Int) {
            for r in rows {
                let row = src + r * inner
                var j = 0
                while j + width <= columns { K.combine(V.load(dst + j), V.load(row + j)).store(dst + j); j += width }
                while j < columns { dst[j] = K.combine(dst[j], row[j]); j += 1 }
            }
        }
        @inline(__always) func combine(into dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, _ columns: Int) {
            accumulate(dst, src, 0..<1, columns)
        }
        let block = middleBlockRows
        Parallel.forEach(outer * columnBlocks, costPerItem: length * blockColumns) { items in
            // levels[l] holds the combination of 2^l blocks of rows; one more row for the block being summed.
            let levelCount = Int.bitWidth - ((length + block - 1) / block).leadingZeroBitCount + 1
            // One block of rows (length ≤ block) is summed straight into the output: no scratch (one float, so the
            // buffer has an address).
            let scratchCount = length <= block ? 1 : (levelCount + 1) * blockColumns
            withUnsafeTemporaryAllocation(of: Float.self, capacity: scratchCount) { scratch in
                let levels = scratch.baseAddress!, current = levels + levelCount * blockColumns
                for item in items {
                    let o = item / columnBlocks, first = item % columnBlocks * blockColumns
                    let columns = Swift.min(blockColumns, inner - first)
                    let dst = out + o * inner + first, src = x + o * length * inner + first
                    if length <= block {
                        dst.update(repeating: K.identity, count: columns)
                        accumulate(dst, src, 0..<length, columns)
                        continue
                    }
                    var blocks = 0, start = 0
                    while start < length {
                        current.update(repeating: K.identity, count: columns)
                        accumulate(current, src, start..<Swift.min(length, start + block), columns)
                        var level = 0
                        while blocks >> level & 1 == 1 { combine(into: current, levels + level * blockColumns, columns); level += 1 }
                        (levels + level * blockColumns).update(from: current, count: columns)
                        blocks += 1
                        start += block
                    }
                    dst.update(repeating: K.identity, count: columns)
                    for level in 0..<levelCount where blocks >> level & 1 == 1 { combine(into: dst, levels + level * blockColumns, columns) }
                }
            }
        }
    }
}

/// The dot product of two contiguous rows on raw buffers (layer norm's variance, attention's softmax backward):
/// two vector accumulators of fused multiply-adds and a scalar tail, for rows of tens to thousands of floats.
/// Plain sums of a row go to ``Loops/reduce(_:_:_:)``.
enum RowMath {
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        typealias V = FloatVector
        let w = V.scalarCount
        var s0 = V(repeating: 0), s1 = V(repeating: 0)
        var j = 0
        while j + 2 * w <= n {
            s0 = .multiplyAdd(V.load(a + j), V.load(b + j), s0)
            s1 = .multiplyAdd(V.load(a + j + w), V.load(b + j + w), s1)
            j += 2 * w
        }
        var s = Loops.horizontal(SumKernel.self, s0 + s1)
        while j < n { s += a[j] * b[j]; j += 1 }
        return s
    }
}

/// Lane permutations of a `FloatVector` within each group of 8 lanes, for ``Loops``' horizontal reductions:
/// lane j takes lane j ^ 4 (`halves`), j ^ 2 (`quarters`) or j ^ 1 (`pairs`).
enum LaneSwap {
    @inline(__always) static func halves(_ v: FloatVector) -> FloatVector { map8(v) { SIMD8(lowHalf: $0.highHalf, highHalf: $0.lowHalf) } }
    @inline(__always) static func quarters(_ v: FloatVector) -> FloatVector {
        map8(v) { SIMD8(lowHalf: SIMD4(lowHalf: $0.lowHalf.highHalf, highHalf: $0.lowHalf.lowHalf),
                        highHalf: SIMD4(lowHalf: $0.highHalf.highHalf, highHalf: $0.highHalf.lowHalf)) }
    }
    @inline(__always) static func pairs(_ v: FloatVector) -> FloatVector {
        map8(v) { x in SIMD8(x[1], x[0], x[3], x[2], x[5], x[4], x[7], x[6]) }
    }

    @inline(__always) private static func map8(_ v: FloatVector, _ f: (SIMD8<Float>) -> SIMD8<Float>) -> FloatVector {
        #if DEEPLEARNING_AVX512
        return FloatVector(lowHalf: f(v.lowHalf), highHalf: f(v.highHalf))
        #else
        return f(v)
        #endif
    }
}
