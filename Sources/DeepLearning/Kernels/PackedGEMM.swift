/// A right-hand matrix B [k, n] rearranged once for many products A·B (see ``PackedGEMM``): column panels
/// of ``PackedGEMM/panelWidth`` columns, each panel k rows of `panelWidth` contiguous floats, the last panel
/// padded with zero columns. A panel is what the microkernel reads, in the order it reads it.
struct PackedMatrix {
    /// k and n of B.
    let rows: Int, columns: Int
    /// [panelCount, rows, panelWidth].
    let panels: Tensor

    var panelCount: Int { panels.shape[0] }

    /// Packs B [rows, columns] read from `b` with leading dimension `ld`, or, when `transposed`, B = Mᵀ for
    /// the matrix M [columns, rows] stored at `b` (so B[i, j] = b[j·ld + i]).
    init(packing b: UnsafePointer<Float>, rows: Int, columns: Int, transposed: Bool, leadingDimension ld: Int) {
        let width = PackedGEMM.panelWidth
        let count = (columns + width - 1) / width
        self.rows = rows
        self.columns = columns
        panels = Tensor(uninitialized: [count, rows, width])
        let out = panels.pointer
        for p in 0..<count {
            let first = p * width, valid = Swift.min(width, columns - first)
            let panel = out + p * rows * width
            if valid < width {
                panel.update(repeating: 0, count: rows * width)
            }
            if transposed {
                // Column j of the panel is row first + j of M: read it contiguously, write it with stride `width`.
                for j in 0..<valid {
                    let source = b + (first + j) * ld
                    for i in 0..<rows { panel[i * width + j] = source[i] }
                }
            } else {
                for i in 0..<rows { (panel + i * width).update(from: b + i * ld + first, count: valid) }
            }
        }
    }
}

/// C = A·B or C += A·B for an A [m, k] that changes on every call and a B [k, n] that does not, packed once
/// (``PackedMatrix``): the matrix products of a recurrent layer's steps, h₋·W_hhᵀ forward and dz·W_hh
/// backward, with A one step's [N, H] or [N, G·H] and B the same for all T steps (and its input projection
/// X·W_ihᵀ, A [T·N, I]).
///
/// BLAS packs both operands on every call; for the step's [32, 128]·[128, 512] that is a third of the time.
/// Here each call runs a register-tiled microkernel straight over A and the packed panels: a tile of R rows
/// × 2 vectors of C stays in registers for the whole k loop, and each k costs two vector loads of B, R
/// broadcasts of A and 2R fused multiply-adds. With AVX-512 (32 registers of 16 floats) R = 8, 16
/// accumulators; otherwise (16 registers of 8 floats) R = 4, 8 accumulators. Panels are the outer loop, so a
/// panel (k·2 vectors) stays in L1 while every row tile reads it.
///
/// Measured on the 2-core AVX-512 Xeon, one thread, [32, 128]·[128, 512]: 166 GFLOP/s (OpenBLAS SkylakeX
/// sgemm: 115), compiled for AVX2 only 78 (OpenBLAS Haswell: 68); [64, 256]·[256, 1024]: 170 (OpenBLAS 138).
enum PackedGEMM {
    typealias Vector = FloatVector
    #if DEEPLEARNING_AVX512
    static let tileRows = 8
    #else
    static let tileRows = 4
    #endif

    /// Columns of a panel: two vectors.
    static let panelWidth = 2 * Vector.scalarCount

    /// C[m, n] = A[m, k]·B (+ C when `accumulate`), A and C row-major with leading dimensions `lda` and `ldc`.
    ///
    /// A big product (the input projection of a whole sequence) is split across cores by rows. A tall A is
    /// taken in blocks of rows (≈ 512 KB) that stay in cache while every panel passes over them.
    static func multiply(m: Int, _ a: UnsafePointer<Float>, lda: Int, _ b: PackedMatrix,
                         _ c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        let k = b.rows
        let blockRows = Swift.max(1, 131_072 / Swift.max(k, 1) / tileRows) * tileRows
        let tiles = (m + tileRows - 1) / tileRows
        Parallel.forEach(tiles, costPerItem: tileRows * k * b.columns / 64) { chunk in
            let end = Swift.min(m, chunk.upperBound * tileRows)
            for top in stride(from: chunk.lowerBound * tileRows, to: end, by: blockRows) {
                let bottom = Swift.min(end, top + blockRows)
                for p in 0..<b.panelCount {
                    let first = p * panelWidth
                    let panel = UnsafePointer(b.panels.pointer + p * k * panelWidth)
                    let columns = Swift.min(panelWidth, b.columns - first)
                    for row in stride(from: top, to: bottom, by: tileRows) {
                        tile(rows: Swift.min(tileRows, bottom - row), k: k, a + row * lda, lda: lda, panel,
                             c + row * ldc + first, ldc: ldc, columns: columns, accumulate: accumulate)
                    }
                }
            }
        }
    }

    /// One row of a tile: 2 vectors of accumulators.
    struct TileRow {
        var low = Vector(), high = Vector()

        /// (low, high) += a·(b0, b1)
        @inline(__always) mutating func add(_ a: Float, _ b0: Vector, _ b1: Vector) {
            let x = Vector(repeating: a)
            low = .multiplyAdd(x, b0, low)
            high = .multiplyAdd(x, b1, high)
        }

        /// Writes (or adds) the first `columns` of the row to c.
        @inline(__always) func store(_ c: UnsafeMutablePointer<Float>, columns: Int, accumulate: Bool) {
            let n = Vector.scalarCount
            if columns == 2 * n {
                let p = UnsafeMutableRawPointer(c)
                let stride = n * MemoryLayout<Float>.stride
                if accumulate {
                    p.storeBytes(of: p.loadUnaligned(as: Vector.self) + low, as: Vector.self)
                    (p + stride).storeBytes(of: (p + stride).loadUnaligned(as: Vector.self) + high, as: Vector.self)
                } else {
                    p.storeBytes(of: low, as: Vector.self)
                    (p + stride).storeBytes(of: high, as: Vector.self)
                }
            } else {
                for j in 0..<columns {
                    let v = j < n ? low[j] : high[j - n]
                    c[j] = accumulate ? c[j] + v : v
                }
            }
        }
    }

    /// C[rows, columns] (+)= A[rows, k]·panel for rows ≤ tileRows. Missing rows read row 0 again and are
    /// not stored, so the loop has no edge cases. `tileRows` is a constant: the unused half of the
    /// AVX-512 tile folds away elsewhere.
    @inline(__always)
    static func tile(rows: Int, k: Int, _ a: UnsafePointer<Float>, lda: Int, _ panel: UnsafePointer<Float>,
                     _ c: UnsafeMutablePointer<Float>, ldc: Int, columns: Int, accumulate: Bool) {
        func row(_ i: Int) -> UnsafePointer<Float> { i < rows ? a + i &* lda : a }
        let a0 = row(0), a1 = row(1), a2 = row(2), a3 = row(3)
        let a4 = row(4), a5 = row(5), a6 = row(6), a7 = row(7)
        var c0 = TileRow(), c1 = TileRow(), c2 = TileRow(), c3 = TileRow()
        var c4 = TileRow(), c5 = TileRow(), c6 = TileRow(), c7 = TileRow()
        var b = UnsafeRawPointer(panel)
        let vectorBytes = Vector.scalarCount * MemoryLayout<Float>.stride
        for i in 0..<k {
            let b0 = b.loadUnaligned(as: Vector.self)
            let b1 = b.loadUnaligned(fromByteOffset: vectorBytes, as: Vector.self)
            c0.add(a0[i], b0, b1)
            c1.add(a1[i], b0, b1)
            c2.add(a2[i], b0, b1)
            c3.add(a3[i], b0, b1)
            if tileRows == 8 {
                c4.add(a4[i], b0, b1)
                c5.add(a5[i], b0, b1)
                c6.add(a6[i], b0, b1)
                c7.add(a7[i], b0, b1)
            }
            b += 2 * vectorBytes
        }
        func put(_ r: TileRow, _ i: Int) {
            if i < rows { r.store(c + i &* ldc, columns: columns, accumulate: accumulate) }
        }
        put(c0, 0); put(c1, 1); put(c2, 2); put(c3, 3)
        put(c4, 4); put(c5, 5); put(c6, 6); put(c7, 7)
    }
}
