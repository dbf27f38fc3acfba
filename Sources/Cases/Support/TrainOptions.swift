import DeepLearning

/// Settings of a training run; each case has its defaults and the CLI overrides them.
public struct TrainOptions {
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Float
    /// sgd (momentum 0.9), adam, adamw, rmsprop or adagrad.
    public var optimizer: String
    public var weightDecay: Float = 0
    public var seed: UInt64 = 0
    /// Where data not bundled with the repository is read from.
    public var dataDirectory: String?
    /// Where `runs/<case>/` goes.
    public var outputDirectory: String = "runs"
    /// Train on the first `limit` examples only (quick runs and tests).
    public var limit: Int?

    public init(epochs: Int, batchSize: Int, learningRate: Float, optimizer: String, weightDecay: Float = 0) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.optimizer = optimizer
        self.weightDecay = weightDecay
    }

    /// The optimizer named by `optimizer`, over `parameters`.
    public func makeOptimizer(_ parameters: [Tensor]) throws -> Optimizer {
        switch optimizer.lowercased() {
        case "sgd": return SGD(parameters, lr: learningRate, momentum: 0.9, weightDecay: weightDecay)
        case "adam": return Adam(parameters, lr: learningRate, weightDecay: weightDecay)
        case "adamw": return AdamW(parameters, lr: learningRate, weightDecay: weightDecay)
        case "rmsprop": return RMSProp(parameters, lr: learningRate, weightDecay: weightDecay)
        case "adagrad": return AdaGrad(parameters, lr: learningRate, weightDecay: weightDecay)
        default: throw CaseError("unknown optimizer \(optimizer); choose sgd, adam, adamw, rmsprop or adagrad")
        }
    }
}

/// A problem running a case (bad option, missing data) with a message for the user.
public struct CaseError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
