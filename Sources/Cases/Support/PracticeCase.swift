import DeepLearning

/// What `deep list` and `deep train --help` say about a case, and its default settings.
public struct CaseInfo {
    /// The name on the command line, e.g. "mnist-cnn".
    public let name: String
    /// The idea the case teaches, one line.
    public let idea: String
    /// The data set, one line.
    public let data: String
    /// What the case reaches with its defaults.
    public let target: String
    /// The defaults; command-line options override them.
    public let defaults: TrainOptions
    /// The options beyond the common ones that this case reads (``TrainOptions/Extra``); any other is refused.
    public let extras: Set<TrainOptions.Extra>

    public init(name: String, idea: String, data: String, target: String, defaults: TrainOptions, extras: Set<TrainOptions.Extra> = []) {
        (self.name, self.idea, self.data, self.target, self.defaults, self.extras) = (name, idea, data, target, defaults, extras)
    }
}

/// A practice case: one file holding its data, its model and its training loop, reporting through a
/// ``Report``.
public protocol PracticeCase {
    static var info: CaseInfo { get }
    /// Trains with `options` and returns the summary line the report printed.
    @discardableResult
    static func train(_ options: TrainOptions) throws -> String
}

/// A case whose model classifies examples of a labelled data set: `deep eval` and `deep summary` work on it.
public protocol ClassifierPracticeCase: PracticeCase {
    /// Class names, index = label.
    static var classNames: [String] { get }
    /// Shape of one input example, e.g. [1, 28, 28].
    static var inputShape: [Int] { get }
    /// A freshly initialised model.
    static func makeModel() -> Sequential
    /// Training and test sets (raw inputs; ``transform`` is applied per batch).
    static func data(_ options: TrainOptions) throws -> (train: TensorDataset, test: TensorDataset)
    /// Normalisation applied to every batch (training and evaluation).
    static var transform: ((Tensor) -> Tensor)? { get }
}
