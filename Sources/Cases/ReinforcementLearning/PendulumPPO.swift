import Agents
import DeepLearning
import Environments

/// pendulum-ppo — PPO with a Gaussian policy swings Pendulum-v1 up and holds it with a continuous torque; the
/// RL Zoo's Pendulum settings without generalized state-dependent exploration (4 environments, 1024 steps each
/// per rollout, γ = 0.9, λ = 0.95, 10 epochs of minibatches of 64).
public enum PendulumPPO: ReinforcementLearningCase {
    public static let info = CaseInfo(
        name: "pendulum-ppo",
        idea: "PPO with a Gaussian policy: continuous actions",
        data: "Pendulum-v1 ×4 (Gymnasium's dynamics, built in)",
        target: "greedy mean return ≥ −250 over 100 episodes",
        defaults: TrainOptions(epochs: 10, batchSize: 64, learningRate: 1e-3, optimizer: "adam"),
        extras: [.steps])
    public static let defaultSteps = 200_000

    static func makeAgent(_ options: TrainOptions) -> PPO {
        var c = PPO.Configuration()
        (c.batchSize, c.learningRate, c.totalSteps) = (options.batchSize, options.learningRate, options.steps ?? defaultSteps)
        (c.nSteps, c.nEpochs, c.gamma, c.gaeLambda) = (1024, 10, 0.9, 0.95)
        (c.annealLearningRate, c.annealClipRange, c.logStdInit) = (false, false, -0.5)
        return PPO(observationSize: 3, actionKind: .continuous(1), configuration: c, seed: options.seed)
    }

    /// Pendulum-v1 that clips torques into [−2, 2], as Stable-Baselines3 clips a Gaussian policy's samples.
    static func makeEnvironment() -> Pendulum {
        var env = Pendulum()
        env.clipsActions = true
        return env
    }

    @discardableResult
    public static func train(_ options: TrainOptions) throws -> String {
        let agent = makeAgent(options)
        let report = try Report(info, options, columns: reinforcementColumns, plots: reinforcementPlots,
                                header: ["policy (mean) and value networks 3→64→64 (tanh), \(agent.configuration.totalSteps) environment steps"])
        var envs = VectorEnvironment(count: 4, autoresetMode: .sameStep) { _ in makeEnvironment() }
        var episodes = EpisodeReturns()
        agent.begin(&envs, seed: options.seed)
        let rollouts = max(1, stepsPerEpoch(options, default: defaultSteps) / (4 * agent.configuration.nSteps))
        for epoch in 1...options.epochs {
            for _ in report.batches(of: 0..<rollouts, count: rollouts, epoch: epoch) {
                episodes.append(agent.collectRollout(&envs))
                let loss = agent.update()
                try report.batch(loss: loss, samples: 4 * agent.configuration.nSteps, [("return", Float(episodes.recentMean))])
            }
            try report.endEpoch(episodes.row(step: agent.steps), saving: agent.model)
        }
        let seconds = report.elapsed
        let returns = evaluate(episodes: evaluationEpisodes, seed: evaluationSeed(options), makeEnvironment) {
            agent.greedyActions($0).scalars.map { [$0] }
        }
        return report.finish(greedySummary(returns, trainingSeconds: seconds))
    }

    public static func play(checkpoint: String, episodes: Int, seed: UInt64, frameEvery: Int) throws -> (frames: [RGBImage], returns: [Double]) {
        let agent = makeAgent(info.defaults)
        try agent.model.load(from: checkpoint)
        return recordEpisodes(makeEnvironment(), episodes: episodes, seed: seed, frameEvery: frameEvery) { agent.greedyActions($0).scalars }
    }
}
