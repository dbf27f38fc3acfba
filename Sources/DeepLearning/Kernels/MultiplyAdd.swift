extension SIMD where Scalar == Float {
    /// a·b + c. One fused multiply-add (one rounding, one instruction) where the library is compiled for a
    /// CPU that has it: ARM64, or x86-64 with FMA (DEEPLEARNING_FMA, set by Package.swift). Elsewhere a
    /// product and a sum, since a fused operation there would be a library call per lane.
    @inline(__always) static func multiplyAdd(_ a: Self, _ b: Self, _ c: Self) -> Self {
        #if arch(arm64) || DEEPLEARNING_FMA
        return c.addingProduct(a, b)
        #else
        return a * b + c
        #endif
    }
}
