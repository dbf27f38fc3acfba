import Agents
import DeepLearning
import Environments

/// A reinforcement-learning case: trains an agent in an environment, and can play its saved policy
/// (`deep play`). Its `epochs` split the environment steps (`--steps`) into equal blocks, one row of
/// `metrics.csv` and one checkpoint each; `--batch-size` and `--lr` set the agent's minibatch and Adam step size.
public protocol ReinforcementLearningCase: PracticeCase {
    /// Environment steps of training by default.
    static var defaultSteps: Int { get }
    /// Plays `episodes` greedy episodes (episode k with seed `seed + k`) with the agent saved in `checkpoint`,
    /// keeping one frame in `frameEvery` steps.
    static func play(checkpoint: String, episodes: Int, seed: UInt64, frameEvery: Int) throws -> (frames: [RGBImage], returns: [Double])
}

/// The returns of finished episodes, and what the reports show of them.
public struct EpisodeReturns {
    public private(set) var all: [Double] = []
    var running: [Double] = []

    public init() {}

    /// Adds a step's rewards of N environments; records the episodes that ended.
    public mutating func record(rewards: [Double], done: [Bool]) {
        if running.count != rewards.count { running = Array(repeating: 0, count: rewards.count) }
        for i in rewards.indices {
            running[i] += rewards[i]
            if done[i] { all.append(running[i]); running[i] = 0 }
        }
    }

    /// Adds one environment's step.
    public mutating func record(_ t: Transition) { record(rewards: [t.reward], done: [t.done]) }

    /// Records returns of episodes that ended elsewhere (an agent's own rollout).
    public mutating func append(_ returns: [Double]) { all += returns }

    /// The mean return of the last 100 episodes (0 before the first).
    public var recentMean: Double {
        let recent = all.suffix(100)
        return recent.isEmpty ? 0 : recent.reduce(0, +) / Double(recent.count)
    }

    /// The metrics row of an epoch ending after `step` environment steps.
    public func row(step: Int) -> [String: Double] {
        ["step": Double(step), "mean_return": recentMean, "episodes": Double(all.count)]
    }
}

/// The metrics every reinforcement-learning case writes, against environment steps.
let reinforcementColumns = ["step", "epoch", "seconds", "train_loss", "mean_return", "episodes"]
let reinforcementPlots = [Report.Plot("returns.png", "mean return of the last 100 episodes", ["mean_return"])]

/// Steps per epoch, the case's default when `--steps` is not given.
func stepsPerEpoch(_ options: TrainOptions, default steps: Int) -> Int { (options.steps ?? steps) / options.epochs }

/// "greedy return 500.0 ± 0.0 over 100 episodes (fresh seeds); training 11.9 s" — the summary of a run.
func greedySummary(_ returns: [Double], trainingSeconds: Double) -> String {
    let mean = returns.reduce(0, +) / Double(returns.count)
    let std = (returns.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(returns.count)).squareRoot()
    return String(format: "greedy return %.1f ± %.1f over %d episodes (fresh seeds); training %.1f s", mean, std, returns.count, trainingSeconds)
}

/// The seed of the first greedy-evaluation episode: far from the training seeds.
func evaluationSeed(_ options: TrainOptions) -> UInt64 { options.seed &+ 1_000_000 }

/// Episodes of the final greedy evaluation.
let evaluationEpisodes = 100
