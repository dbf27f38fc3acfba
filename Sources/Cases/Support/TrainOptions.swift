import DeepLearning
import Foundation

/// Settings of a training run; each case has its defaults and the command line overrides them.
public struct TrainOptions: Sendable {
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Float
    /// sgd (momentum 0.9), adam, adamw, rmsprop or adagrad.
    public var optimizer: String
    public var weightDecay: Float = 0
    public var seed: UInt64 = 0
    /// Where data not bundled with the repository is read from (must exist when given).
    public var dataDirectory: String?
    /// Where `runs/<case>/<n>/` goes.
    public var outputDirectory: String = "runs"
    /// Train on the first `limit` examples only (quick runs and tests).
    public var limit: Int?
    /// Print only the summary line.
    public var quiet = false
    /// A run directory (or `runs/<case>/latest`) whose checkpoint this run continues (`--resume`).
    public var resumeFrom: String?
    /// Stops the run (with an error) after this epoch's checkpoint, as if it had been interrupted: for the
    /// tests of `--resume`.
    var stopAfterEpoch: Int?
    /// GAN cases: the samples scored at each epoch's end and the test images of their reference (nil: 10,000,
    /// as `deep eval`); fewer keep the tests of the training loop quick.
    var scoredSamples: Int?
    /// Sequence models: the truncated-BPTT window (or context length), in tokens.
    public var sequenceLength = 100
    /// Sequence models: hidden (model) width.
    public var hiddenSize = 256
    /// Sequence models: stacked layers.
    public var layers = 2
    /// Cases with dropout layers: the probability that dropout zeroes an activation during training
    /// (`torch.nn.Dropout`'s `p`), in [0, 1).
    public var dropout: Float = 0
    /// Reinforcement-learning cases: environment steps of training (nil: the case's default).
    public var steps: Int?
    /// The processes of a data-parallel run (set by `deep` under `mpirun`); nil for one process.
    /// ``batchSize`` is then each process's share of the global batch.
    public var processGroup: (any ProcessGroup)?

    /// The options only some cases read.
    public enum Extra: String, CaseIterable, Sendable {
        case sequenceLength = "seq-length", hidden, layers, dropout, dataDir = "data-dir", steps
    }

    public init(epochs: Int, batchSize: Int, learningRate: Float, optimizer: String, weightDecay: Float = 0) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.optimizer = optimizer
        self.weightDecay = weightDecay
    }

    /// Throws a ``CaseError`` naming the first option whose value no run can use.
    public func validate() throws {
        func check(_ ok: Bool, _ message: String) throws { if !ok { throw CaseError(message) } }
        try check(epochs >= 1, "--epochs must be at least 1, got \(epochs)")
        try check(batchSize >= 1, "--batch-size must be at least 1, got \(batchSize)")
        try check(learningRate > 0 && learningRate.isFinite, "--lr must be a positive number, got \(learningRate)")
        try check(weightDecay >= 0 && weightDecay.isFinite, "--weight-decay must be ≥ 0, got \(weightDecay)")
        try check(Self.optimizers.contains(optimizer.lowercased()), unknownOptimizer)
        try check(limit.map { $0 >= 1 } ?? true, "--limit must be at least 1, got \(limit ?? 0)")
        try check(sequenceLength >= 1, "--seq-length must be at least 1, got \(sequenceLength)")
        try check(hiddenSize >= 1, "--hidden must be at least 1, got \(hiddenSize)")
        try check(layers >= 1, "--layers must be at least 1, got \(layers)")
        try check(dropout >= 0 && dropout < 1, "--dropout must be in [0, 1), got \(dropout)")
        try check(steps.map { $0 >= epochs } ?? true, "--steps must be at least the number of epochs (\(epochs)), got \(steps ?? 0)")
        if let resumeFrom {
            try check(FileManager.default.fileExists(atPath: resumeFrom + "/checkpoint.safetensors"),
                      "--resume \(resumeFrom): no checkpoint.safetensors there (a run writes one at the end of each epoch)")
        }
        if let dataDirectory {
            var isDirectory: ObjCBool = false
            try check(FileManager.default.fileExists(atPath: dataDirectory, isDirectory: &isDirectory) && isDirectory.boolValue,
                      "--data-dir \(dataDirectory) is not a directory")
        }
    }

    /// The names `optimizer` may take.
    public static let optimizers = ["sgd", "adam", "adamw", "rmsprop", "adagrad"]

    var unknownOptimizer: String {
        "unknown optimizer \(optimizer); choose \(Self.optimizers.dropLast().joined(separator: ", ")) or \(Self.optimizers.last!)"
    }

    /// The optimizer named by `optimizer`, over `parameters`.
    public func makeOptimizer(_ parameters: [Tensor]) throws -> Optimizer {
        switch optimizer.lowercased() {
        case "sgd": return SGD(parameters, lr: learningRate, momentum: 0.9, weightDecay: weightDecay)
        case "adam": return Adam(parameters, lr: learningRate, weightDecay: weightDecay)
        case "adamw": return AdamW(parameters, lr: learningRate, weightDecay: weightDecay)
        case "rmsprop": return RMSProp(parameters, lr: learningRate, weightDecay: weightDecay)
        case "adagrad": return AdaGrad(parameters, lr: learningRate, weightDecay: weightDecay)
        default: throw CaseError(unknownOptimizer)
        }
    }
}

/// A problem running a case (bad option, missing data) with a message for the user.
public struct CaseError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
