import DeepLearning
import Environments

/// Deep Q-network (Mnih et al., 2015, "Human-level control through deep reinforcement learning"), with
/// Double DQN (van Hasselt, Guez and Silver, 2016) as an option.
///
/// A network Q(s, ·; θ) gives one action value per discrete action. The agent acts ε-greedily, stores each
/// transition in a replay memory, and every `trainFrequency` environment steps takes `gradientSteps`
/// minibatch steps on the Huber loss of the TD error
///
///     y = r + γ (1 − terminated) max_a′ Q(s′, a′; θ⁻)              (DQN)
///     y = r + γ (1 − terminated) Q(s′, argmax_a′ Q(s′, a′; θ); θ⁻)  (Double DQN)
///     L(θ) = Huber(Q(s, a; θ) − y)
///
/// with gradients clipped to norm `maxGradNorm`, and copies θ into the target network θ⁻ every
/// `targetUpdateInterval` environment steps. ε falls linearly from `initialEpsilon` to `finalEpsilon` over the
/// first `explorationFraction` of training. Names and defaults follow Stable-Baselines3's `DQN` (the RL Zoo's
/// CartPole-v1 settings), which trains with Adam rather than the paper's RMSProp.
public final class DQN {
    public struct Configuration {
        /// α, Adam's step size.
        public var learningRate: Float = 2.3e-3
        /// γ, the discount factor.
        public var gamma: Float = 0.99
        /// Transitions per minibatch.
        public var batchSize = 64
        /// N, the replay memory's size.
        public var bufferSize = 100_000
        /// Environment steps taken with random actions before learning starts (the replay start size).
        public var learningStarts = 1000
        /// Environment steps between training phases.
        public var trainFrequency = 256
        /// Minibatch updates per training phase.
        public var gradientSteps = 128
        /// C, environment steps between copies of θ into the target network.
        public var targetUpdateInterval = 10
        /// The exploration rate falls from `initialEpsilon` to `finalEpsilon` over this fraction of `totalSteps`.
        public var explorationFraction: Float = 0.16
        public var initialEpsilon: Float = 1, finalEpsilon: Float = 0.04
        /// The gradients' maximal global L2 norm.
        public var maxGradNorm: Float = 10
        /// Use Double DQN's target (the online network chooses a′, the target network values it).
        public var doubleDQN = false
        /// Hidden layer sizes of the Q-network (ReLU between layers).
        public var hiddenSizes = [256, 256]
        /// The training length, for the ε schedule.
        public var totalSteps = 50_000

        public init() {}
    }

    public let configuration: Configuration
    /// Q(s, ·; θ): observations [B, d] → action values [B, |A|].
    public let qNetwork: Sequential
    /// Q(s, ·; θ⁻), the target network.
    public let targetNetwork: Sequential
    public let optimizer: Adam
    public private(set) var replay: ReplayBuffer
    public let actionCount: Int
    /// Environment steps taken so far (through ``observe(observation:action:transition:)``).
    public private(set) var steps = 0
    /// Minibatch updates taken so far.
    public private(set) var updates = 0
    /// The mean loss of the last training phase (0 before the first).
    public private(set) var lastLoss: Float = 0
    private var generator: RandomGenerator
    private let parameters: [Tensor]
    /// The two networks' tensors, pairwise in state-dict order, for the target copy.
    private let onlineState: [Tensor], targetState: [Tensor]

    /// - Parameters: `observationSize` d and `actionCount` |A| of the environment; `seed` fixes the network's
    ///   initialisation, the exploration and the minibatches.
    public init(observationSize: Int, actionCount: Int, configuration: Configuration = Configuration(), seed: UInt64 = 0) {
        self.configuration = configuration
        self.actionCount = actionCount
        Tensor.manualSeed(seed)
        let sizes = [observationSize] + configuration.hiddenSizes + [actionCount]
        qNetwork = multilayerPerceptron(sizes)
        targetNetwork = multilayerPerceptron(sizes)
        parameters = qNetwork.parameters()
        optimizer = Adam(parameters, lr: configuration.learningRate)
        replay = ReplayBuffer(capacity: configuration.bufferSize, observationSize: observationSize)
        generator = RandomGenerator(seed: seed &+ 1)
        onlineState = qNetwork.namedState().map(\.1)
        targetState = targetNetwork.namedState().map(\.1)
        updateTargetNetwork()
    }

    /// ε at the current step.
    public var epsilon: Float {
        linearSchedule(start: configuration.initialEpsilon, end: configuration.finalEpsilon,
                       fraction: configuration.explorationFraction, total: configuration.totalSteps, step: steps)
    }

    /// The greedy actions argmaxₐ Q(s, a) for observations [N · d].
    public func greedyActions(_ observations: [Float]) -> [Int] {
        withNoGrad { qNetwork(observationBatch(observations, size: replay.observationSize)).argmax(alongAxis: 1) }.scalars.map { Int($0) }
    }

    /// An ε-greedy action for one observation (uniformly random before learning starts).
    public func act(_ observation: [Float]) -> Int {
        if steps < configuration.learningStarts || generator.nextUniform() < epsilon { return generator.nextInt(below: actionCount) }
        return greedyActions(observation)[0]
    }

    /// Records the step (s, a, r, s′, terminated) and runs the training schedule: gradient steps every
    /// `trainFrequency` steps once learning has started, and target copies every `targetUpdateInterval`.
    /// - Returns: the mean loss of the training phase that ran, if one did.
    @discardableResult
    public func observe(observation: [Float], action: Int, transition t: Transition) -> Float? {
        replay.append(observation: observation, action: action, reward: Float(t.reward), nextObservation: t.observation, terminated: t.terminated)
        steps += 1
        var loss: Float?
        if steps > configuration.learningStarts && steps % configuration.trainFrequency == 0 {
            loss = (0..<configuration.gradientSteps).map { _ in update() }.reduce(0, +) / Float(configuration.gradientSteps)
            lastLoss = loss!
        }
        if steps % configuration.targetUpdateInterval == 0 { updateTargetNetwork() }
        return loss
    }

    /// Stores a transition in the replay memory without counting an environment step (to fill it from
    /// elsewhere, as a benchmark does).
    public func remember(observation: [Float], action: Int, reward: Float, nextObservation: [Float], terminated: Bool) {
        replay.append(observation: observation, action: action, reward: reward, nextObservation: nextObservation, terminated: terminated)
    }

    /// One minibatch step on the Huber loss of the TD error; returns the loss.
    @discardableResult
    public func update() -> Float {
        let batch = replay.sample(configuration.batchSize, using: &generator)
        let loss = tdLoss(batch.observations, batch.actions, batch.rewards, batch.nextObservations, batch.terminated)
        optimizer.zeroGrad()
        loss.backward()
        clipGradNorm(parameters, maxNorm: configuration.maxGradNorm)
        optimizer.step()
        updates += 1
        return loss.item
    }

    /// Huber(Q(s, a; θ) − y) averaged over the minibatch, with the target y of DQN or Double DQN.
    public func tdLoss(_ s: Tensor, _ a: Tensor, _ r: Tensor, _ s2: Tensor, _ terminated: Tensor) -> Tensor {
        let nextValue = withNoGrad { () -> Tensor in
            let targetQ = targetNetwork(s2)
            if configuration.doubleDQN {
                let best = qNetwork(s2).argmax(alongAxis: 1, keepDims: true)
                return targetQ.gathering(alongAxis: 1, indices: best).squeezed(axis: 1)
            }
            return targetQ.max(alongAxis: 1)
        }
        // y in one loop over the minibatch (no graph: the target is a constant).
        let (rs, done, next) = (r.scalars, terminated.scalars, nextValue.scalars), gamma = configuration.gamma
        let y = Tensor(rs.indices.map { rs[$0] + gamma * (1 - done[$0]) * next[$0] })
        let q = qNetwork(s).gathering(alongAxis: 1, indices: a.unsqueezed(at: 1)).squeezed(axis: 1)
        return huberLoss(q, y)
    }

    /// θ⁻ ← θ.
    public func updateTargetNetwork() {
        for (target, online) in zip(targetState, onlineState) { target.assign(online) }
    }
}
