import Agents
import DeepLearning
import Environments
import Foundation

/// pendulum-ppo: PPO with a Gaussian policy swings Pendulum-v1 up and holds it (continuous torque), with the
/// RL Zoo's Pendulum settings except generalized state-dependent exploration (4 environments, 1024 steps
/// each per rollout, γ = 0.9, λ = 0.95, 10 epochs of minibatches of 64).
public enum PendulumPPO {
    public static let name = "pendulum-ppo"
    public static let target = -250.0

    public static func configuration(steps: Int) -> PPO.Configuration {
        var c = PPO.Configuration()
        c.totalSteps = steps
        c.nSteps = 1024
        c.batchSize = 64
        c.nEpochs = 10
        c.gamma = 0.9
        c.gaeLambda = 0.95
        c.learningRate = 1e-3
        c.annealLearningRate = false
        c.annealClipRange = false
        c.entCoef = 0
        c.logStdInit = -0.5
        return c
    }

    public static func train(_ options: RLOptions) throws -> RLResult {
        let steps = options.steps ?? 200_000
        let agent = PPO(observationSize: 3, actionKind: .continuous(1), configuration: configuration(steps: steps), seed: options.seed)
        let report = try EpisodeReporter(case: name, totalSteps: steps, options: options)
        let start = Date()
        var envs = VectorEnvironment(count: 4, autoresetMode: .sameStep) { _ in clippingPendulum() }
        agent.begin(&envs, seed: options.seed)
        while agent.steps < steps {
            let finished = agent.collectRollout(&envs)
            agent.update()
            try report.update(step: agent.steps, episodeReturns: finished)
        }
        let seconds = Date().timeIntervalSince(start)
        try agent.model.save(to: report.directory + "/model.safetensors")
        let evaluation = evaluate(episodes: options.evaluationEpisodes, seed: options.seed &+ 1_000_000, clippingPendulum) {
            agent.greedyActions($0).scalars.map { [$0] }
        }
        return try report.finish(trainingSeconds: seconds, evaluation: evaluation, target: target)
    }

    /// Plays greedy episodes with the actor-critic saved in `checkpoint`.
    public static func play(checkpoint: String, episodes: Int, seed: UInt64, frameEvery: Int) throws -> (frames: [RGBImage], returns: [Double]) {
        let agent = PPO(observationSize: 3, actionKind: .continuous(1), configuration: configuration(steps: 1))
        try agent.model.load(from: checkpoint)
        return recordEpisodes(clippingPendulum(), episodes: episodes, seed: seed, frameEvery: frameEvery) { agent.greedyActions($0).scalars }
    }

    /// Pendulum-v1 that clips torques into [−2, 2], as Stable-Baselines3 clips a Gaussian policy's samples.
    static func clippingPendulum() -> Pendulum {
        var env = Pendulum()
        env.clipsActions = true
        return env
    }
}
