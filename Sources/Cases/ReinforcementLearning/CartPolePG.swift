import Agents
import DeepLearning
import Environments
import Foundation

/// cartpole-pg: REINFORCE with a learned baseline (Williams, 1992; the seed's "policy approximator") on
/// CartPole-v1: the policy network's log-probability of each action taken is pushed up in proportion to how much
/// better the episode went from there than the baseline predicted.
public enum CartPolePG {
    public static let name = "cartpole-pg"
    public static let target = 475.0

    public static func train(_ options: RLOptions) throws -> RLResult {
        let steps = options.steps ?? 150_000
        let agent = REINFORCE(observationSize: 4, actionCount: 2, seed: options.seed)
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
        try agent.policy.save(to: report.directory + "/model.safetensors")
        let evaluation = evaluate(episodes: options.evaluationEpisodes, seed: options.seed &+ 1_000_000, { CartPole() }) { agent.greedyActions($0) }
        return try report.finish(trainingSeconds: seconds, evaluation: evaluation, target: target)
    }

    /// Plays greedy episodes with the policy network saved in `checkpoint`.
    public static func play(checkpoint: String, episodes: Int, seed: UInt64, frameEvery: Int) throws -> (frames: [RGBImage], returns: [Double]) {
        let agent = REINFORCE(observationSize: 4, actionCount: 2)
        try agent.policy.load(from: checkpoint)
        return recordEpisodes(CartPole(), episodes: episodes, seed: seed, frameEvery: frameEvery) { agent.greedyActions($0)[0] }
    }
}
