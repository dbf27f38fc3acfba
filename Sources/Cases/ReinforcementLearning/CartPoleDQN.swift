import Agents
import DeepLearning
import Environments
import Foundation

/// cartpole-dqn: a deep Q-network (Mnih et al., 2015) learns to balance CartPole-v1, with the RL Zoo's tuned
/// CartPole settings (Stable-Baselines3 solves it with them in 50k steps).
public enum CartPoleDQN {
    public static let name = "cartpole-dqn"
    public static let target = 475.0

    public static func configuration(steps: Int) -> DQN.Configuration {
        var c = DQN.Configuration()
        c.totalSteps = steps
        return c
    }

    public static func train(_ options: RLOptions) throws -> RLResult {
        let steps = options.steps ?? 50_000
        let agent = DQN(observationSize: 4, actionCount: 2, configuration: configuration(steps: steps), seed: options.seed)
        let report = try EpisodeReporter(case: name, totalSteps: steps, options: options)
        let start = Date()
        var env = CartPole()
        var observation = env.reset(seed: options.seed)
        var episodeReturn = 0.0
        for step in 1...steps {
            let action = agent.act(observation)
            let t = env.step(action)
            agent.observe(observation: observation, action: action, transition: t)
            episodeReturn += t.reward
            observation = t.observation
            if t.done {
                try report.update(step: step, episodeReturns: [episodeReturn])
                episodeReturn = 0
                observation = env.reset()
            }
        }
        let seconds = Date().timeIntervalSince(start)
        try agent.qNetwork.save(to: report.directory + "/model.safetensors")
        let evaluation = evaluate(episodes: options.evaluationEpisodes, seed: options.seed &+ 1_000_000, { CartPole() }) { agent.greedyActions($0) }
        return try report.finish(trainingSeconds: seconds, evaluation: evaluation, target: target)
    }

    /// Plays greedy episodes with the Q-network saved in `checkpoint`.
    public static func play(checkpoint: String, episodes: Int, seed: UInt64, frameEvery: Int) throws -> (frames: [RGBImage], returns: [Double]) {
        let agent = DQN(observationSize: 4, actionCount: 2, configuration: configuration(steps: 1))
        try agent.qNetwork.load(from: checkpoint)
        return recordEpisodes(CartPole(), episodes: episodes, seed: seed, frameEvery: frameEvery) { agent.greedyActions($0)[0] }
    }
}
