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
    /// The metrics rows so far, and their columns.
    var rows: [[Double]], columns: [String]
    /// Seconds of training so far.
    var seconds: Double
    /// The settings the run was started with (``TrainOptions/settingsLine``).
    var settings: String

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

extension Report {
    /// Registers the training state of the case's loop: at each ``endEpoch(_:saving:)`` the model, the
    /// optimizer's state, the loader's position, the random generator, the step and the metrics go into
    /// `checkpoint.safetensors`; when the run was started with `--resume <run directory>` they are restored
    /// from that run now, and the loop starts at ``firstEpoch``. Throws when the checkpoint does not fit the
    /// model or optimizer (a resumed run that has trained every epoch asked for is refused by `Report.init`).
    public func track(_ model: Module, _ optimizer: Optimizer, loader: DataLoader? = nil) throws {
        tracked = (model, optimizer, loader)
        guard let (from, contents, state) = resumed else { return }
        let tensors = contents.dictionary
        func part(_ prefix: String) -> [String: Tensor] {
            Dictionary(uniqueKeysWithValues: tensors.filter { $0.key.hasPrefix(prefix) }.map { (String($0.key.dropFirst(prefix.count)), $0.value) })
        }
        do {
            try model.loadState(part("model."))
            try optimizer.loadStateDict(part("optimizer."))
        } catch {
            throw CaseError("--resume \(from): the checkpoint does not fit this model and optimizer: \(error)")
        }
        loader?.epoch = state.loaderEpoch
        RandomGenerator.global = RandomGenerator(state: state.random.compactMap { UInt64($0, radix: 16) })
        (step, rows, secondsBefore, firstEpoch) = (state.step, state.rows, state.seconds, state.epoch + 1)
        if state.settings != options.settingsLine {
            say("note: the resumed run had \(state.settings); this one has \(options.settingsLine), so it will not end as an uninterrupted run would")
        }
    }

    /// Writes `checkpoint.safetensors` for the epoch that just ended (nothing when nothing is tracked).
    func writeCheckpoint() throws {
        guard let (model, optimizer, loader) = tracked else { return }
        let state = ResumeState(caseName: info.name, epoch: epoch, step: step, loaderEpoch: loader?.epoch ?? 0,
                                random: RandomGenerator.global.state.map { String($0, radix: 16) }, rows: rows, columns: columns,
                                seconds: elapsed, settings: options.settingsLine)
        let tensors = model.namedState().map { ("model." + $0.0, $0.1) }
            + optimizer.stateDict().sorted { $0.key < $1.key }.map { ("optimizer." + $0.key, $0.value) }
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
    /// The settings that decide a run's numbers, in one line (compared when a run is resumed).
    var settingsLine: String {
        "epochs \(epochs), batch \(batchSize), \(optimizer) lr \(learningRate), weight decay \(weightDecay), seed \(seed), "
            + "limit \(limit.map(String.init) ?? "none"), seq-length \(sequenceLength), hidden \(hiddenSize), layers \(layers)"
    }
}
