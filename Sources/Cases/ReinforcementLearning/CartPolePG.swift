import Agents
import DeepLearning
import Environments

/// cartpole-pg — REINFORCE with a learned baseline (Williams, 1992; the seed's "policy approximator") on
/// CartPole-v1: after every 8 whole episodes, the log-probability of each action taken is pushed up in
/// proportion to how much better the episode went from there than the baseline v̂(s) predicted.
public enum CartPolePG: ReinforcementLearningCase {
    public static let info = CaseInfo(
        name: "cartpole-pg",
        idea: "policy gradient: REINFORCE with a learned baseline",
        data: "CartPole-v1 (Gymnasium's dynamics, built in)",
        target: "greedy mean return ≥ 475 over 100 episodes in ≤ 5 minutes",
        defaults: TrainOptions(epochs: 10, batchSize: 8, learningRate: 3e-3, optimizer: "adam"),
        extras: [.steps])
    /// 300,000 steps: with 150,000 the greedy return of seeds 0–4 was 467.3, 500, 492.7, 500, 500 (seed 0 under the
    /// target); with 300,000 it was 500.0 for all five, in 4 s.
    public static let defaultSteps = 300_000

    /// `--batch-size` is the number of whole episodes per update.
    static func makeAgent(_ options: TrainOptions) -> REINFORCE {
        var c = REINFORCE.Configuration()
        (c.episodesPerUpdate, c.policyLearningRate, c.baselineLearningRate) = (options.batchSize, options.learningRate, options.learningRate)
        return REINFORCE(observationSize: 4, actionCount: 2, configuration: c, seed: options.seed)
    }

    @discardableResult
    public static func train(_ options: TrainOptions) throws -> String {
        let agent = makeAgent(options)
        let report = try Report(info, options, columns: reinforcementColumns, plots: reinforcementPlots,
                                header: ["policy 4→64→64→2 and baseline 4→64→64→1 (tanh), \(options.steps ?? defaultSteps) environment steps"])
        var env = CartPole(), episodes = EpisodeReturns()
        var observation = env.reset(seed: options.seed)
        let steps = stepsPerEpoch(options, default: defaultSteps)
        for epoch in 1...options.epochs {
            for _ in report.batches(of: 0..<steps, count: steps, epoch: epoch) {
                let action = agent.act(observation)
                let t = env.step(action)
                agent.observe(observation: observation, action: action, transition: t)
                episodes.record(t)
                observation = t.done ? env.reset() : t.observation
                try report.batch(loss: agent.lastLoss, samples: 1, [("return", Float(episodes.recentMean))])
            }
            try report.endEpoch(episodes.row(step: epoch * steps), saving: agent.policy)
        }
        let seconds = report.elapsed
        let returns = evaluate(episodes: evaluationEpisodes, seed: evaluationSeed(options), { CartPole() }) { agent.greedyActions($0) }
        return report.finish(greedySummary(returns, trainingSeconds: seconds))
    }

    public static func play(checkpoint: String, episodes: Int, seed: UInt64, frameEvery: Int) throws -> (frames: [RGBImage], returns: [Double]) {
        let agent = makeAgent(info.defaults)
        try agent.policy.load(from: checkpoint)
        return recordEpisodes(CartPole(), episodes: episodes, seed: seed, frameEvery: frameEvery) { agent.greedyActions($0)[0] }
    }
}
