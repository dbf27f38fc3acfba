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
