import DeepLearning
import Foundation

/// Settings of a reinforcement-learning run; each case has its defaults and the CLI overrides them.
public struct RLOptions {
    /// Environment steps of training (all environments together); nil: the case's default.
    public var steps: Int?
    public var seed: UInt64 = 0
    /// Where `runs/<case>/` goes.
    public var outputDirectory = "runs"
    /// Episodes of the final greedy evaluation.
    public var evaluationEpisodes = 100
    public init() {}
}

/// What a finished run measured.
public struct RLResult {
    /// Seconds of training (environment steps and updates, without the evaluation).
    public let trainingSeconds: Double
    /// The greedy policy's returns over the evaluation episodes.
    public let evaluationReturns: [Double]
    public var evaluationMean: Double { evaluationReturns.reduce(0, +) / Double(max(1, evaluationReturns.count)) }
}

/// The shared reporting of the reinforcement-learning cases: a progress bar over environment steps with the
/// mean return of the last 100 episodes, `runs/<case>/returns.csv` and the return curve `returns.png`, and the
/// one-line summary after the greedy evaluation.
public final class EpisodeReporter {
    let name: String, totalSteps: Int
    let bar: ProgressBar
    let log: RunLog
    public private(set) var returns: [Double] = []
    var lastLogged = 0
    public let directory: String

    public init(case name: String, totalSteps: Int, options: RLOptions) throws {
        self.name = name
        self.totalSteps = totalSteps
        directory = options.outputDirectory + "/" + name
        bar = ProgressBar(total: totalSteps, label: name)
        log = try RunLog(directory: directory, columns: ["step", "mean_return_20", "mean_return_100"])
        print("\(name): \(totalSteps) environment steps, seed \(options.seed)")
    }

    /// The mean return of the last 100 episodes (0 before the first).
    public var recentMean: Double {
        let recent = returns.suffix(100)
        return recent.isEmpty ? 0 : recent.reduce(0, +) / Double(recent.count)
    }

    /// Records finished episodes and redraws the bar at environment step `step`.
    public func update(step: Int, episodeReturns: [Double]) throws {
        returns += episodeReturns
        pending += episodeReturns
        // The curve: one row per 20 episodes (and one at the end), to keep the I/O small.
        if pending.count >= 20 || (step >= totalSteps && !pending.isEmpty) { try flush(step: step) }
        bar.update(step: min(step, totalSteps), samples: step, metrics: [("mean return", Float(recentMean)), ("episodes", Float(returns.count))])
    }
    private var pending: [Double] = []

    private var lastStep = 0

    private func flush(step: Int) throws {
        lastStep = step
        guard !pending.isEmpty else { return }
        try log.append([Double(step), pending.reduce(0, +) / Double(pending.count), recentMean],
                       plots: [(file: "returns.png", title: "\(name): episode return", yLabel: "return", series: ["mean_return_20", "mean_return_100"])])
        pending.removeAll()
    }

    /// Prints the evaluation's summary line and returns the result.
    public func finish(trainingSeconds: Double, evaluation: [Double], target: Double) throws -> RLResult {
        try flush(step: lastStep)
        let result = RLResult(trainingSeconds: trainingSeconds, evaluationReturns: evaluation)
        let std = (evaluation.map { ($0 - result.evaluationMean) * ($0 - result.evaluationMean) }.reduce(0, +) / Double(max(1, evaluation.count))).squareRoot()
        print(String(format: "%@: trained %.1f s; greedy return over %d episodes %.1f ± %.1f (target ≥ %.0f: %@); %@/",
                     name, trainingSeconds, evaluation.count, result.evaluationMean, std, target,
                     result.evaluationMean >= target ? "reached" : "not reached", directory))
        return result
    }
}
