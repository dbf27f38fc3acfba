import DeepLearning
import Foundation

// Resuming a run: what Report writes at each epoch's end (checkpoint.safetensors) and restores for
// `deep train <case> --resume runs/<case>/latest`.

/// The part of a run's state that is not a tensor, kept as JSON in the metadata of `checkpoint.safetensors`
/// (one file, written atomically, so the tensors and this state always belong to the same epoch).
struct ResumeState: Codable {
    var caseName: String
    /// The last finished epoch and the batches reported up to its end.
    var epoch: Int, step: Int
    /// Passes the data loader had made (its shuffling order depends on it).
    var loaderEpoch: Int
    /// The global random generator (dropout), as hexadecimal words (``RandomGenerator/state``).
    var random: [String]
    /// The loop's own random generators by name, in the same words (nil in checkpoints written before they were
    /// saved, which hold none).
    var generators: [String: [String]]?
    /// The metrics rows so far, and their columns.
    var rows: [[Double]], columns: [String]
    /// Seconds of training so far.
    var seconds: Double
    /// The settings the run was started with (``TrainOptions/settingsLine``).
    var settings: String

    /// A generator's state as hexadecimal words, and back.
    static func words(_ generator: RandomGenerator) -> [String] { generator.state.map { String($0, radix: 16) } }
    static func generator(_ words: [String]) -> RandomGenerator { RandomGenerator(state: words.compactMap { UInt64($0, radix: 16) }) }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }()
    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }()
}

/// A random generator that a training loop draws from besides the global one (a GAN's noise, the random
/// windows of char-transformer), held by reference so that ``Report`` can save its state at each epoch's end and
/// restore it on `--resume`: register it with ``Report/track(_:loader:generators:)`` and draw with
/// `&noise.generator`.
public final class TrackedGenerator {
    /// The generator itself; pass `&generator` to the functions that draw from it.
    public var generator: RandomGenerator

    /// A generator whose stream is fixed by `seed` (``RandomGenerator/init(seed:)``).
    public init(seed: UInt64) { generator = RandomGenerator(seed: seed) }
}

extension Report {
    /// One model of a run and the optimizer that trains it (nil for a model no optimizer steps, such as an
    /// ``AveragedModel``): saved in `checkpoint.safetensors` under the keys
    /// `<prefix>model.<parameter>` and `<prefix>optimizer.<state>` — `prefix` "" for a run of one model, e.g.
    /// "generator." and "discriminator." for a GAN.
    public typealias TrackedPart = (prefix: String, module: Module, optimizer: Optimizer?)

    /// Registers the training state of the case's loop: at each ``endEpoch(_:saving:)`` every part's module and
    /// optimizer state, the loader's position, the global random generator and the loop's own `generators`
    /// (by name), the step and the metrics go into `checkpoint.safetensors`; when the run was started with
    /// `--resume <run directory>` they are restored from that run now, and the loop starts at ``firstEpoch``.
    /// Throws when the checkpoint does not fit the parts or lacks one of the generators (a resumed run that has
    /// trained every epoch asked for is refused by `Report.init`).
    ///
    /// ```swift
    /// let noise = TrackedGenerator(seed: options.seed)
    /// try report.track([("generator.", generator, optimizerG), ("discriminator.", discriminator, optimizerD)],
    ///                  loader: loader, generators: ["noise": noise])
    /// ```
    public func track(_ parts: [TrackedPart], loader: DataLoader? = nil, generators: [String: TrackedGenerator] = [:]) throws {
        let prefixes = parts.map(\.prefix)
        require(Set(prefixes).count == prefixes.count, "Report.track: the parts' prefixes \(prefixes) must differ")
        tracked = (parts, loader, generators)
        guard let (from, contents, state) = resumed else { return }
        let tensors = contents.dictionary
        func part(_ prefix: String) -> [String: Tensor] {
            Dictionary(uniqueKeysWithValues: tensors.filter { $0.key.hasPrefix(prefix) }.map { (String($0.key.dropFirst(prefix.count)), $0.value) })
        }
        do {
            for (prefix, module, optimizer) in parts {
                try module.loadState(part(prefix + "model."))
                try optimizer?.loadStateDict(part(prefix + "optimizer."))
            }
        } catch {
            throw CaseError("--resume \(from): the checkpoint does not fit this run's models and optimizers: \(error)")
        }
        var restored: [String: RandomGenerator] = [:]
        for name in generators.keys.sorted() {
            guard let words = state.generators?[name] else {
                throw CaseError("--resume \(from): the checkpoint holds no state of the random generator \"\(name)\"")
            }
            restored[name] = ResumeState.generator(words)
        }
        for (name, g) in restored { generators[name]!.generator = g }
        loader?.epoch = state.loaderEpoch
        RandomGenerator.global = ResumeState.generator(state.random)
        (step, rows, secondsBefore, firstEpoch) = (state.step, state.rows, state.seconds, state.epoch + 1)
        if state.settings != options.settingsLine {
            say("note: the resumed run had \(state.settings); this one has \(options.settingsLine), so it will not end as an uninterrupted run would")
        }
    }

    /// Registers one model and its optimizer (keys `model.*` and `optimizer.*`): see ``track(_:loader:generators:)``.
    public func track(_ model: Module, _ optimizer: Optimizer, loader: DataLoader? = nil, generators: [String: TrackedGenerator] = [:]) throws {
        try track([("", model, optimizer)], loader: loader, generators: generators)
    }

    /// Writes `checkpoint.safetensors` for the epoch that just ended (nothing when nothing is tracked).
    func writeCheckpoint() throws {
        guard let (parts, loader, generators) = tracked else { return }
        let state = ResumeState(caseName: info.name, epoch: epoch, step: step, loaderEpoch: loader?.epoch ?? 0,
                                random: ResumeState.words(RandomGenerator.global), generators: generators.mapValues { ResumeState.words($0.generator) },
                                rows: rows, columns: columns, seconds: elapsed, settings: options.settingsLine)
        let tensors = parts.flatMap { prefix, module, optimizer in
            module.namedState().map { (prefix + "model." + $0.0, $0.1) }
                + (optimizer?.stateDict() ?? [:]).sorted { $0.key < $1.key }.map { (prefix + "optimizer." + $0.key, $0.value) }
        }
        let json = String(decoding: try ResumeState.encoder.encode(state), as: UTF8.self)
        try SafeTensors.write(tensors, metadata: ["format": "pt", "resume": json], to: path("checkpoint.safetensors"))
    }

    /// Reads the checkpoint of the run in `directory` (a run directory or `runs/<case>/latest`, resolved now,
    /// before this run's directory takes `latest`).
    static func readCheckpoint(of name: String, in directory: String, columns: [String])
        throws -> (directory: String, contents: SafeTensors.Contents, state: ResumeState) {
        let real = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        let file = real + "/checkpoint.safetensors"
        guard FileManager.default.fileExists(atPath: file) else {
            throw CaseError("--resume \(directory): no checkpoint.safetensors there (a run writes one at the end of each epoch)")
        }
        let contents = try SafeTensors.read(from: file)
        guard let json = contents.metadata["resume"],
              let state = try? ResumeState.decoder.decode(ResumeState.self, from: Data(json.utf8)) else {
            throw CaseError("--resume \(file): no resume state in its metadata")
        }
        guard state.caseName == name else { throw CaseError("--resume \(directory) is a run of \(state.caseName), not of \(name)") }
        guard state.columns == columns else { throw CaseError("--resume \(directory): its metrics \(state.columns) are not this case's \(columns)") }
        return (real, contents, state)
    }
}

extension TrainOptions {
    /// The settings that decide a run's numbers, in one line (compared when a run is resumed). Dropout is named
    /// only when set, so the line of a run without it reads as in the checkpoints written before it was added.
    var settingsLine: String {
        "epochs \(epochs), batch \(batchSize), \(optimizer) lr \(learningRate), weight decay \(weightDecay), seed \(seed), "
            + "limit \(limit.map(String.init) ?? "none"), seq-length \(sequenceLength), hidden \(hiddenSize), layers \(layers)"
            + (dropout == 0 ? "" : ", dropout \(dropout)")
    }
}
