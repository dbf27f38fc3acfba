/// N copies of an environment stepped together, as Gymnasium's `SyncVectorEnv`: actions go in as a batch and
/// observations come out as one flat [N · d] array (row i is copy i), ready to become an [N, d] tensor.
///
/// A copy whose episode ends is reset automatically, as Gymnasium's autoreset modes say:
/// - ``AutoresetMode/nextStep`` (Gymnasium's default): the step that ends an episode returns its last
///   observation; the copy's *next* step ignores its action, resets the copy, and returns the first
///   observation with reward 0 and both flags false.
/// - ``AutoresetMode/sameStep``: the step that ends an episode resets the copy at once and returns the new
///   episode's first observation; the last one is in ``VectorTransition/finalObservations`` (Gymnasium's
///   `info["final_obs"]`), which is what an agent bootstraps from on truncation.
///
/// `reset(seed: s)` seeds copy i with s + i, as Gymnasium.
public struct VectorEnvironment<E: Environment> {
    /// When a finished copy is reset; see ``VectorEnvironment``.
    public enum AutoresetMode: Sendable { case nextStep, sameStep }

    public private(set) var environments: [E]
    public let autoresetMode: AutoresetMode
    /// Copies whose episode ended on the last step (reset on the next one, in `.nextStep` mode).
    private var pendingReset: [Bool]

    /// - Parameters:
    ///   - count: the number of copies N.
    ///   - make: builds copy i.
    public init(count: Int, autoresetMode: AutoresetMode = .nextStep, _ make: (Int) -> E) {
        if count <= 0 { environmentFailure("VectorEnvironment: count must be positive, got \(count)") }
        environments = (0..<count).map(make)
        self.autoresetMode = autoresetMode
        pendingReset = Array(repeating: false, count: count)
    }

    /// The number of copies.
    public var count: Int { environments.count }
    /// The length d of one copy's observation.
    public var observationSize: Int { environments[0].observationSpace.dimension }

    /// Resets every copy; copy i gets seed `seed + i` when a seed is given. Returns [N · d] observations.
    public mutating func reset(seed: UInt64? = nil) -> [Float] {
        pendingReset = Array(repeating: false, count: count)
        var observations: [Float] = []
        observations.reserveCapacity(count * observationSize)
        for i in environments.indices { observations += environments[i].reset(seed: seed.map { $0 &+ UInt64(i) }) }
        return observations
    }

    /// Steps every copy with its action (`actions[i]` for copy i).
    public mutating func step(_ actions: [E.Action]) -> VectorTransition {
        if actions.count != count { environmentFailure("VectorEnvironment<\(E.id)>: \(actions.count) actions for \(count) environments") }
        var result = VectorTransition(count: count, observationSize: observationSize)
        for i in environments.indices {
            let observation: [Float]
            if autoresetMode == .nextStep && pendingReset[i] {
                observation = environments[i].reset(seed: nil)
                pendingReset[i] = false
            } else {
                let t = environments[i].step(actions[i])
                (result.rewards[i], result.terminated[i], result.truncated[i]) = (t.reward, t.terminated, t.truncated)
                if t.done && autoresetMode == .sameStep {
                    result.finalObservations[i] = t.observation
                    observation = environments[i].reset(seed: nil)
                } else {
                    observation = t.observation
                    pendingReset[i] = t.done
                }
            }
            result.observations.replaceSubrange((i * observationSize)..<((i + 1) * observationSize), with: observation)
        }
        return result
    }
}

/// What ``VectorEnvironment/step(_:)`` returns: one entry per copy.
public struct VectorTransition: Sendable {
    /// [N · d] observations, copy i in row i.
    public var observations: [Float]
    public var rewards: [Double]
    public var terminated: [Bool]
    public var truncated: [Bool]
    /// In `.sameStep` mode, the last observation of each copy whose episode ended on this step.
    public var finalObservations: [[Float]?]

    init(count: Int, observationSize: Int) {
        observations = Array(repeating: 0, count: count * observationSize)
        rewards = Array(repeating: 0, count: count)
        terminated = Array(repeating: false, count: count)
        truncated = terminated
        finalObservations = Array(repeating: nil, count: count)
    }
}
