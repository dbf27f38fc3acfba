import Agents
import DeepLearning
import Environments
import Foundation

/// acrobot-dqn: a deep Q-network swings the two-link Acrobot-v1 up above the bar, with the RL Zoo's Acrobot
/// settings (one gradient step every 4 environment steps, target network copied every 250 steps).
public enum AcrobotDQN {
    public static let name = "acrobot-dqn"
    public static let target = -100.0

    public static func configuration(steps: Int) -> DQN.Configuration {
        var c = DQN.Configuration()
        c.totalSteps = steps
        c.learningRate = 6.3e-4
        c.batchSize = 128
        c.bufferSize = 50_000
        c.learningStarts = 0
        c.trainFrequency = 4
        c.gradientSteps = 4
        c.targetUpdateInterval = 250
        c.explorationFraction = 0.12
        c.finalEpsilon = 0.1
        return c
    }

    public static func train(_ options: RLOptions) throws -> RLResult {
        let steps = options.steps ?? 100_000
        let agent = DQN(observationSize: 6, actionCount: 3, configuration: configuration(steps: steps), seed: options.seed)
        let report = try EpisodeReporter(case: name, totalSteps: steps, options: options)
        let start = Date()
        var env = Acrobot()
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
        let evaluation = evaluate(episodes: options.evaluationEpisodes, seed: options.seed &+ 1_000_000, { Acrobot() }) { agent.greedyActions($0) }
        return try report.finish(trainingSeconds: seconds, evaluation: evaluation, target: target)
    }

    /// Plays greedy episodes with the Q-network saved in `checkpoint`.
    public static func play(checkpoint: String, episodes: Int, seed: UInt64, frameEvery: Int) throws -> (frames: [RGBImage], returns: [Double]) {
        let agent = DQN(observationSize: 6, actionCount: 3, configuration: configuration(steps: 1))
        try agent.qNetwork.load(from: checkpoint)
        return recordEpisodes(Acrobot(), episodes: episodes, seed: seed, frameEvery: frameEvery) { agent.greedyActions($0)[0] }
    }
}
