import DeepLearning
import Environments

/// Proximal policy optimization (Schulman, Wolski, Dhariwal, Radford and Klimov, 2017, "Proximal policy
/// optimization algorithms"), the clipped-objective actor-critic, as Stable-Baselines3's `PPO` implements it.
///
/// Each iteration collects `nSteps` steps in each of N environments with the current policy π_θold, computes
/// advantages Â with GAE(λ) (``generalizedAdvantageEstimates(rewards:values:nextValues:terminated:truncated:gamma:lambda:environmentCount:)``),
/// then for `nEpochs` passes over the rollout in shuffled minibatches of `batchSize` minimizes
///
///     rₜ(θ) = π_θ(aₜ|sₜ) / π_θold(aₜ|sₜ)
///     L^CLIP = −Ê[min(rₜ Âₜ, clip(rₜ, 1 − ε, 1 + ε) Âₜ)]
///     L = L^CLIP + c₁ Ê[(V_θ(sₜ) − V̂ₜ)²] − c₂ Ê[H(π_θ(·|sₜ))]
///
/// (Â normalized per minibatch), with gradients clipped to norm `maxGradNorm` and Adam. The learning rate and ε
/// can fall linearly to 0 over training (the RL Zoo's `lin_` schedules). The policy is categorical for a
/// discrete action space and a diagonal Gaussian with a learned, state-independent log σ for a box.
public final class PPO {
    public struct Configuration {
        /// Steps collected per environment per iteration.
        public var nSteps = 32
        /// Minibatch size.
        public var batchSize = 256
        /// Passes over each rollout.
        public var nEpochs = 20
        /// γ, the discount factor.
        public var gamma: Float = 0.98
        /// λ of GAE.
        public var gaeLambda: Float = 0.8
        /// ε, the clip range of the probability ratio.
        public var clipRange: Float = 0.2
        /// c₂, the entropy bonus's coefficient.
        public var entCoef: Float = 0
        /// c₁, the value loss's coefficient.
        public var vfCoef: Float = 0.5
        public var maxGradNorm: Float = 0.5
        /// Adam's step size (at the start, when annealed).
        public var learningRate: Float = 1e-3
        /// Anneal the learning rate linearly to 0 over `totalSteps`.
        public var annealLearningRate = true
        /// Anneal ε linearly to 0 over `totalSteps`.
        public var annealClipRange = true
        /// Hidden sizes of the policy and value networks (separate networks, tanh, as SB3's MlpPolicy).
        public var hiddenSizes = [64, 64]
        /// log σ of the Gaussian policy at the start.
        public var logStdInit: Float = 0
        /// Total environment steps of training (all environments together), for the schedules.
        public var totalSteps = 100_000

        public init() {}
    }

    /// The actor-critic: π(·|s) from `policyNet` (logits, or the Gaussian's mean with `logStd`) and V(s)
    /// from `valueNet`.
    public final class ActorCritic: Module {
        public let policyNet: Sequential
        public let valueNet: Sequential
        /// log σ per action component (Gaussian policies only).
        public let logStd: Tensor?

        public init(observationSize: Int, actionSpace: ActionKind, hiddenSizes: [Int], logStdInit: Float) {
            let outputs: Int
            switch actionSpace {
            case .discrete(let n): outputs = n; logStd = nil
            case .continuous(let d): outputs = d; logStd = Tensor.full([d], logStdInit).requiringGrad()
            }
            policyNet = multilayerPerceptron([observationSize] + hiddenSizes + [outputs]) { Tanh() }
            valueNet = multilayerPerceptron([observationSize] + hiddenSizes + [1]) { Tanh() }
            super.init()
        }

        /// Action log-probabilities and entropies of `actions` ([B] indices or [B, d]) under π(·|s), and V(s), for s [B, d].
        public func evaluate(_ s: Tensor, _ actions: Tensor) -> (logProb: Tensor, entropy: Tensor, value: Tensor) {
            let out = policyNet(s), value = valueNet(s).squeezed(axis: 1)
            if let logStd {
                let d = Normal(loc: out, scale: logStd.exp().expanded(to: out.shape))
                return (d.logProb(actions).sum(alongAxis: 1), d.entropy().sum(alongAxis: 1), value)
            }
            let d = Categorical(logits: out)
            return (d.logProb(actions), d.entropy(), value)
        }
    }

    /// A discrete action space of n actions, or a continuous one of d components.
    public enum ActionKind { case discrete(Int), continuous(Int) }

    public let configuration: Configuration
    public let model: ActorCritic
    public let optimizer: Adam
    public let observationSize: Int
    public let actionKind: ActionKind
    /// Environment steps taken so far, all environments together.
    public private(set) var steps = 0
    private var generator: RandomGenerator
    private let parameters: [Tensor]
    private var observations: [Float] = [], episodeReturns: [Double] = []
    private var rollout = Rollout()

    public init(observationSize: Int, actionKind: ActionKind, configuration: Configuration = Configuration(), seed: UInt64 = 0) {
        self.configuration = configuration
        self.observationSize = observationSize
        self.actionKind = actionKind
        Tensor.manualSeed(seed)
        model = ActorCritic(observationSize: observationSize, actionSpace: actionKind, hiddenSizes: configuration.hiddenSizes,
                            logStdInit: configuration.logStdInit)
        parameters = model.parameters()
        optimizer = Adam(parameters, lr: configuration.learningRate, eps: 1e-5)
        generator = RandomGenerator(seed: seed &+ 1)
    }

    /// The fraction of training left, 1 at the start and 0 at `totalSteps`.
    var progressRemaining: Float { max(0, 1 - Float(steps) / Float(configuration.totalSteps)) }

    /// Sampled actions for observations [N · d] (as [N] indices or [N, d] values), their log-probabilities [N]
    /// and the values V(s) [N].
    func sampleActions(_ observations: [Float]) -> (actions: Tensor, logProb: Tensor, value: Tensor) {
        withNoGrad {
            let s = observationBatch(observations, size: observationSize)
            let out = model.policyNet(s), value = model.valueNet(s).squeezed(axis: 1)
            if let logStd = model.logStd {
                let d = Normal(loc: out, scale: logStd.exp().expanded(to: out.shape))
                let a = d.sample(using: &generator)
                return (a, d.logProb(a).sum(alongAxis: 1), value)
            }
            let d = Categorical(logits: out)
            let a = d.sample(using: &generator)
            return (a, d.logProb(a), value)
        }
    }

    /// V(s) for observations [N · d].
    func values(_ observations: [Float]) -> [Float] {
        withNoGrad { model.valueNet(observationBatch(observations, size: observationSize)) }.scalars
    }

    /// The greedy (deterministic) actions for observations [N · d]: the most probable class, or the mean.
    public func greedyActions(_ observations: [Float]) -> Tensor {
        withNoGrad {
            let out = model.policyNet(observationBatch(observations, size: observationSize))
            return model.logStd == nil ? out.argmax(alongAxis: 1) : out
        }
    }

    /// Starts the environments' episodes (copy i with seed `seed + i`); call once before ``collectRollout(_:)``.
    public func begin<E: Environment>(_ envs: inout VectorEnvironment<E>, seed: UInt64) {
        require(envs.autoresetMode == .sameStep, "PPO: the environments need same-step autoreset (to bootstrap from final observations)")
        observations = envs.reset(seed: seed)
        episodeReturns = Array(repeating: 0, count: envs.count)
    }

    /// Collects `nSteps` steps in each environment with the current policy, computes GAE, and keeps the rollout
    /// for ``update()``. Returns the returns of the episodes that ended meanwhile.
    public func collectRollout<E: Environment>(_ envs: inout VectorEnvironment<E>) -> [Double] where E.Action: PolicyAction {
        require(observations.count == envs.count * observationSize, "PPO.collectRollout: call begin(_:seed:) first")
        let n = envs.count, t = configuration.nSteps
        var finished: [Double] = []
        rollout = Rollout()
        var nextValues = [Float](repeating: 0, count: n * t)
        for step in 0..<t {
            let (a, logp, v) = sampleActions(observations)
            let actionValues = a.scalars, width = actionValues.count / n
            let result = envs.step((0..<n).map { E.Action(policyOutput: actionValues[($0 * width)..<(($0 + 1) * width)]) })
            rollout.observations += observations
            rollout.actions += actionValues
            rollout.logProbs += logp.scalars
            rollout.values += v.scalars
            for i in 0..<n {
                rollout.rewards.append(Float(result.rewards[i]))
                rollout.terminated.append(result.terminated[i])
                rollout.truncated.append(result.truncated[i])
                episodeReturns[i] += result.rewards[i]
                if result.terminated[i] || result.truncated[i] {
                    finished.append(episodeReturns[i])
                    episodeReturns[i] = 0
                }
                // Truncated: bootstrap from V(final observation).
                if result.truncated[i], let final = result.finalObservations[i] { nextValues[step * n + i] = values(final)[0] }
            }
            observations = result.observations
            steps += n
        }
        // Within an episode V(sₜ₊₁) is the next row's value; after the last row, V of where we continue from.
        let last = values(observations)
        for step in 0..<t {
            for i in 0..<n where !(rollout.truncated[step * n + i] || rollout.terminated[step * n + i]) {
                nextValues[step * n + i] = step == t - 1 ? last[i] : rollout.values[(step + 1) * n + i]
            }
        }
        (rollout.advantages, rollout.returns) = generalizedAdvantageEstimates(
            rewards: rollout.rewards, values: rollout.values, nextValues: nextValues, terminated: rollout.terminated,
            truncated: rollout.truncated, gamma: configuration.gamma, lambda: configuration.gaeLambda, environmentCount: n)
        return finished
    }

    /// One rollout, time-major (step t of environment i at t·N + i).
    struct Rollout {
        var observations: [Float] = [], actions: [Float] = [], logProbs: [Float] = [], values: [Float] = []
        var rewards: [Float] = [], terminated: [Bool] = [], truncated: [Bool] = []
        var advantages: [Float] = [], returns: [Float] = []
    }

    /// Trains on the last rollout: `nEpochs` passes of minibatch steps on the clipped objective; returns the
    /// mean loss L over the minibatch steps.
    @discardableResult
    public func update() -> Float {
        train(observations: rollout.observations, actions: rollout.actions, logProbs: rollout.logProbs,
              advantages: rollout.advantages, returns: rollout.returns)
    }

    /// `nEpochs` passes of minibatch steps on the clipped objective over one rollout.
    func train(observations: [Float], actions: [Float], logProbs: [Float], advantages: [Float], returns: [Float]) -> Float {
        let count = logProbs.count, d = observationSize, actionWidth = actions.count / count
        let c = configuration
        optimizer.learningRate = c.annealLearningRate ? c.learningRate * progressRemaining : c.learningRate
        let epsilon = c.annealClipRange ? c.clipRange * progressRemaining : c.clipRange
        var order = Array(0..<count), lossSum: Float = 0, minibatches = 0
        for _ in 0..<c.nEpochs {
            order.shuffle(using: &generator)
            for start in stride(from: 0, to: count, by: c.batchSize) {
                let batch = Array(order[start..<min(start + c.batchSize, count)]), b = batch.count
                let s = Tensor(batch.flatMap { observations[($0 * d)..<(($0 + 1) * d)] }, shape: [b, d])
                let aRows = batch.flatMap { actions[($0 * actionWidth)..<(($0 + 1) * actionWidth)] }
                let a = actionWidth == 1 && model.logStd == nil ? Tensor(aRows) : Tensor(aRows, shape: [b, actionWidth])
                var adv = batch.map { advantages[$0] }
                if b > 1 {
                    let mean = adv.reduce(0, +) / Float(b)
                    let std = (adv.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(b - 1)).squareRoot()
                    adv = adv.map { ($0 - mean) / (std + 1e-8) }
                }
                let advantage = Tensor(adv), oldLogProb = Tensor(batch.map { logProbs[$0] }), target = Tensor(batch.map { returns[$0] })
                let (logProb, entropy, value) = model.evaluate(s, a)
                let ratio = (logProb - oldLogProb).exp()
                let policyLoss = -Tensor.minimum(ratio * advantage, ratio.clamped(min: 1 - epsilon, max: 1 + epsilon) * advantage).mean()
                let valueLoss = mseLoss(value, target)
                var loss = policyLoss + c.vfCoef * valueLoss
                if c.entCoef != 0 { loss = loss - c.entCoef * entropy.mean() }
                optimizer.zeroGrad()
                loss.backward()
                clipGradNorm(parameters, maxNorm: c.maxGradNorm)
                optimizer.step()
                lossSum += loss.item
                minibatches += 1
            }
        }
        return lossSum / Float(max(1, minibatches))
    }
}
