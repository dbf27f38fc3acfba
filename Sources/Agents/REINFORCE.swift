import DeepLearning
import Environments

/// REINFORCE with a learned baseline (Williams, 1992, "Simple statistical gradient-following algorithms for
/// connectionist reinforcement learning"; Sutton and Barto, 2018, §13.4): the policy approximator π(a|s; θ)
/// is pushed towards actions that did better than a learned state value v̂(s; w) predicted.
///
/// The agent plays `episodesPerUpdate` whole episodes, computes each step's discounted return Gₜ
/// (``discountedReturns(rewards:terminated:truncated:nextValues:gamma:environmentCount:)``: bootstrapped
/// from v̂ at a time-limit truncation, not at a termination), and takes one step of each loss:
///
///     δₜ = Gₜ − v̂(sₜ; w)
///     L(θ) = −Ê[δₜ log π(aₜ|sₜ; θ)]     (δ normalized over the batch)
///     L(w) = Ê[δₜ²]
///
/// with Adam at step sizes α^θ and α^w. Categorical policy over discrete actions.
public final class REINFORCE {
    public struct Configuration {
        /// γ, the discount factor.
        public var gamma: Float = 0.99
        /// α^θ, the policy's step size.
        public var policyLearningRate: Float = 3e-3
        /// α^w, the baseline's step size.
        public var baselineLearningRate: Float = 3e-3
        /// Whole episodes per update.
        public var episodesPerUpdate = 8
        /// Hidden sizes of the policy and baseline networks (tanh).
        public var hiddenSizes = [64, 64]
        /// Normalize δ over each batch (mean 0, standard deviation 1) in the policy loss.
        public var normalizeAdvantages = true

        public init() {}
    }

    public let configuration: Configuration
    /// π(·|s; θ): observations [B, d] → action logits [B, |A|].
    public let policy: Sequential
    /// v̂(s; w): observations [B, d] → [B, 1].
    public let baseline: Sequential
    public let policyOptimizer: Adam, baselineOptimizer: Adam
    public let observationSize: Int
    private var generator: RandomGenerator
    /// The episodes played since the last update: observations, actions, rewards, flags, v̂ of the state a
    /// truncated episode was cut at.
    private var batch = (observations: [Float](), actions: [Float](), rewards: [Float](), terminated: [Bool](), truncated: [Bool](),
                         nextValues: [Float]())
    private var episodesInBatch = 0
    /// The policy loss plus the baseline loss of the last update (0 before the first).
    public private(set) var lastLoss: Float = 0

    public init(observationSize: Int, actionCount: Int, configuration: Configuration = Configuration(), seed: UInt64 = 0) {
        self.configuration = configuration
        self.observationSize = observationSize
        Tensor.manualSeed(seed)
        policy = multilayerPerceptron([observationSize] + configuration.hiddenSizes + [actionCount]) { Tanh() }
        baseline = multilayerPerceptron([observationSize] + configuration.hiddenSizes + [1]) { Tanh() }
        policyOptimizer = Adam(policy.parameters(), lr: configuration.policyLearningRate)
        baselineOptimizer = Adam(baseline.parameters(), lr: configuration.baselineLearningRate)
        generator = RandomGenerator(seed: seed &+ 1)
    }

    /// An action sampled from π(·|s) for one observation.
    public func act(_ observation: [Float]) -> Int {
        let logits = withNoGrad { policy(observationBatch(observation, size: observationSize)) }
        return Int(Categorical(logits: logits).sample(using: &generator).scalars[0])
    }

    /// The greedy actions argmaxₐ π(a|s) for observations [N · d].
    public func greedyActions(_ observations: [Float]) -> [Int] {
        withNoGrad { policy(observationBatch(observations, size: observationSize)).argmax(alongAxis: 1) }.scalars.map { Int($0) }
    }

    /// Records a step; at the end of the `episodesPerUpdate`-th episode, updates θ and w.
    /// - Returns: true when an update ran.
    @discardableResult
    public func observe(observation: [Float], action: Int, transition t: Transition) -> Bool {
        batch.observations += observation
        batch.actions.append(Float(action))
        batch.rewards.append(Float(t.reward))
        batch.terminated.append(t.terminated)
        batch.truncated.append(t.truncated)
        batch.nextValues.append(t.truncated ? withNoGrad { baseline(observationBatch(t.observation, size: observationSize)) }.item : 0)
        guard t.done else { return false }
        episodesInBatch += 1
        guard episodesInBatch == configuration.episodesPerUpdate else { return false }
        update()
        return true
    }

    /// One step of each loss on the episodes collected since the last update.
    func update() {
        let returns = discountedReturns(rewards: batch.rewards, terminated: batch.terminated, truncated: batch.truncated,
                                        nextValues: batch.nextValues, gamma: configuration.gamma)
        let n = returns.count
        let s = Tensor(batch.observations, shape: [n, observationSize]), g = Tensor(returns)
        let value = baseline(s).squeezed(axis: 1)
        var delta = g - value.detached()
        if configuration.normalizeAdvantages && n > 1 {
            let mean = delta.mean(), std = delta.variance(alongAxes: [0]).sqrt()
            delta = (delta - mean) / (std + 1e-8)
        }
        let logProb = Categorical(logits: policy(s)).logProb(Tensor(batch.actions))
        let policyLoss = -(delta * logProb).mean()
        let baselineLoss = mseLoss(value, g)
        policyOptimizer.zeroGrad()
        baselineOptimizer.zeroGrad()
        let loss = policyLoss + baselineLoss
        loss.backward()
        lastLoss = loss.item
        policyOptimizer.step()
        baselineOptimizer.step()
        batch = ([], [], [], [], [], [])
        episodesInBatch = 0
    }
}
