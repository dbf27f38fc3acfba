import Agents
import DeepLearning
import Environments
import Foundation

/// cartpole-ppo: proximal policy optimization (Schulman et al., 2017) on 8 copies of CartPole-v1, with the
/// RL Zoo's tuned CartPole settings (Stable-Baselines3 solves it with them in 100k steps).
public enum CartPolePPO {
    public static let name = "cartpole-ppo"
    public static let target = 475.0

    public static func configuration(steps: Int) -> PPO.Configuration {
        var c = PPO.Configuration()  // nSteps 32, batch 256, 20 epochs, γ 0.98, λ 0.8, lr 1e-3 and ε 0.2 annealed
        c.totalSteps = steps
        return c
    }

    public static func train(_ options: RLOptions) throws -> RLResult {
        let steps = options.steps ?? 100_000
        let agent = PPO(observationSize: 4, actionKind: .discrete(2), configuration: configuration(steps: steps), seed: options.seed)
        let report = try EpisodeReporter(case: name, totalSteps: steps, options: options)
        let start = Date()
        var envs = VectorEnvironment(count: 8, autoresetMode: .sameStep) { _ in CartPole() }
        agent.begin(&envs, seed: options.seed)
        while agent.steps < steps {
            let finished = agent.collectRollout(&envs)
            agent.update()
            try report.update(step: agent.steps, episodeReturns: finished)
        }
        let seconds = Date().timeIntervalSince(start)
        try agent.model.save(to: report.directory + "/model.safetensors")
        let evaluation = evaluate(episodes: options.evaluationEpisodes, seed: options.seed &+ 1_000_000, { CartPole() }) {
            agent.greedyActions($0).scalars.map { Int($0) }
        }
        return try report.finish(trainingSeconds: seconds, evaluation: evaluation, target: target)
    }

    /// Plays greedy episodes with the actor-critic saved in `checkpoint`.
    public static func play(checkpoint: String, episodes: Int, seed: UInt64, frameEvery: Int) throws -> (frames: [RGBImage], returns: [Double]) {
        let agent = PPO(observationSize: 4, actionKind: .discrete(2), configuration: configuration(steps: 1))
        try agent.model.load(from: checkpoint)
        return recordEpisodes(CartPole(), episodes: episodes, seed: seed, frameEvery: frameEvery) { Int(agent.greedyActions($0).scalars[0]) }
    }
}
