/// Where a sliding window lies over one image: the sizes of the input planes and of the window, how it
/// moves (stride), how far it reaches past the edges (padding, read as zeros) and how spread its taps are
/// (dilation). Shared by convolution (im2col) and pooling.
///
/// The output size along each axis is ⌊(in + 2·pad − dilation·(k − 1) − 1) / stride⌋ + 1, as PyTorch's.
struct WindowGeometry {
    var channels: Int
    var height: Int, width: Int
    var kernelHeight: Int, kernelWidth: Int
    var strideH: Int, strideW: Int
    var padH: Int, padW: Int
    var dilationH: Int = 1, dilationW: Int = 1

    var outHeight: Int { (height + 2 * padH - dilationH * (kernelHeight - 1) - 1) / strideH + 1 }
    var outWidth: Int { (width + 2 * padW - dilationW * (kernelWidth - 1) - 1) / strideW + 1 }
    /// Elements of one input plane.
    var plane: Int { height * width }
    /// Elements of one output plane (L, the columns of the im2col matrix).
    var outPlane: Int { outHeight * outWidth }
    /// Taps of the window over all channels (K, the rows of the im2col matrix).
    var patchSize: Int { channels * kernelHeight * kernelWidth }
    /// True when the im2col matrix is the input itself (1×1 window, stride 1, no padding).
    var isPointwise: Bool { kernelHeight == 1 && kernelWidth == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0 }

    /// The outputs o in 0..<count whose input index o·stride + offset falls inside 0..<size.
    @inline(__always)
    static func validRange(offset: Int, stride: Int, size: Int, count: Int) -> Range<Int> {
        // o·stride + offset ≥ 0  ⇔  o ≥ ⌈−offset / stride⌉;  o·stride + offset ≤ size − 1  ⇔  o ≤ ⌊(size − 1 − offset) / stride⌋
        let lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        let last = size - 1 - offset
        let hi = last < 0 ? 0 : Swift.min(count, last / stride + 1)
        return Swift.min(lo, hi)..<hi
    }
}

/// im2col and col2im: the rearrangement that turns a convolution into one matrix product.
///
/// For one image x [C, H, W], column l = (oh, ow) of the matrix col [C·kh·kw, OH·OW] holds the window under
/// output pixel (oh, ow), row r = (c, i, j) the tap (i, j) of channel c; taps that fall in the padding are
/// 0. Then y [O, OH·OW] = W [O, C·kh·kw] · col. col2im is the adjoint: it adds each column back onto the
/// pixels it was read from (overlapping windows accumulate), which is how ∂x is made from ∂col = Wᵀ·∂y.
///
/// Both work on whole rows. For a tap (c, i, j) and output row oh the valid outputs form one range of ow,
/// computed once, so the inner loop is a plain copy (stride 1) or a strided gather with no bounds test.
/// And when the vertical dilation is a multiple t of the vertical stride (t = 1 in the usual stride-1
/// convolution), tap (c, i + 1, j) reads what tap (c, i, j) read t output rows later: its row of col is
/// the previous one shifted by t·OW, one long copy, plus t fresh output rows. col2im likewise sums the kh
/// rows of a (c, j) with long shifted adds first, then adds OH + (kh − 1)·t short rows to the image
/// instead of OH·kh.
enum Im2col {
    /// Rows here are short (8–30 floats): 8 lanes whatever the kernels' width (Kernels/Vector.swift).
    typealias V = ShortVector

    /// Output rows between the windows of vertically neighbouring taps, when that is a whole number.
    @inline(__always) static func rowShift(_ g: WindowGeometry) -> Int {
        g.dilationH % g.strideH == 0 ? g.dilationH / g.strideH : 0
    }

    /// Writes col [patchSize, outPlane] for one image x [channels, height, width].
    static func im2col(_ g: WindowGeometry, _ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>) {
        if g.strideW == 2 { return im2colStrideTwo(g, x, col) }
        im2colByRows(g, x, col)
    }

    /// ``im2col(_:_:_:)`` one output row at a time with edge tests (any stride and dilation).
    static func im2colByRows(_ g: WindowGeometry, _ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>) {
        let oh = g.outHeight, ow = g.outWidth, sw = g.strideW, l = oh &* ow
        let shift = rowShift(g)
        let tapStride = g.kernelWidth &* l  // from tap (c, i, j) to (c, i + 1, j)
        var row = col
        for c in 0..<g.channels {
            let plane = x + c &* g.plane
            for i in 0..<g.kernelHeight {
                let rowOffset = i &* g.dilationH &- g.padH
                let rows = WindowGeometry.validRange(offset: rowOffset, stride: g.strideH, size: g.height, count: oh)
                for j in 0..<g.kernelWidth {
                    let colOffset = j &* g.dilationW &- g.padW
                    let cols = WindowGeometry.validRange(offset: colOffset, stride: sw, size: g.width, count: ow)
                    var fresh = 0..<oh
                    if i > 0 && shift > 0 && shift < oh {
                        copy(row - tapStride + shift &* ow, row, (oh &- shift) &* ow)
                        fresh = (oh &- shift)..<oh
                    }
                    // Output rows `fresh`: zero above and below the image, else the valid columns copied.
                    let inside = fresh.clamped(to: rows)
                    if inside.isEmpty {
                        zero(row + fresh.lowerBound &* ow, fresh.count &* ow)
                    } else {
                        zero(row + fresh.lowerBound &* ow, (inside.lowerBound &- fresh.lowerBound) &* ow)
                        let lo = cols.lowerBound, hi = cols.upperBound, n = cols.count
                        var dst = row + inside.lowerBound &* ow
                        var src = plane + ((inside.lowerBound &* g.strideH &+ rowOffset) &* g.width &+ colOffset)
                        let step = g.strideH &* g.width
                        if sw == 1 {
                            for _ in inside {
                                zero(dst, lo)
                                copy(src + lo, dst + lo, n)
                                zero(dst + hi, ow &- hi)
                                dst += ow; src += step
                            }
                        } else {
                            for _ in inside {
                                zero(dst, lo)
                                for x in cols { dst[x] = src[x &* sw] }
                                zero(dst + hi, ow &- hi)
                                dst += ow; src += step
                            }
                        }
                        zero(dst, (fresh.upperBound &- inside.upperBound) &* ow)
                    }
                    row += l
                }
            }
        }
    }

    /// Adds col [patchSize, outPlane] back onto one image x [channels, height, width] (the caller zeroes x
    /// first): the adjoint of ``im2col(_:_:_:)``.
    static func col2im(_ g: WindowGeometry, _ col: UnsafePointer<Float>, _ x: UnsafeMutablePointer<Float>) {
        let oh = g.outHeight, ow = g.outWidth, l = oh &* ow
        if g.strideW == 2 { return col2imStrideTwo(g, col, x) }
        let shift = rowShift(g)
        guard shift > 0 && g.kernelHeight > 1 else { return col2imByRows(g, col, x) }
        // acc row r = oh + i·t collects every tap (c, i, j) that reads input row r·sₕ − pₕ.
        let accRows = oh &+ (g.kernelHeight &- 1) &* shift
        withUnsafeTemporaryAllocation(of: Float.self, capacity: accRows &* ow) { buffer in
            let acc = buffer.baseAddress!
            for c in 0..<g.channels {
                let plane = x + c &* g.plane
                for j in 0..<g.kernelWidth {
                    zero(acc, accRows &* ow)
                    for i in 0..<g.kernelHeight {
                        add(col + ((c &* g.kernelHeight &+ i) &* g.kernelWidth &+ j) &* l, acc + i &* shift &* ow, l)
                    }
                    let colOffset = j &* g.dilationW &- g.padW
                    let cols = WindowGeometry.validRange(offset: colOffset, stride: g.strideW, size: g.width, count: ow)
                    let rows = WindowGeometry.validRange(offset: -g.padH, stride: g.strideH, size: g.height, count: accRows)
                    for r in rows {
                        let src = acc + r &* ow, dst = plane + ((r &* g.strideH &- g.padH) &* g.width &+ colOffset)
                        if g.strideW == 1 {
                            add(src + cols.lowerBound, dst + cols.lowerBound, cols.count)
                        } else {
                            let s = g.strideW
                            for x in cols { dst[x &* s] += src[x] }
                        }
                    }
                }
            }
        }
    }

    /// col2im one output row at a time (any stride and dilation).
    static func col2imByRows(_ g: WindowGeometry, _ col: UnsafePointer<Float>, _ x: UnsafeMutablePointer<Float>) {
        let oh = g.outHeight, ow = g.outWidth, sw = g.strideW
        let targetStep = g.strideH &* g.width
        var row = col
        for c in 0..<g.channels {
            let plane = x + c &* g.plane
            for i in 0..<g.kernelHeight {
                let rowOffset = i &* g.dilationH &- g.padH
                let rows = WindowGeometry.validRange(offset: rowOffset, stride: g.strideH, size: g.height, count: oh)
                for j in 0..<g.kernelWidth {
                    let colOffset = j &* g.dilationW &- g.padW
                    let cols = WindowGeometry.validRange(offset: colOffset, stride: sw, size: g.width, count: ow)
                    let lo = cols.lowerBound, n = cols.count
                    var src = row + rows.lowerBound &* ow
                    var dst = plane + ((rows.lowerBound &* g.strideH &+ rowOffset) &* g.width &+ colOffset)
                    if sw == 1 {
                        for _ in rows {
                            add(src + lo, dst + lo, n)
                            src += ow; dst += targetStep
                        }
                    } else {
                        for _ in rows {
                            for x in cols { dst[x &* sw] += src[x] }
                            src += ow; dst += targetStep
                        }
                    }
                    row += oh &* ow
                }
            }
        }
    }

    // A horizontal stride of 2 (strided convolutions, DCGAN's 4×4 windows, ResNet's downsampling). The row
    // loops above gather every other float one scalar at a time and test the edges of each row: in
    // mnist-dcgan's profile that took longer than the matrix products it fed. Here each channel plane is first
    // copied into a buffer with a zero border as wide as the padding (and room for whole vectors on the
    // right), so a tap's row is a plain stride-2 read with no edge tests: 8 outputs from one 16-float load
    // (its even lanes), and col2im adds 8 inputs spread over 16 lanes (the odd ones 0) back into the buffer.
    // The same additions in the same order as col2imByRows, so the sums have the same bits.

    /// The zero-bordered plane of the stride-2 paths: its rows (every row a window reads) and row length
    /// (the padded width, and room for the 16 floats read or written from any tap's row start).
    @inline(__always) static func borderedPlane(_ g: WindowGeometry) -> (rows: Int, width: Int) {
        let vectorsPerRow = (g.outWidth &+ 7) / 8
        return (g.height &+ 2 &* g.padH, Swift.max(g.width &+ 2 &* g.padW, (g.kernelWidth &- 1) &* g.dilationW &+ 16 &* vectorsPerRow))
    }

    /// ``im2col(_:_:_:)`` for a horizontal stride of 2.
    static func im2colStrideTwo(_ g: WindowGeometry, _ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>) {
        let oh = g.outHeight, ow = g.outWidth, (rows, width) = borderedPlane(g)
        let end = col + g.patchSize &* g.outPlane
        withUnsafeTemporaryAllocation(of: Float.self, capacity: rows &* width) { buffer in
            let bordered = buffer.baseAddress!
            zero(bordered, rows &* width)
            var row = col
            for c in 0..<g.channels {
                let plane = x + c &* g.plane
                for h in 0..<g.height { copy(plane + h &* g.width, bordered + ((h &+ g.padH) &* width &+ g.padW), g.width) }
                for i in 0..<g.kernelHeight {
                    for j in 0..<g.kernelWidth {
                        var src = bordered + (i &* g.dilationH &* width &+ j &* g.dilationW)
                        for _ in 0..<oh {
                            gatherEven(src, row, ow, writable: end - row)
                            row += ow; src += g.strideH &* width
                        }
                    }
                }
            }
        }
    }

    /// ``col2im(_:_:_:)`` for a horizontal stride of 2.
    static func col2imStrideTwo(_ g: WindowGeometry, _ col: UnsafePointer<Float>, _ x: UnsafeMutablePointer<Float>) {
        let oh = g.outHeight, ow = g.outWidth, (rows, width) = borderedPlane(g)
        let end = col + g.patchSize &* g.outPlane
        withUnsafeTemporaryAllocation(of: Float.self, capacity: rows &* width) { buffer in
            let bordered = buffer.baseAddress!
            zero(bordered, rows &* width)  // the border collects what falls in the padding, never read
            var row = col
            for c in 0..<g.channels {
                for i in 0..<g.kernelHeight {
                    for j in 0..<g.kernelWidth {
                        var dst = bordered + (i &* g.dilationH &* width &+ j &* g.dilationW)
                        for _ in 0..<oh {
                            scatterAddEven(row, dst, ow, readable: end - row)
                            row += ow; dst += g.strideH &* width
                        }
                    }
                }
                let plane = x + c &* g.plane
                for h in 0..<g.height {
                    let inside = bordered + ((h &+ g.padH) &* width &+ g.padW)
                    add(inside, plane + h &* g.width, g.width)
                    zero(inside, g.width)
                }
            }
        }
    }

    /// dst[k] = src[2k] for k in 0..<n; reads src[0..<16·⌈n/8⌉]. A row shorter than 8 is written as 8 floats when
    /// `writable` allows: the extra ones land on the rows after it, which are written later.
    @inline(__always) static func gatherEven(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int, writable: Int) {
        if n < 8 {
            let v = SIMD16<Float>.load(src).evenHalf
            if writable >= 8 {
                v.store(dst)
            } else {
                for k in 0..<n { dst[k] = v[k] }
            }
            return
        }
        var k = 0
        while k &+ 8 < n { SIMD16<Float>.load(src + 2 &* k).evenHalf.store(dst + k); k &+= 8 }
        SIMD16<Float>.load(src + 2 &* (n &- 8)).evenHalf.store(dst + (n &- 8))
    }

    /// dst[2k] += src[k] for k in 0..<n (and dst[2k + 1] += 0); reads and writes dst[0..<16·⌈n/8⌉]. The last
    /// partial vector is read whole, its lanes past the row set to 0, when `readable` floats follow src.
    @inline(__always) static func scatterAddEven(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int, readable: Int) {
        @inline(__always) func add(_ v: V, at k: Int) {
            let z = V(repeating: 0)
            let spread = SIMD16<Float>(v[0], z[0], v[1], z[1], v[2], z[2], v[3], z[3], v[4], z[4], v[5], z[5], v[6], z[6], v[7], z[7])
            (SIMD16<Float>.load(dst + 2 &* k) + spread).store(dst + 2 &* k)
        }
        var k = 0
        while k &+ 8 <= n { add(V.load(src + k), at: k); k &+= 8 }
        guard k < n else { return }
        let m = n &- k
        if readable &- k >= 8 {
            // All bits set in the lanes before m (l − m < 0 shifted right arithmetically), none after.
            let keep = (SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) &- SIMD8<Int32>(repeating: Int32(truncatingIfNeeded: m))) &>> 31
            add(unsafeBitCast(unsafeBitCast(V.load(src + k), to: SIMD8<Int32>.self) & keep, to: V.self), at: k)
        } else {
            var v = V(repeating: 0)
            for l in 0..<m { v[l] = src[k &+ l] }
            add(v, at: k)
        }
    }

    // Short inline loops: rows are often 10–30 floats, where a call to memcpy/memset costs more than the
    // work. A row of 8 or more ends with one vector that overlaps the previous one instead of a scalar tail.

    @inline(__always) static func copy(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        if n < 8 {
            for k in 0..<n { dst[k] = src[k] }
            return
        }
        var k = 0
        while k &+ 8 < n { V.load(src + k).store(dst + k); k &+= 8 }
        V.load(src + (n &- 8)).store(dst + (n &- 8))
    }

    @inline(__always) static func zero(_ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        if n < 8 {
            for k in 0..<n { dst[k] = 0 }
            return
        }
        let z = V(repeating: 0)
        var k = 0
        while k &+ 8 < n { z.store(dst + k); k &+= 8 }
        z.store(dst + (n &- 8))
    }

    @inline(__always) static func addScalar(_ value: Float, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        let v = V(repeating: value)
        var k = 0
        while k &+ 8 <= n { (V.load(dst + k) + v).store(dst + k); k &+= 8 }
        while k < n { dst[k] += value; k &+= 1 }
    }

    @inline(__always) static func add(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        var k = 0
        while k &+ 8 <= n { (V.load(dst + k) + V.load(src + k)).store(dst + k); k &+= 8 }
        while k < n { dst[k] += src[k]; k &+= 1 }
    }
}
