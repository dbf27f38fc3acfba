#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// The one set of vectorized transcendental functions of the kernels, on ``FloatVector``: exp, log, σ, tanh,
/// erfc and √.
///
/// glibc's `expf`/`logf` are called per element and do not vectorize; these polynomial versions (the
/// Cephes single-precision approximations, relative error ≈ 1e-7) run a whole vector at a time. Rounding
/// uses the add-a-magic-number trick. Products and sums are fused where the CPU has FMA.
///
/// Every exponential goes through one reduction, ``expReduced(_:)``: eʸ = 2ⁿ·eʳ with n = round(y/ln 2) and
/// |r| ≤ ln 2/2 (Cody–Waite), and eʳ = 1 + r + r²·q(r) with the Cephes expf polynomial q. Keeping
/// "r + r²·q" apart gives eʸ − 1 without cancellation near 0, so tanh keeps its relative accuracy for small
/// arguments. ``exp(_:)`` handles the whole float range, ±∞ and NaN; σ and tanh clamp their argument to
/// where the result is still changing (±80, ±9), so they need no special cases.
enum SIMDMath {
    typealias V = FloatVector
    typealias Bits = V.MaskStorage

    /// a·b + c (fused where the CPU can, see Kernels/MultiplyAdd.swift).
    @inline(__always) static func fma(_ a: V, _ b: V, _ c: V) -> V { .multiplyAdd(a, b, c) }
    @inline(__always) static func fma(_ a: V, _ b: V, _ c: Float) -> V { .multiplyAdd(a, b, V(repeating: c)) }
    @inline(__always) static func fma(_ a: V, _ b: Float, _ c: V) -> V { .multiplyAdd(a, V(repeating: b), c) }
    @inline(__always) static func fma(_ a: V, _ b: Float, _ c: Float) -> V { .multiplyAdd(a, V(repeating: b), V(repeating: c)) }

    /// (n, eʳ − 1) with eʸ = 2ⁿ·(1 + (eʳ − 1)), for y in [−87.4, 88.8] (n in [−126, 128]); n both as
    /// integers and as floats.
    @inline(__always) static func expReduced(_ y: V) -> (n: Bits, nFloat: V, fraction: V) {
        let magic: Float = 12_582_912  // 1.5·2²³: adding it rounds to an integer
        let t = fma(y, 1.442_695_04, magic)
        let n = t - magic
        let r = fma(n, 2.121_944_4e-4, fma(n, -0.693_359_375, y))
        var q = fma(r, 1.987_569_15e-4, 1.398_199_95e-3)
        q = fma(q, r, 8.333_451_9e-3)
        q = fma(q, r, 4.166_579_59e-2)
        q = fma(q, r, 1.666_666_55e-1)
        q = fma(q, r, 5.000_000_12e-1)
        return (bits(t) &- Int32(bitPattern: magic.bitPattern), n, fma(q, r * r, r))
    }

    /// 2ⁿ built in the exponent field, for n in [−126, 127].
    @inline(__always) static func pow2(_ n: Bits) -> V { float((n &+ 127) &<< 23) }

    /// (2ⁿ, eʳ − 1) with eʸ = 2ⁿ·(1 + (eʳ − 1)), for y in [−87, 87].
    @inline(__always) static func expParts(_ y: V) -> (scale: V, fraction: V) {
        let (n, _, fraction) = expReduced(y)
        return (pow2(n), fraction)
    }

    /// eˣ over the whole float range: 0 below −87.34, ∞ above 88.72, NaN stays NaN.
    @inline(__always) static func exp(_ x: V) -> V {
        let hi: Float = 88.72283, lo: Float = -87.33654
        var v = x.replacing(with: V(repeating: hi), where: x .> hi)
        v = v.replacing(with: V(repeating: lo), where: v .< lo)
        let (n, nFloat, fraction) = expReduced(v)
        // n = 128 (x in [88.38, 88.72], eˣ still finite) would overflow the exponent field, so that case is
        // scaled by 2¹²⁷ and doubled. (Compared as floats: the same test on the integer vector made LLVM
        // scalarize the whole function, 5× slower, measured.)
        let top = nFloat .== 128
        let scale = pow2(n.replacing(with: 127, where: top))
        var result = fma(scale, fraction, scale)
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

    /// σ(x) = 1 / (1 + e⁻ˣ); x is clamped to ±80, where σ is 0 or 1 to float precision. Relative error ≈ 2e-7.
    @inline(__always) static func sigmoid(_ x: V) -> V {
        var y = -x
        y = y.replacing(with: 80, where: y .> 80)
        y = y.replacing(with: -80, where: y .< -80)
        let (scale, fraction) = expParts(y)
        return 1 / fma(scale, fraction, scale + 1)
    }

    /// tanh x = sign(x)·(e²ᵃ − 1)/(e²ᵃ + 1) with a = min(|x|, 9) (tanh 9 is 1 to float precision); e²ᵃ − 1
    /// comes from ``expReduced(_:)`` without cancellation, so small x keep their relative accuracy (≈ 2e-7).
    @inline(__always) static func tanh(_ x: V) -> V {
        var a = abs(x)
        a = a.replacing(with: 9, where: a .> 9)
        let (scale, fraction) = expParts(a + a)
        let em1 = fma(scale, fraction, scale - 1)
        let t = em1 / (em1 + 2)
        return float(bits(t) | (bits(x) & Int32(bitPattern: 0x8000_0000)))
    }

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
    /// semantics); SSE's `sqrtps` (and AVX-512's) is exact.
    @inline(__always) static func sqrt(_ x: V) -> V {
        #if arch(x86_64) && DEEPLEARNING_AVX512
        return _mm512_sqrt_ps(x)
        #elseif arch(x86_64)
        return V(lowHalf: _mm_sqrt_ps(x.lowHalf), highHalf: _mm_sqrt_ps(x.highHalf))
        #else
        return x.squareRoot()
        #endif
    }

    @inline(__always) static func bits(_ x: V) -> Bits { unsafeBitCast(x, to: Bits.self) }
    @inline(__always) static func float(_ b: Bits) -> V { unsafeBitCast(b, to: V.self) }
}
