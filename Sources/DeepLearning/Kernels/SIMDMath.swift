#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Vectorized transcendental functions on `SIMD8<Float>`.
///
/// glibc's `expf`/`logf` are called per element and do not vectorize; these polynomial versions (the
/// Cephes single-precision approximations, relative error ≈ 1e-7) run 8 lanes at a time using only
/// operations that SSE2 has. Rounding uses the add-a-magic-number trick because `roundps` needs SSE4.1.
enum SIMDMath {
    typealias V = SIMD8<Float>

    @inline(__always) static func exp(_ x: V) -> V {
        let hi: Float = 88.72283, lo: Float = -87.33654
        var v = x.replacing(with: V(repeating: hi), where: x .> hi)
        v = v.replacing(with: V(repeating: lo), where: v .< lo)
        // n = round(v / ln 2) through the magic number 1.5 * 2^23
        let magic: Float = 12_582_912
        let t = v * 1.442_695_04 + magic
        let n = t - magic
        let r = v - n * 0.693_359_375 + n * 2.121_944_4e-4
        let z = r * r
        var p = V(repeating: 1.987_569_15e-4) * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        p = p * z + r + 1
        // 2ⁿ built in the exponent field; n = 128 (x in [88.38, 88.72], e^x still finite) would overflow it,
        // so that case is scaled by 2¹²⁷ and doubled.
        let top = n .== 128
        let ni = (bits(t) &- Int32(bitPattern: magic.bitPattern)).replacing(with: 127, where: top)
        let scale = float((ni &+ 127) &<< 23)
        var result = p * scale
        result = result.replacing(with: result * 2, where: top)
        result = result.replacing(with: 0, where: x .< lo)
        result = result.replacing(with: Float.infinity, where: x .> hi)
        return result.replacing(with: x, where: x .!= x)  // NaN stays NaN
    }

    @inline(__always) static func log(_ x: V) -> V {
        // Subnormal inputs (below 2⁻¹²⁶) are scaled by 2²³ first: the exponent/mantissa split below assumes a
        // normal number.
        let subnormal = x .< Float.leastNormalMagnitude
        let b = bits(x.replacing(with: x * 8_388_608, where: subnormal))
        var e = V((b &>> 23) &- 126)
        e = e.replacing(with: e - 23, where: subnormal)
        var m = float((b & Int32(bitPattern: 0x807F_FFFF)) | 0x3F00_0000)
        let small = m .< 0.707_106_781_186_547_524
        e = e.replacing(with: e - 1, where: small)
        m = m.replacing(with: m + m, where: small) - 1
        let z = m * m
        var y = V(repeating: 7.037_683_629_2e-2) * m - 1.151_461_031_0e-1
        y = y * m + 1.167_699_874_0e-1
        y = y * m - 1.242_014_084_6e-1
        y = y * m + 1.424_932_278_7e-1
        y = y * m - 1.666_805_766_5e-1
        y = y * m + 2.000_071_476_5e-1
        y = y * m - 2.499_999_399_3e-1
        y = y * m + 3.333_333_117_4e-1
        y = y * m * z
        y = y + e * -2.121_944_40e-4 - 0.5 * z
        var r = m + y + e * 0.693_359_375
        r = r.replacing(with: -Float.infinity, where: x .== 0)
        r = r.replacing(with: Float.nan, where: x .< 0)
        r = r.replacing(with: Float.infinity, where: x .== Float.infinity)
        return r.replacing(with: x, where: x .!= x)
    }

    /// tanh: a polynomial near 0 (where 1 − 2/(e^{2x}+1) would cancel), the exponential form elsewhere.
    @inline(__always) static func tanh(_ x: V) -> V {
        let a = abs(x)
        let big = 1 - 2 / (exp(a + a) + 1)
        let z = x * x
        var p = V(repeating: -5.704_988_727_45e-3) * z + 2.063_908_879_54e-2
        p = p * z - 5.373_971_555_31e-2
        p = p * z + 1.333_144_220_36e-1
        p = p * z - 3.333_328_194_22e-1
        let small = p * z * x + x
        let signedBig = big.replacing(with: -big, where: x .< 0)
        return signedBig.replacing(with: small, where: a .< 0.625)
    }

    @inline(__always) static func sigmoid(_ x: V) -> V { 1 / (1 + exp(-x)) }

    /// erfc(z) for z ≥ 0 with a relative error below 1.2e-7 for every z (the Chebyshev fit of Numerical
    /// Recipes, `erfcc`): t·exp(−z² + P(t)), t = 1/(1 + z/2). Relative accuracy matters in the tail, where
    /// 1 − erf(z) computed from an absolute-error fit of erf loses every digit.
    @inline(__always) static func erfcNonNegative(_ z: V) -> V {
        let t = 1 / (1 + 0.5 * z)
        var p = V(repeating: 0.170_872_77) * t - 0.822_152_23
        p = p * t + 1.488_515_87
        p = p * t - 1.135_203_98
        p = p * t + 0.278_868_07
        p = p * t - 0.186_288_06
        p = p * t + 0.096_784_18
        p = p * t + 0.374_091_96
        p = p * t + 1.000_023_68
        p = p * t - 1.265_512_23
        return t * exp(p - z * z)
    }

    /// Φ(x), the standard normal CDF, ½·erfc(−x/√2), with a small relative error on both sides (Φ(−9) ≈ 1e-19
    /// keeps its digits).
    @inline(__always) static func normalCDF(_ x: V) -> V {
        let tail = 0.5 * erfcNonNegative(abs(x) * 0.707_106_781_186_547_5)
        return tail.replacing(with: 1 - tail, where: x .>= 0)
    }

    @inline(__always) static func abs(_ x: V) -> V {
        float(bits(x) & 0x7FFF_FFFF)
    }

    /// √x, correctly rounded. On Linux `SIMD8<Float>.squareRoot()` becomes eight calls to `sqrtf` (errno
    /// semantics); SSE's `sqrtps` is exact and baseline x86-64.
    @inline(__always) static func sqrt(_ x: V) -> V {
        #if arch(x86_64)
        return V(lowHalf: _mm_sqrt_ps(x.lowHalf), highHalf: _mm_sqrt_ps(x.highHalf))
        #else
        return x.squareRoot()
        #endif
    }

    @inline(__always) static func bits(_ x: V) -> SIMD8<Int32> { unsafeBitCast(x, to: SIMD8<Int32>.self) }
    @inline(__always) static func float(_ b: SIMD8<Int32>) -> V { unsafeBitCast(b, to: V.self) }
}

extension SIMD8 where Scalar == Float {
    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> Self {
        UnsafeRawPointer(p).loadUnaligned(as: Self.self)
    }
    @inline(__always) func store(_ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: self, as: Self.self)
    }
}
