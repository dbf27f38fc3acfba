import Agents
import DeepLearning
import Environments

/// cartpole-ppo — proximal policy optimization (Schulman et al., 2017) on 8 copies of CartPole-v1: rollouts of
/// 32 steps each, advantages by GAE(λ), 20 epochs of the clipped surrogate objective per rollout. Defaults are
/// the RL Zoo's tuned CartPole settings (Stable-Baselines3 solves it with them in 100k steps).
public enum CartPolePPO: ReinforcementLearningCase {
    public static let info = CaseInfo(
        name: "cartpole-ppo",
        idea: "actor-critic policy gradient: PPO's clipped objective, GAE(λ), value loss",
        data: "CartPole-v1 ×8 (Gymnasium's dynamics, built in)",
        target: "greedy mean return ≥ 475 over 100 episodes",
        defaults: TrainOptions(epochs: 10, batchSize: 256, learningRate: 1e-3, optimizer: "adam"),
        extras: [.steps])
    public static let defaultSteps = 100_000

    static func makeAgent(_ options: TrainOptions) -> PPO {
        var c = PPO.Configuration()  // nSteps 32, 20 epochs, γ 0.98, λ 0.8, lr and ε 0.2 annealed to 0
        (c.batchSize, c.learningRate, c.totalSteps) = (options.batchSize, options.learningRate, options.steps ?? defaultSteps)
        return PPO(observationSize: 4, actionKind: .discrete(2), configuration: c, seed: options.seed)
    }

    @discardableResult
    public static func train(_ options: TrainOptions) throws -> String {
        let agent = makeAgent(options)
        let report = try Report(info, options, columns: reinforcementColumns, plots: reinforcementPlots,
                                header: ["policy and value networks 4→64→64 (tanh), \(agent.configuration.totalSteps) environment steps"])
        var envs = VectorEnvironment(count: 8, autoresetMode: .sameStep) { _ in CartPole() }
        var episodes = EpisodeReturns()
        agent.begin(&envs, seed: options.seed)
        let rollouts = max(1, stepsPerEpoch(options, default: defaultSteps) / (8 * agent.configuration.nSteps))
        for epoch in 1...options.epochs {
            for _ in report.batches(of: 0..<rollouts, count: rollouts, epoch: epoch) {
                episodes.append(agent.collectRollout(&envs))
                let loss = agent.update()
                try report.batch(loss: loss, samples: 8 * agent.configuration.nSteps, [("return", Float(episodes.recentMean))])
            }
            try report.endEpoch(episodes.row(step: agent.steps), saving: agent.model)
        }
        let seconds = report.elapsed
        let returns = evaluate(episodes: evaluationEpisodes, seed: evaluationSeed(options), { CartPole() }) {
            agent.greedyActions($0).scalars.map { Int($0) }
        }
        return report.finish(greedySummary(returns, trainingSeconds: seconds))
    }

    public static func play(checkpoint: String, episodes: Int, seed: UInt64, frameEvery: Int) throws -> (frames: [RGBImage], returns: [Double]) {
        let agent = makeAgent(info.defaults)
        try agent.model.load(from: checkpoint)
        return recordEpisodes(CartPole(), episodes: episodes, seed: seed, frameEvery: frameEvery) { Int(agent.greedyActions($0).scalars[0]) }
    }
}
