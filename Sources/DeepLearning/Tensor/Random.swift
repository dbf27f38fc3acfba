import Foundation

/// A seedable pseudo-random generator (xoshiro256**, seeded through SplitMix64) that gives the same numbers
/// for the same seed on every machine. Normal samples use the Box–Muller transform.
public struct RandomGenerator: RandomNumberGenerator {
    private var s: (UInt64, UInt64, UInt64, UInt64)
    private var spareNormal: Float?

    /// A generator whose stream is fixed by `seed`.
    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// The generator's whole state: xoshiro's four words and a pending normal sample (bit 32 set, its bits in
    /// the low 32) or 0, to save in a checkpoint and continue the stream exactly with ``init(state:)``.
    public var state: [UInt64] { [s.0, s.1, s.2, s.3, spareNormal.map { 1 << 32 | UInt64($0.bitPattern) } ?? 0] }

    /// A generator that continues the stream of the one whose ``state`` was saved.
    public init(state: [UInt64]) {
        require(state.count == 5, "RandomGenerator(state:): expected 5 words, got \(state.count)")
        s = (state[0], state[1], state[2], state[3])
        spareNormal = state[4] >> 32 == 1 ? Float(bitPattern: UInt32(truncatingIfNeeded: state[4])) : nil
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3
        s.2 ^= t
        s.3 = (s.3 << 45) | (s.3 >> 19)
        return result
    }

    /// A uniform sample in [0, 1) with 24 random bits.
    public mutating func nextUniform() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }

    /// A sample of the standard normal distribution.
    public mutating func nextNormal() -> Float {
        if let spare = spareNormal { spareNormal = nil; return spare }
        // u1 in (0, 1] so that log(u1) is finite.
        let u1 = (Double(next() >> 11) + 1) * (1.0 / 9_007_199_254_740_992.0)
        let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        let r = (-2 * Foundation.log(u1)).squareRoot()
        spareNormal = Float(r * Foundation.sin(2 * Double.pi * u2))
        return Float(r * Foundation.cos(2 * Double.pi * u2))
    }

    /// A uniform integer in 0..<n.
    public mutating func nextInt(below n: Int) -> Int { Int.random(in: 0..<n, using: &self) }

    /// The generator used when no seed or generator is given (layer initialisation, dropout); reset it with
    /// ``Tensor/manualSeed(_:)``. One per thread, seeded 0 at first use, so that tests or workers running in
    /// parallel never interleave their streams and a seeded run is reproducible.
    public static var global: RandomGenerator {
        get { ThreadGenerator.current.generator }
        set { ThreadGenerator.current.generator = newValue }
    }
}

/// Holds one thread's global generator.
final class ThreadGenerator {
    var generator = RandomGenerator(seed: 0)

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { p in if let p { Unmanaged<ThreadGenerator>.fromOpaque(p).release() } }
        return key
    }()

    static var current: ThreadGenerator {
        if let p = pthread_getspecific(key) { return Unmanaged<ThreadGenerator>.fromOpaque(p).takeUnretainedValue() }
        let box = ThreadGenerator()
        pthread_setspecific(key, Unmanaged.passRetained(box).toOpaque())
        return box
    }
}

extension Tensor {
    /// Reseeds the global generator, like `torch.manual_seed`.
    public static func manualSeed(_ seed: UInt64) { RandomGenerator.global = RandomGenerator(seed: seed) }

    static func sampled(_ shape: [Int], seed: UInt64?, _ draw: (inout RandomGenerator) -> Float) -> Tensor {
        Tensor(shape: shape) { p, n in
            if let seed {
                var g = RandomGenerator(seed: seed)
                for i in 0..<n { p[i] = draw(&g) }
            } else {
                let box = ThreadGenerator.current
                for i in 0..<n { p[i] = draw(&box.generator) }
            }
        }
    }

    /// Uniform samples in [0, 1). With a seed the result depends only on the seed; without one the global
    /// generator is used.
    public static func rand(_ shape: [Int], seed: UInt64? = nil) -> Tensor {
        sampled(shape, seed: seed) { $0.nextUniform() }
    }

    /// Standard normal samples.
    public static func randn(_ shape: [Int], seed: UInt64? = nil) -> Tensor {
        sampled(shape, seed: seed) { $0.nextNormal() }
    }

    /// Uniform samples in [low, high).
    public static func uniform(_ shape: [Int], low: Float, high: Float, seed: UInt64? = nil) -> Tensor {
        sampled(shape, seed: seed) { low + (high - low) * $0.nextUniform() }
    }

    /// Uniform samples in [0, 1) drawn from `generator`.
    public static func rand(_ shape: [Int], using generator: inout RandomGenerator) -> Tensor {
        Tensor(shape: shape) { p, n in for i in 0..<n { p[i] = generator.nextUniform() } }
    }

    /// Standard normal samples drawn from `generator`.
    public static func randn(_ shape: [Int], using generator: inout RandomGenerator) -> Tensor {
        Tensor(shape: shape) { p, n in for i in 0..<n { p[i] = generator.nextNormal() } }
    }

    /// Uniform samples in [low, high) drawn from `generator`.
    public static func uniform(_ shape: [Int], low: Float, high: Float, using generator: inout RandomGenerator) -> Tensor {
        Tensor(shape: shape) { p, n in for i in 0..<n { p[i] = low + (high - low) * generator.nextUniform() } }
    }
}
