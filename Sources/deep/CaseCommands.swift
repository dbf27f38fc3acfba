import ArgumentParser
import Cases
import DeepLearning
import Foundation

/// Options every training command shares; unset ones take the case's defaults.
struct TrainingFlags: ParsableArguments {
    @Option(help: "Passes over the training data.") var epochs: Int?
    @Option(name: .customLong("batch-size"), help: "Examples per step.") var batchSize: Int?
    @Option(help: "Learning rate.") var lr: Float?
    @Option(help: "sgd, adam, adamw, rmsprop or adagrad.") var optimizer: String?
    @Option(help: "Random seed (same seed, same run).") var seed: UInt64 = 0
    @Option(name: .customLong("data-dir"), help: "Folder with data files that are not bundled.") var dataDir: String?
    @Option(help: "Folder for runs/<case>/.") var out: String = "runs"
    @Option(help: "Train on the first N examples only (quick runs).") var limit: Int?
    @Option(help: "Worker threads (default: all cores).") var threads: Int?

    func options(from defaults: TrainOptions) -> TrainOptions {
        var o = defaults
        if let epochs { o.epochs = epochs }
        if let batchSize { o.batchSize = batchSize }
        if let lr { o.learningRate = lr }
        if let optimizer { o.optimizer = optimizer }
        o.seed = seed
        o.dataDirectory = dataDir
        o.outputDirectory = out
        o.limit = limit
        if let threads { Parallel.setThreads(threads) }
        return o
    }
}

/// Runs a case's work and turns thrown errors into a message and exit code 1.
func reportingErrors(_ body: () throws -> Void) throws {
    do { try body() } catch let e as ValidationError { throw e } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCode.failure
    }
}

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train a practice case (see `deep list`).")
    @Argument(help: "The case, e.g. mnist-mlp.") var name: String
    @OptionGroup var flags: TrainingFlags

    @Option(name: .customLong("seq-length"), help: "Character cases: truncated-BPTT window.") var sequenceLength: Int?
    @Option(help: "Character cases: hidden size.") var hidden: Int?
    @Option(help: "Character cases: recurrent layers.") var layers: Int?
    @Option(help: "Reinforcement-learning cases: environment steps of training.") var steps: Int?

    func run() throws {
        try reportingErrors {
            if let run = ReinforcementLearningCases.all[name]?.train {
                var o = RLOptions()
                o.seed = flags.seed
                o.outputDirectory = flags.out
                o.steps = steps
                if let threads = flags.threads { Parallel.setThreads(threads) }
                _ = try run(o)
                return
            }
            if let kind = CharLanguageModel.Kind.allCases.first(where: { $0.caseName == name }) {
                try CharLanguageModel.train(kind, options: characterOptions())
                return
            }
            let spec = try PracticeCases.classifier(name)
            try ClassifierTrainer.train(spec, options: flags.options(from: spec.defaults))
        }
    }

    func characterOptions() -> CharLanguageModel.Options {
        var o = CharLanguageModel.Options()
        if let v = flags.epochs { o.epochs = v }
        if let v = flags.batchSize { o.batchSize = v }
        if let v = flags.lr { o.learningRate = v }
        if let v = sequenceLength { o.sequenceLength = v }
        if let v = hidden { o.hiddenSize = v }
        if let v = layers { o.layers = v }
        o.seed = flags.seed
        o.outputDirectory = flags.out
        o.limit = flags.limit
        if let threads = flags.threads { Parallel.setThreads(threads) }
        return o
    }
}

struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Generate text with a trained character model.")
    @Argument(help: "char-lstm, char-gru or char-rnn.") var name: String
    @Option(help: "The model.safetensors (default runs/<case>/model.safetensors).") var checkpoint: String?
    @Option(help: "Text to start from.") var prompt: String = "ROMEO:"
    @Option(help: "Characters to generate.") var length: Int = 500
    @Option(help: "Softmax temperature: below 1 is more conservative, above 1 more surprising.") var temperature: Float = 0.8
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Hidden size the model was trained with.") var hidden: Int?
    @Option(help: "Recurrent layers the model was trained with.") var layers: Int?

    func run() throws {
        try reportingErrors {
            guard let kind = CharLanguageModel.Kind.allCases.first(where: { $0.caseName == name }) else {
                throw CaseError("unknown character case \(name); choose char-lstm, char-gru or char-rnn")
            }
            var o = CharLanguageModel.Options()
            if let hidden { o.hiddenSize = hidden }
            if let layers { o.layers = layers }
            print(try CharLanguageModel.sample(kind, checkpoint: checkpoint ?? "runs/\(name)/model.safetensors", prompt: prompt,
                                               length: length, temperature: temperature, seed: seed, options: o))
        }
    }
}

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The main job: train mnist-mlp on the bundled MNIST with its defaults.")
    @OptionGroup var flags: TrainingFlags
    func run() throws {
        try reportingErrors {
            let spec = try PracticeCases.classifier("mnist-mlp")
            try ClassifierTrainer.train(spec, options: flags.options(from: spec.defaults))
        }
    }
}

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Test accuracy and confusion matrix of a checkpoint.")
    @Argument(help: "The case, e.g. mnist-cnn.") var name: String
    @Option(help: "A model.safetensors written by `deep train` (default runs/<case>/model.safetensors).") var checkpoint: String?
    @Option(name: .customLong("data-dir"), help: "Folder with data files that are not bundled.") var dataDir: String?

    func run() throws {
        try reportingErrors {
            let spec = try PracticeCases.classifier(name)
            let model = spec.makeModel()
            let path = checkpoint ?? "runs/\(name)/model.safetensors"
            try model.load(from: path)
            let test = try spec.loadData(dataDir).test
            let e = ClassifierTrainer.evaluate(model, on: test, classes: spec.classNames.count, transform: spec.transform)
            print("\(name): \(path)")
            print(String(format: "test accuracy %.2f%% (%d examples), loss %.4f", e.accuracy * 100, test.count, e.loss))
            print(ClassifierTrainer.confusionTable(e.confusion, classNames: spec.classNames))
        }
    }
}

struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Layer table of a case's model: output shapes and parameter counts.")
    @Argument(help: "The case.") var name: String
    func run() throws {
        try reportingErrors {
            let spec = try PracticeCases.classifier(name)
            print("\(name): \(spec.idea)")
            print(summaryTable(spec.makeModel(), inputShape: spec.inputShape))
        }
    }
}

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The practice cases.")
    func run() {
        for kind in CharLanguageModel.Kind.allCases {
            print("\(kind.caseName.padding(toLength: 14, withPad: " ", startingAt: 0)) recurrent networks: character-level \(kind.rawValue.uppercased()) language model")
            print("\("".padding(toLength: 14, withPad: " ", startingAt: 0)) data: Tiny Shakespeare (bundled); target: validation loss ≤ 1.6 nats/char (LSTM)")
        }
        for c in PracticeCases.classifiers {
            print("\(c.name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(c.idea)")
            print("\("".padding(toLength: 14, withPad: " ", startingAt: 0)) data: \(c.data); target: \(c.target)")
        }
    }
}
