// The kernels' one choice of vector width, and the one way they read and write a partial vector.
//
// As candle's `Cpu` trait (one `Unit` and `STEP` per instruction set), the width is chosen once, at compile
// time: 16 floats where the library is compiled for AVX-512 (DEEPLEARNING_AVX512, set by Package.swift when
// the CPU has it: 32 registers of 16 floats), else 8 (AVX2, or SSE2 pairs, or NEON pairs). Every kernel that
// streams long rows (element-wise maps, reductions, optimizer updates, batch norm, gates, the packed GEMM
// and the SIMDMath functions) is written once for `FloatVector`. Two kernels keep 8 lanes on purpose,
// `ShortVector`, because their rows are short: im2col/col2im copies (rows of 8–30 floats) and the 2×2
// max-pooling gather.

#if DEEPLEARNING_AVX512
/// The vector every streaming kernel works on: 16 floats (AVX-512).
typealias FloatVector = SIMD16<Float>
#else
/// The vector every streaming kernel works on: 8 floats.
typealias FloatVector = SIMD8<Float>
#endif

/// 8 floats, for kernels over short rows (see the note at the top of Kernels/Vector.swift).
typealias ShortVector = SIMD8<Float>

extension SIMD where Scalar == Float {
    /// The vector at `p` (no alignment needed).
    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> Self {
        UnsafeRawPointer(p).loadUnaligned(as: Self.self)
    }
    /// Writes the vector at `p` (no alignment needed).
    @inline(__always) func store(_ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: self, as: Self.self)
    }
}

/// How a kernel reads and writes one block of `FloatVector.scalarCount` elements: all of them in the loop
/// (``FullLanes``), or only the first `count` in a row's last block (``PartialLanes``: the other lanes read
/// as 0 and are not written). Each access pattern is its own specialization, so the loop body stays a
/// clean vector loop and the tail runs the same formula as every other block.
protocol Lanes {
    func load(_ p: UnsafePointer<Float>) -> FloatVector
    func store(_ v: FloatVector, _ p: UnsafeMutablePointer<Float>)
}

/// A whole vector of elements.
struct FullLanes: Lanes {
    @inline(__always) func load(_ p: UnsafePointer<Float>) -> FloatVector { .load(p) }
    @inline(__always) func store(_ v: FloatVector, _ p: UnsafeMutablePointer<Float>) { v.store(p) }
}

/// The first `count` (< FloatVector.scalarCount) elements: the partial vector at the end of a row.
struct PartialLanes: Lanes {
    let count: Int
    @inline(__always) func load(_ p: UnsafePointer<Float>) -> FloatVector {
        var v = FloatVector(repeating: 0)
        for i in 0..<count { v[i] = p[i] }
        return v
    }
    @inline(__always) func store(_ v: FloatVector, _ p: UnsafeMutablePointer<Float>) {
        for i in 0..<count { p[i] = v[i] }
    }
}
