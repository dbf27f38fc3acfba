import Agents
import DeepLearning
import Environments

/// cartpole-dqn — a deep Q-network (Mnih et al., 2015) learns to balance CartPole-v1: it acts ε-greedily on
/// its action values, replays past transitions in minibatches, and regresses Q(s, a) on r + γ max Q(s′, ·) of
/// a target network with the Huber loss. Defaults are the RL Zoo's tuned CartPole settings (Stable-Baselines3
/// solves it with them in 50k steps).
public enum CartPoleDQN: ReinforcementLearningCase {
    public static let info = CaseInfo(
        name: "cartpole-dqn",
        idea: "deep Q-learning: replay memory, target network, ε-greedy exploration, Huber loss",
        data: "CartPole-v1 (Gymnasium's dynamics, built in)",
        target: "greedy mean return ≥ 475 over 100 episodes",
        defaults: TrainOptions(epochs: 10, batchSize: 64, learningRate: 2.3e-3, optimizer: "adam"),
        extras: [.steps])
    public static let defaultSteps = 50_000

    static func makeAgent(_ options: TrainOptions) -> DQN {
        var c = DQN.Configuration()  // train every 256 steps, 128 gradient steps, target copied every 10 steps
        (c.batchSize, c.learningRate, c.totalSteps) = (options.batchSize, options.learningRate, options.steps ?? defaultSteps)
        return DQN(observationSize: 4, actionCount: 2, configuration: c, seed: options.seed)
    }

    @discardableResult
    public static func train(_ options: TrainOptions) throws -> String {
        let agent = makeAgent(options)
        let report = try Report(info, options, columns: reinforcementColumns, plots: reinforcementPlots,
                                header: ["Q-network 4→256→256→2, \(agent.configuration.totalSteps) environment steps"])
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
            try report.endEpoch(episodes.row(step: agent.steps), saving: agent.qNetwork)
        }
        let seconds = report.elapsed
        let returns = evaluate(episodes: evaluationEpisodes, seed: evaluationSeed(options), { CartPole() }) { agent.greedyActions($0) }
        return report.finish(greedySummary(returns, trainingSeconds: seconds))
    }

    public static func play(checkpoint: String, episodes: Int, seed: UInt64, frameEvery: Int) throws -> (frames: [RGBImage], returns: [Double]) {
        let agent = makeAgent(info.defaults)
        try agent.qNetwork.load(from: checkpoint)
        return recordEpisodes(CartPole(), episodes: episodes, seed: seed, frameEvery: frameEvery) { agent.greedyActions($0)[0] }
    }
}
