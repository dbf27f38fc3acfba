/// The environments' seedable generator: SplitMix64 (Steele, Lea and Flood, 2014), 64 bits of state, the
/// same stream for the same seed on every machine. (Gymnasium seeds NumPy's PCG64; initial states are drawn
/// from the same distributions, not the same numbers.)
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose stream is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    /// A generator seeded from the system's entropy, as an environment that was never given a seed.
    public static func unseeded() -> SeededGenerator {
        var system = SystemRandomNumberGenerator()
        return SeededGenerator(seed: system.next())
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform sample in [low, high), as NumPy's `Generator.uniform(low, high)`.
    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }
}
