import ArgumentParser
import Cases
import DeepLearning
import Foundation

/// Options every training command shares; unset ones take the case's defaults. Numbers are parsed
/// unconditionally so that `--lr -1` reaches validation (and is refused there) instead of reading as a flag.
struct TrainingFlags: ParsableArguments {
    @Option(parsing: .unconditional, help: "Passes over the training data.") var epochs: Int?
    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Examples per step.") var batchSize: Int?
    @Option(parsing: .unconditional, help: "Learning rate.") var lr: Float?
    @Option(help: "sgd, adam, adamw, rmsprop or adagrad.") var optimizer: String?
    @Option(name: .customLong("weight-decay"), parsing: .unconditional, help: "L2 penalty (decoupled for adamw).") var weightDecay: Float?
    @Option(parsing: .unconditional, help: "Random seed (same seed, same run).") var seed: UInt64 = 0
    @Option(name: .customLong("data-dir"), help: "Folder with data files that are not bundled.") var dataDir: String?
    @Option(help: "Folder for runs/<case>/<n>/.") var out: String = "runs"
    @Option(parsing: .unconditional, help: "Train on the first N examples (characters for text cases) only.") var limit: Int?
    @Option(parsing: .unconditional, help: "Worker threads (default: all cores).") var threads: Int?
    @Flag(help: "Print only the summary line.") var quiet = false
    @Option(help: "Continue a run from its last checkpoint, e.g. runs/mnist-mlp/latest (same settings: ends as an uninterrupted run).") var resume: String?
    @Option(name: .customLong("seq-length"), parsing: .unconditional, help: "Sequence cases: truncated-BPTT window / context, in characters.") var sequenceLength: Int?
    @Option(parsing: .unconditional, help: "Sequence cases: hidden size.") var hidden: Int?
    @Option(parsing: .unconditional, help: "Sequence cases: stacked layers.") var layers: Int?
    @Option(parsing: .unconditional, help: "Cases with dropout: the probability of zeroing an activation in training.") var dropout: Float?
    @Option(parsing: .unconditional, help: "Reinforcement-learning cases: environment steps of training.") var steps: Int?

    /// The case's defaults with the given flags applied; refuses a flag the case does not read and any value
    /// no run can use, before any work is done.
    func options(for info: CaseInfo) throws -> TrainOptions {
        let given: [(TrainOptions.Extra, Bool)] = [(.sequenceLength, sequenceLength != nil), (.hidden, hidden != nil),
                                                   (.layers, layers != nil), (.dropout, dropout != nil), (.dataDir, dataDir != nil),
                                                   (.steps, steps != nil)]
        for (extra, isGiven) in given where isGiven && !info.extras.contains(extra) {
            let users = PracticeCases.all.filter { $0.info.extras.contains(extra) }.map { $0.info.name }
            throw CaseError("--\(extra.rawValue) does not apply to \(info.name)" + (users.isEmpty ? "" : "; it applies to \(users.joined(separator: ", "))"))
        }
        var o = info.defaults
        if let epochs { o.epochs = epochs }
        if let batchSize { o.batchSize = batchSize }
        if let lr { o.learningRate = lr }
        if let optimizer { o.optimizer = optimizer }
        if let weightDecay { o.weightDecay = weightDecay }
        if let sequenceLength { o.sequenceLength = sequenceLength }
        if let hidden { o.hiddenSize = hidden }
        if let layers { o.layers = layers }
        if let dropout { o.dropout = dropout }
        if let steps { o.steps = steps }
        (o.seed, o.dataDirectory, o.outputDirectory, o.limit, o.quiet) = (seed, dataDir, out, limit, quiet)
        o.resumeFrom = resume
        try o.validate()
        if let threads {
            guard threads >= 1 else { throw CaseError("--threads must be at least 1, got \(threads)") }
            Parallel.setThreads(threads)
        }
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
    static let configuration = CommandConfiguration(
        abstract: "Train a practice case (see `deep list` for the cases and their defaults).",
        discussion: PracticeCases.all.map { "\($0.info.name): \(defaultsLine($0.info))" }.joined(separator: "\n"))
    @Argument(help: "The case, e.g. mnist-mlp.") var name: String
    @OptionGroup var flags: TrainingFlags

    func run() throws {
        try reportingErrors {
            try endingAllRanksOnError {
                let c = try PracticeCases.named(name)
                var options = try flags.options(for: c.info)
                try options.joinDataParallelJob(for: c, threads: flags.threads)
                try c.train(options)
            }
        }
    }
}

/// "epochs 10, batch 128, adam lr 0.001" — a case's defaults in one line.
func defaultsLine(_ info: CaseInfo) -> String {
    let d = info.defaults
    var s = "epochs \(d.epochs), batch \(d.batchSize), \(d.optimizer) lr \(d.learningRate)"
    if info.extras.contains(.sequenceLength) { s += ", seq-length \(d.sequenceLength), hidden \(d.hiddenSize), layers \(d.layers)" }
    if info.extras.contains(.dropout) { s += ", dropout \(d.dropout)" }
    return s
}

struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate text with a trained character model, or a grid of 64 digits with a trained GAN.")
    @Argument(help: "char-lstm, char-gru, char-rnn, char-transformer, mnist-gan or mnist-dcgan.") var name: String
    @Option(help: "The model.safetensors (default runs/<case>/latest/model.safetensors, or generator.safetensors for a GAN).") var checkpoint: String?
    @Option(help: "GANs: the PNG file of the 8 × 8 grid.") var out: String = "grid.png"
    @Option(help: "Text to start from.") var prompt: String = "ROMEO:"
    @Option(parsing: .unconditional, help: "Characters to generate.") var length: Int = 500
    @Option(parsing: .unconditional, help: "Softmax temperature: below 1 is more conservative, above 1 more surprising.") var temperature: Float = 0.8
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 1
    @Option(parsing: .unconditional, help: "Hidden size the model was trained with.") var hidden: Int?
    @Option(parsing: .unconditional, help: "Recurrent or Transformer layers the model was trained with.") var layers: Int?
    @Option(name: .customLong("seq-length"), parsing: .unconditional, help: "char-transformer: the context it was trained with.") var seqLength: Int?

    func run() throws {
        try reportingErrors {
            if let gan = try PracticeCases.generative(name) {
                let generator = gan.makeGenerator()
                let path = Report.checkpoint(checkpoint, of: name, file: "generator.safetensors")
                try generator.load(from: path)
                try gan.writeSampleGrid(generator, seed: seed, toPath: out)
                print("\(name): 64 samples of \(path) with seed \(seed) — wrote \(out)")
                return
            }
            guard length >= 0, temperature > 0 else { throw CaseError("--length must be ≥ 0 and --temperature > 0") }
            let file = Report.checkpoint(checkpoint, of: name)
            if name == CharTransformer.info.name {
                var o = CharTransformer.defaults
                if let hidden { o.hiddenSize = hidden }
                if let layers { o.layers = layers }
                if let seqLength { o.sequenceLength = seqLength }
                print(try CharTransformer.sample(checkpoint: file, prompt: prompt, length: length, temperature: temperature, seed: seed, options: o))
                return
            }
            guard let kind = CharRecurrent.Kind.allCases.first(where: { $0.caseName == name }) else {
                throw CaseError("unknown sampling case \(name); choose char-lstm, char-gru, char-rnn, char-transformer, mnist-gan or mnist-dcgan")
            }
            var o = CharRecurrent.defaults
            if let hidden { o.hiddenSize = hidden }
            if let layers { o.layers = layers }
            print(try CharRecurrent.sample(kind, checkpoint: file, prompt: prompt, length: length, temperature: temperature, seed: seed, options: o))
        }
    }
}

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The main job: train mnist-mlp on the bundled MNIST with its defaults.")
    @OptionGroup var flags: TrainingFlags
    func run() throws {
        try reportingErrors { try MNISTMLP.train(try flags.options(for: MNISTMLP.info)) }
    }
}

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Test accuracy and confusion matrix of a classifier checkpoint, the sample scores of a GAN's generator, or char-transformer's validation loss.")
    @Argument(help: "The case, e.g. mnist-cnn or mnist-dcgan.") var name: String
    @Option(help: "A model.safetensors written by `deep train` (default runs/<case>/latest/model.safetensors, or generator.safetensors for a GAN).") var checkpoint: String?
    @Option(help: "GANs: random seed of the 10,000 scored samples.") var seed: UInt64 = 1
    @Option(name: .customLong("data-dir"), help: "Folder with data files that are not bundled.") var dataDir: String?

    func run() throws {
        try reportingErrors {
            if let gan = try PracticeCases.generative(name) {
                let generator = gan.makeGenerator()
                let path = Report.checkpoint(checkpoint, of: name, file: "generator.safetensors")
                try generator.load(from: path)
                let scorer = try MNISTSampleScorer()
                let (reference, own) = try scorer.testSetStatistics()
                print("\(name): \(path)")
                print("samples:             \(gan.score(generator, scorer: scorer, reference: reference, seed: seed))")
                print("MNIST test set:      \(own)  (the reference; IS at most 10)")
                return
            }
            let path = Report.checkpoint(checkpoint, of: name)
            if name == CharTransformer.info.name {
                let loss = try CharTransformer.validationLoss(checkpoint: path)
                print("\(name): \(path)")
                print(String(format: "validation loss %.4f nats/char (each character after ≥ %d of context), %.4f over disjoint windows",
                             loss.overlapping, CharTransformer.defaults.sequenceLength / 2, loss.disjoint))
                return
            }
            let c = try PracticeCases.classifier(name)
            let model = c.makeModel()
            try model.load(from: path)
            var options = c.info.defaults
            options.dataDirectory = dataDir
            try options.validate()
            let test = try c.data(options).test
            let e = evaluate(model, on: test, classes: c.classNames.count, transform: c.transform)
            print("\(name): \(path)")
            print(String(format: "test accuracy %.2f%% (%d examples), loss %.4f", e.accuracy * 100, test.count, e.loss))
            print(confusionTable(e.confusion, classNames: c.classNames))
        }
    }
}

struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Layer table of a classifier case's model: output shapes and parameter counts.")
    @Argument(help: "The case.") var name: String
    func run() throws {
        try reportingErrors {
            let c = try PracticeCases.classifier(name)
            print("\(name): \(c.info.idea)")
            print(summary(c.makeModel(), inputShape: [1] + c.inputShape))
        }
    }
}

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The practice cases, their data, defaults and targets.")
    func run() {
        let width = PracticeCases.all.map { $0.info.name.count }.max() ?? 0  // the longest name, never cut
        let pad = { (s: String) in s.padding(toLength: width, withPad: " ", startingAt: 0) }
        for c in PracticeCases.all {
            print("\(pad(c.info.name)) \(c.info.idea)")
            print("\(pad("")) data: \(c.info.data)")
            print("\(pad("")) defaults: \(defaultsLine(c.info)); target: \(c.info.target)")
        }
    }
}
