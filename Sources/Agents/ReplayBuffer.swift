import DeepLearning

/// Experience replay (Lin, 1992; Mnih et al., 2015): a ring buffer of the last `capacity` transitions
/// (s, a, r, s′, terminated), sampled uniformly in minibatches to break the correlation of consecutive steps.
///
/// s′ of a truncated step is the observation the episode was cut at, and only `terminated` stops
/// bootstrapping (Stable-Baselines3's `handle_timeout_termination`).
public struct ReplayBuffer {
    public let capacity: Int, observationSize: Int
    private var observations: [Float], nextObservations: [Float]
    private var actions: [Float], rewards: [Float], terminated: [Float]
    /// The number of transitions stored (at most `capacity`).
    public private(set) var count = 0
    private var position = 0

    public init(capacity: Int, observationSize: Int) {
        require(capacity > 0 && observationSize > 0, "ReplayBuffer: capacity \(capacity) and observation size \(observationSize) must be positive")
        self.capacity = capacity
        self.observationSize = observationSize
        observations = [Float](repeating: 0, count: capacity * observationSize)
        nextObservations = observations
        actions = [Float](repeating: 0, count: capacity)
        rewards = actions
        terminated = actions
    }

    /// Stores one transition, overwriting the oldest when full.
    public mutating func append(observation: [Float], action: Int, reward: Float, nextObservation: [Float], terminated done: Bool) {
        require(observation.count == observationSize && nextObservation.count == observationSize,
                "ReplayBuffer.append: observations of \(observation.count) and \(nextObservation.count) values, expected \(observationSize)")
        let d = observationSize
        observations.replaceSubrange((position * d)..<((position + 1) * d), with: observation)
        nextObservations.replaceSubrange((position * d)..<((position + 1) * d), with: nextObservation)
        actions[position] = Float(action)
        rewards[position] = reward
        terminated[position] = done ? 1 : 0
        position = (position + 1) % capacity
        count = min(count + 1, capacity)
    }

    /// A minibatch drawn uniformly with replacement: observations [B, d], actions [B], rewards [B],
    /// next observations [B, d], terminated [B] (1 or 0).
    public func sample(_ batchSize: Int, using generator: inout RandomGenerator)
        -> (observations: Tensor, actions: Tensor, rewards: Tensor, nextObservations: Tensor, terminated: Tensor) {
        require(count > 0, "ReplayBuffer.sample: the buffer is empty")
        let d = observationSize
        var s = [Float](repeating: 0, count: batchSize * d), s2 = s
        var a = [Float](repeating: 0, count: batchSize), r = a, done = a
        for b in 0..<batchSize {
            let k = generator.nextInt(below: count)
            for j in 0..<d {
                s[b * d + j] = observations[k * d + j]
                s2[b * d + j] = nextObservations[k * d + j]
            }
            (a[b], r[b], done[b]) = (actions[k], rewards[k], terminated[k])
        }
        return (Tensor(s, shape: [batchSize, d]), Tensor(a), Tensor(r), Tensor(s2, shape: [batchSize, d]), Tensor(done))
    }
}
