import Agents
import DeepLearning
import Environments

/// acrobot-dqn — a deep Q-network swings the two-link Acrobot-v1 above the bar, with the RL Zoo's Acrobot
/// settings: one gradient step of a 128-transition minibatch every environment step (4 every 4), target
/// network copied every 250 steps, ε down to 0.1 over the first 12% of training.
public enum AcrobotDQN: ReinforcementLearningCase {
    public static let info = CaseInfo(
        name: "acrobot-dqn",
        idea: "deep Q-learning on a sparse-reward swing-up",
        data: "Acrobot-v1 (Gymnasium's dynamics, built in)",
        target: "greedy mean return ≥ −100 over 100 episodes",
        defaults: TrainOptions(epochs: 10, batchSize: 128, learningRate: 6.3e-4, optimizer: "adam"),
        extras: [.steps])
    public static let defaultSteps = 100_000

    static func makeAgent(_ options: TrainOptions) -> DQN {
        var c = DQN.Configuration()
        (c.batchSize, c.learningRate, c.totalSteps) = (options.batchSize, options.learningRate, options.steps ?? defaultSteps)
        (c.bufferSize, c.learningStarts, c.trainFrequency, c.gradientSteps) = (50_000, 0, 4, 4)
        (c.targetUpdateInterval, c.explorationFraction, c.finalEpsilon) = (250, 0.12, 0.1)
        return DQN(observationSize: 6, actionCount: 3, configuration: c, seed: options.seed)
    }

    @discardableResult
    public static func train(_ options: TrainOptions) throws -> String {
        let agent = makeAgent(options)
        let report = try Report(info, options, columns: reinforcementColumns, plots: reinforcementPlots,
                                header: ["Q-network 6→256→256→3, \(agent.configuration.totalSteps) environment steps"])
        var env = Acrobot(), episodes = EpisodeReturns()
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
            try report.endEpoch(episodes.row(step: agent.steps), saving: agent.qNetwork)
        }
        let seconds = report.elapsed
        let returns = evaluate(episodes: evaluationEpisodes, seed: evaluationSeed(options), { Acrobot() }) { agent.greedyActions($0) }
        return report.finish(greedySummary(returns, trainingSeconds: seconds))
    }

    public static func play(checkpoint: String, episodes: Int, seed: UInt64, frameEvery: Int) throws -> (frames: [RGBImage], returns: [Double]) {
        let agent = makeAgent(info.defaults)
        try agent.qNetwork.load(from: checkpoint)
        return recordEpisodes(Acrobot(), episodes: episodes, seed: seed, frameEvery: frameEvery) { agent.greedyActions($0)[0] }
    }
}
