import Foundation

// Observation and action spaces, as Gymnasium's `spaces.Discrete` and `spaces.Box`.

/// A set of values an environment accepts as actions or gives as observations.
public protocol Space: Sendable {
    associatedtype Element
    /// Whether `value` lies in the space.
    func contains(_ value: Element) -> Bool
    /// A uniform sample of the space.
    func sample<G: RandomNumberGenerator>(using generator: inout G) -> Element
    /// The space as Gymnasium prints it, for messages.
    var description: String { get }
}

/// The integers 0 ..< n, as `gymnasium.spaces.Discrete(n)`.
public struct Discrete: Space, Equatable {
    /// The number of values.
    public let n: Int

    public init(_ n: Int) {
        if n <= 0 { environmentFailure("Discrete(\(n)): the number of values must be positive") }
        self.n = n
    }

    public func contains(_ value: Int) -> Bool { value >= 0 && value < n }
    public func sample<G: RandomNumberGenerator>(using generator: inout G) -> Int { Int.random(in: 0..<n, using: &generator) }
    public var description: String { "Discrete(\(n))" }
}

/// A box [low, high] of float32 vectors, as `gymnasium.spaces.Box(low, high, shape, np.float32)` with a
/// flat shape.
public struct Box: Space, Equatable {
    /// The lower and upper bounds, one per component (±infinity for an unbounded component).
    public let low: [Float], high: [Float]

    public init(low: [Float], high: [Float]) {
        if low.count != high.count || zip(low, high).contains(where: { $0 > $1 }) {
            environmentFailure("Box: low \(low) and high \(high) must have one bound each per component, low ≤ high")
        }
        self.low = low
        self.high = high
    }

    /// The number of components.
    public var dimension: Int { low.count }

    public func contains(_ value: [Float]) -> Bool {
        value.count == low.count && value.indices.allSatisfy { value[$0] >= low[$0] && value[$0] <= high[$0] }
    }

    /// Uniform in each bounded component (a standard normal where a component is unbounded, as Gymnasium).
    public func sample<G: RandomNumberGenerator>(using generator: inout G) -> [Float] {
        low.indices.map { i in
            if low[i].isFinite && high[i].isFinite { return Float.random(in: low[i]...high[i], using: &generator) }
            let u1 = Double.random(in: Double.ulpOfOne...1, using: &generator), u2 = Double.random(in: 0..<1, using: &generator)
            return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
        }
    }

    public var description: String { "Box(\(low), \(high), (\(low.count),), float32)" }
}

extension Space {
    /// Stops with a message naming the environment and the space unless `action` lies in it.
    func check(_ action: Element, in id: String) {
        if !contains(action) { environmentFailure("\(id): action \(action) is outside the action space \(description)") }
    }
}
