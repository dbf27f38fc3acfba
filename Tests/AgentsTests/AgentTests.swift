import Testing
@testable import Agents
import DeepLearning
import Environments

/// The agents' building blocks on small cases: the replay memory, DQN's targets, the PPO actor-critic and its
/// rollout bookkeeping.
@Suite struct AgentTests {
    @Test func replayBufferOverwritesTheOldestAndSamplesStoredTransitions() {
        var buffer = ReplayBuffer(capacity: 3, observationSize: 2)
        for k in 0..<5 {
            buffer.append(observation: [Float(k), 0], action: k % 2, reward: Float(k), nextObservation: [Float(k) + 0.5, 1], terminated: k == 4)
        }
        #expect(buffer.count == 3)
        var g = RandomGenerator(seed: 0)
        let batch = buffer.sample(50, using: &g)
        #expect(batch.observations.shape == [50, 2] && batch.actions.shape == [50])
        let s = batch.observations.scalars, r = batch.rewards.scalars, s2 = batch.nextObservations.scalars
        for b in 0..<50 {
            #expect([2, 3, 4].contains(r[b]), "transitions 0 and 1 were overwritten")
            #expect(s[2 * b] == r[b] && s2[2 * b] == r[b] + 0.5 && batch.actions.scalars[b] == Float(Int(r[b]) % 2))
            #expect(batch.terminated.scalars[b] == (r[b] == 4 ? 1 : 0))
        }
    }

    /// y = r + γ(1 − terminated)·max Q⁻(s′) for DQN and y = r + γ(1 − terminated)·Q⁻(s′, argmax Q(s′)) for
    /// Double DQN, recomputed by hand from the networks' outputs.
    @Test(arguments: [false, true]) func dqnTargets(double: Bool) {
        var c = DQN.Configuration()
        (c.hiddenSizes, c.doubleDQN, c.gamma) = ([8], double, 0.9)
        let agent = DQN(observationSize: 3, actionCount: 2, configuration: c, seed: 1)
        // Make the target network differ from the online one.
        for p in agent.targetNetwork.parameters() { p.assign(p * 1.5 + 0.1) }
        let s = Tensor.randn([4, 3], seed: 2), s2 = Tensor.randn([4, 3], seed: 3)
        let a = Tensor([0, 1, 1, 0]), r = Tensor([1, 0.5, -1, 2]), done = Tensor([0, 1, 0, 0])
        let loss = agent.tdLoss(s, a, r, s2, done)
        let q = agent.qNetwork(s).scalars, qNext = agent.qNetwork(s2).scalars, qTarget = agent.targetNetwork(s2).scalars
        var expected: Float = 0
        for b in 0..<4 {
            let best = double ? (qNext[2 * b + 1] > qNext[2 * b] ? 1 : 0) : (qTarget[2 * b + 1] > qTarget[2 * b] ? 1 : 0)
            let y = r.scalars[b] + 0.9 * (1 - done.scalars[b]) * qTarget[2 * b + best]
            let d = abs(q[2 * b + Int(a.scalars[b])] - y)
            expected += (d <= 1 ? 0.5 * d * d : d - 0.5) / 4
        }
        #expect(abs(loss.item - expected) < 1e-5)
        agent.updateTargetNetwork()
        #expect(agent.targetNetwork(s2).scalars == agent.qNetwork(s2).scalars)
    }

    @Test func epsilonFallsLinearlyThenHolds() {
        #expect(linearSchedule(start: 1, end: 0.04, fraction: 0.16, total: 50_000, step: 0) == 1)
        #expect(abs(linearSchedule(start: 1, end: 0.04, fraction: 0.16, total: 50_000, step: 4000) - 0.52) < 1e-6)
        #expect(linearSchedule(start: 1, end: 0.04, fraction: 0.16, total: 50_000, step: 9000) == 0.04)
    }

    @Test func actorCriticScoresActionsAsTheDistributions() {
        let categorical = PPO.ActorCritic(observationSize: 4, actionSpace: .discrete(3), hiddenSizes: [5], logStdInit: 0)
        let s = Tensor.randn([6, 4], seed: 4), a = Tensor([0, 1, 2, 2, 1, 0])
        let (logProb, entropy, value) = categorical.evaluate(s, a)
        let d = Categorical(logits: categorical.policyNet(s))
        #expect(logProb.scalars == d.logProb(a).scalars && entropy.scalars == d.entropy().scalars && value.shape == [6])

        let gaussian = PPO.ActorCritic(observationSize: 4, actionSpace: .continuous(2), hiddenSizes: [5], logStdInit: -0.5)
        let x = Tensor.randn([6, 2], seed: 5)
        let (lp, h, _) = gaussian.evaluate(s, x)
        let n = Normal(loc: gaussian.policyNet(s), scale: Tensor.full([6, 2], Float(0.6065306597)))
        for (got, want) in zip(lp.scalars, n.logProb(x).sum(alongAxis: 1).scalars) { #expect(abs(got - want) < 1e-5) }
        for (got, want) in zip(h.scalars, n.entropy().sum(alongAxis: 1).scalars) { #expect(abs(got - want) < 1e-5) }
        #expect(gaussian.namedParameters().map(\.0).contains("log_std"))
    }

    @Test func ppoCollectsAndUpdates() {
        var c = PPO.Configuration()
        (c.nSteps, c.batchSize, c.nEpochs, c.hiddenSizes, c.totalSteps) = (16, 32, 2, [8], 1000)
        let agent = PPO(observationSize: 4, actionKind: .discrete(2), configuration: c, seed: 0)
        var envs = VectorEnvironment(count: 3, autoresetMode: .sameStep) { _ in CartPole() }
        agent.begin(&envs, seed: 0)
        let before = agent.model.policyNet.parameters()[0].scalars
        var finished: [Double] = []
        for _ in 0..<3 {
            finished += agent.collectRollout(&envs)
            #expect(agent.update().isFinite)
        }
        #expect(agent.steps == 3 * 3 * 16)
        #expect(!finished.isEmpty && finished.allSatisfy { $0 >= 1 && $0 <= 500 })
        #expect(agent.model.policyNet.parameters()[0].scalars != before)
    }

    @Test func evaluationPlaysEveryEpisodeToTheEnd() {
        // A policy that always pushes right ends each CartPole episode within a few dozen steps.
        let returns = evaluate(episodes: 5, seed: 0, { CartPole() }) { Array(repeating: 1, count: $0.count / 4) }
        #expect(returns.count == 5 && returns.allSatisfy { $0 >= 5 && $0 < 60 })
    }
}
