// The Gymnasium protocol (Towers et al., 2024, "Gymnasium: A Standard Interface for Reinforcement Learning
// Environments"): an agent calls `reset(seed:)` to start an episode and gets the first observation, then calls
// `step(_:)` with an action and gets the next observation, the reward, and whether the episode ended by
// reaching a terminal state (`terminated`) or by running out of time (`truncated`). The distinction matters to
// learning: a terminal state has value 0, a truncated one still has a future (agents bootstrap from it).

/// What one call of ``Environment/step(_:)`` returns, as Gymnasium's `(observation, reward, terminated,
/// truncated, info)` without `info`.
public struct Transition: Equatable, Sendable {
    /// The observation after the step (float32, as Gymnasium's observations are).
    public var observation: [Float]
    /// The reward for this step.
    public var reward: Double
    /// The episode reached a terminal state of the task (the pole fell, the goal was reached).
    public var terminated: Bool
    /// The episode was cut by the time limit (Gymnasium's `TimeLimit` wrapper) before a terminal state.
    public var truncated: Bool

    public init(observation: [Float], reward: Double, terminated: Bool, truncated: Bool) {
        self.observation = observation
        self.reward = reward
        self.terminated = terminated
        self.truncated = truncated
    }

    /// The episode is over, by either reason.
    public var done: Bool { terminated || truncated }
}

/// A reinforcement-learning environment with Gymnasium's interface.
///
/// The time limit of the registered environment (Gymnasium's `max_episode_steps`, applied there by the
/// `TimeLimit` wrapper) is part of the environment here: `step` reports `truncated` on the
/// `maxEpisodeSteps`-th step. Stepping an episode that has ended, or stepping before the first `reset`, and
/// an action outside ``actionSpace`` stop the program with a message naming the environment (they are
/// programmer errors, as Gymnasium's `ResetNeeded` and its action-space assertion).
public protocol Environment {
    associatedtype ActionSpace: Space
    /// The action type: `Int` for a ``Discrete`` space, `[Float]` for a ``Box``.
    typealias Action = ActionSpace.Element

    /// Gymnasium's id, such as `"CartPole-v1"`.
    static var id: String { get }
    /// The observations' space.
    var observationSpace: Box { get }
    /// The actions' space.
    var actionSpace: ActionSpace { get }
    /// The number of steps after which an episode is truncated.
    var maxEpisodeSteps: Int { get }

    /// Starts an episode and returns its first observation. With a seed the environment's generator is
    /// reseeded (so the same seed gives the same initial state); without one it continues its stream.
    mutating func reset(seed: UInt64?) -> [Float]
    /// Applies `action` and returns what followed.
    mutating func step(_ action: Action) -> Transition
    /// The current state drawn as an RGB image, as Gymnasium's `render_mode="rgb_array"`.
    func render() -> RGBImage
}

extension Environment {
    /// Starts an episode, continuing the environment's random stream.
    public mutating func reset() -> [Float] { reset(seed: nil) }
}

/// The episode bookkeeping every environment shares: the step count for truncation, whether an episode is
/// running, and the checks on `step`.
public struct EpisodeClock: Sendable {
    /// Steps taken in the current episode.
    public private(set) var elapsedSteps = 0
    /// The current episode has ended (or none has started).
    public private(set) var needsReset = true
    /// The episode's end was `terminated` (else `truncated`); meaningful once it has ended.
    private var endedByTermination = false

    public init() {}

    /// Starts an episode.
    public mutating func begin() {
        elapsedSteps = 0
        needsReset = false
    }

    /// Stops with a clear message unless an episode is running.
    public func checkRunning(_ id: String) {
        if needsReset {
            let why = elapsedSteps == 0 ? "before reset()" : "after the episode ended (\(endedByTermination ? "terminated" : "truncated") at step \(elapsedSteps))"
            environmentFailure("\(id): step(_:) called \(why); call reset(seed:) first")
        }
    }

    /// Counts a step whose dynamics said `terminated`, and returns whether the time limit truncates it.
    public mutating func advance(terminated: Bool, limit: Int) -> Bool {
        elapsedSteps += 1
        let truncated = !terminated && elapsedSteps >= limit
        if terminated || truncated {
            needsReset = true
            endedByTermination = terminated
        }
        return truncated
    }
}

/// Stops the program with `message` (a programmer error), in every build configuration.
public func environmentFailure(_ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) -> Never {
    fatalError("Environments: " + message(), file: file, line: line)
}
