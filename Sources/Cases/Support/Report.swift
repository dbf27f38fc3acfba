import DeepLearning
import Foundation

/// Everything a practice case reports while it trains, in one place, so that the case file itself holds only
/// its data, its model and its training loop.
///
/// A `Report` opens a new run directory `runs/<case>/<n>/` (never overwriting an earlier run) and points
/// `runs/<case>/latest` at it; prints the case's header; shows a progress bar over each epoch's batches with
/// running means of the batch metrics; stops the run when the loss turns NaN or infinite; and at the end of
/// each epoch writes the checkpoints first and then the row of `metrics.csv` and the PNG plots that describe
/// them (so a run killed at any moment leaves a consistent directory). With `quiet` it prints only the
/// summary line.
///
/// With ``track(_:_:loader:generators:)`` (one model and its optimizer) or ``track(_:loader:generators:)``
/// (several, e.g. a GAN's generator and discriminator) each epoch's end also writes `checkpoint.safetensors`
/// (the models, their optimizers' state, and in its metadata the step, the epoch, the data order's position,
/// the global random generator and the loop's own ``TrackedGenerator``s, and the metrics so far), and
/// `deep train <case> --resume runs/<case>/latest` restores all of it: the loop starts at ``firstEpoch`` and
/// ends bit-identical to a run that was never interrupted. A case that tracks nothing writes no such file and
/// cannot be resumed.
///
/// ```swift
/// let report = try Report(about, options, columns: ["epoch", "train_loss", "test_loss"],
///                         plots: [.init("loss.png", "cross-entropy", ["train_loss", "test_loss"])])
/// try report.track(model, optimizer, loader: loader)   // saved each epoch, restored by --resume
/// for epoch in report.firstEpoch...options.epochs {
///     for (x, y) in report.batches(of: loader, epoch: epoch) {
///         let loss = crossEntropy(model(x), y)
///         optimizer.zeroGrad(); loss.backward(); optimizer.step()
///         try report.batch(loss: loss, samples: y.count)
///     }
///     try report.endEpoch(["test_loss": Double(evaluate(...).loss)], saving: model)
/// }
/// ```
public final class Report {
    /// A PNG line plot of some metrics columns against the first column, rewritten after every epoch.
    public struct Plot {
        public let file: String, yLabel: String, series: [String]
        public init(_ file: String, _ yLabel: String, _ series: [String]) {
            (self.file, self.yLabel, self.series) = (file, yLabel, series)
        }
    }

    public let info: CaseInfo
    public let options: TrainOptions
    /// This run's directory, `<outputDirectory>/<case>/<n>`.
    public let directory: String
    let columns: [String]
    let plots: [Plot]
    var rows: [[Double]] = []
    let start = Date()

    /// Batches reported so far in the whole run (the global step, e.g. for a learning-rate schedule).
    public internal(set) var step = 0
    /// The epoch whose batches are being reported.
    public private(set) var epoch = 0
    var bar: ProgressBar?
    var sums: [(String, Double)] = []
    var samples = 0
    var lastFiniteLoss = Float.nan
    /// What ``track(_:loader:generators:)`` registered, saved in `checkpoint.safetensors` at each epoch's end.
    var tracked: (parts: [TrackedPart], loader: DataLoader?, generators: [String: TrackedGenerator])?
    /// The first epoch of the training loop: 1, or the one after the checkpoint a resumed run starts from.
    public internal(set) var firstEpoch = 1
    /// The checkpoint of the run being resumed (`--resume`), read before this run's directory took `latest`.
    var resumed: (directory: String, contents: SafeTensors.Contents, state: ResumeState)?
    /// Seconds the resumed run had trained before.
    var secondsBefore = 0.0

    /// Opens a new run directory for the case and prints its header (the case's idea and data, and `lines`).
    /// `columns` are the metrics written per epoch; the first is the x axis of the plots ("epoch").
    public init(_ info: CaseInfo, _ options: TrainOptions, columns: [String], plots: [Plot], header lines: [String] = []) throws {
        (self.info, self.options, self.columns, self.plots) = (info, options, columns, plots)
        if let from = options.resumeFrom {
            // Read (and refused, if it must be) before this run's directory exists and takes `latest`.
            let checkpoint = try Report.readCheckpoint(of: info.name, in: from, columns: columns)
            guard checkpoint.state.epoch < options.epochs else {
                throw CaseError("--resume \(from): that run has finished its \(checkpoint.state.epoch) epochs; give a larger --epochs to train on")
            }
            resumed = checkpoint
        }
        // Under mpirun only rank 0 prints and writes; the other ranks train silently.
        directory = options.isMainProcess ? try Report.newRunDirectory(for: info.name, in: options.outputDirectory) : ""
        say("\(info.name): \(info.idea)")
        for line in lines { say(line) }
        if let group = options.processGroup {
            say("data-parallel: \(group.worldSize) processes × batch \(options.batchSize) = batch \(group.worldSize * options.batchSize) per step")
        }
        say("run directory: \(directory)")
        if let resumed { say("resuming \(resumed.directory) after epoch \(resumed.state.epoch)") }
    }

    /// Prints `line` unless the run is quiet.
    public func say(_ line: String) {
        guard !options.quiet, options.isMainProcess else { return }
        print(line)
        fflush(stdout)
    }

    /// The path of `file` inside the run directory.
    public func path(_ file: String) -> String { directory + "/" + file }

    /// Seconds since the report was opened.
    public var elapsed: Double { secondsBefore + Date().timeIntervalSince(start) }

    /// The batches of one epoch, with a progress bar that `batch(…)` advances.
    public func batches<S: Sequence>(of sequence: S, count: Int, epoch: Int) -> S {
        self.epoch = epoch
        sums = []
        samples = 0
        bar = options.quiet || !options.isMainProcess ? nil : ProgressBar(total: count, label: "epoch \(epoch)/\(options.epochs)")
        return sequence
    }

    /// The batches of one pass of `loader`, with a progress bar.
    public func batches(of loader: DataLoader, epoch: Int) -> DataLoader { batches(of: loader, count: loader.count, epoch: epoch) }

    /// Records one batch: `loss` (its mean over the batch) and other `metrics`, each a mean over `samples`
    /// examples; the bar shows their running means over the epoch. Throws when the loss is NaN or infinite,
    /// naming the step and the last finite loss (the checkpoint of the last finished epoch stays in place).
    public func batch(loss: Float, samples n: Int, _ metrics: [(String, Float)] = []) throws {
        step += 1
        guard loss.isFinite else {
            throw CaseError("""
                \(info.name): the loss became \(loss) at step \(step) (epoch \(epoch)); the last finite loss was \(lastFiniteLoss). \
                The checkpoint of the last finished epoch is kept in \(directory). Try a lower learning rate (--lr).
                """)
        }
        lastFiniteLoss = loss
        let values = [("loss", loss)] + metrics
        let n = n * (options.processGroup?.worldSize ?? 1)  // under mpirun: the global batch (this rank's metrics)
        if sums.isEmpty { sums = values.map { ($0.0, 0) } }
        for (i, v) in values.enumerated() { sums[i].1 += Double(v.1) * Double(n) }
        samples += n
        bar?.update(samples: samples, metrics: sums.map { ($0.0, Float($0.1 / Double(Swift.max(samples, 1)))) })
    }

    /// Records one batch whose loss is a scalar tensor (see ``batch(loss:samples:_:)``).
    public func batch(loss: Tensor, samples n: Int, _ metrics: [(String, Float)] = []) throws {
        try batch(loss: loss.item, samples: n, metrics)
    }

    /// The running mean of a batch metric over the epoch so far ("loss" or a name given to `batch`).
    public func mean(_ name: String) -> Double {
        guard let s = sums.first(where: { $0.0 == name }) else { return .nan }
        return s.1 / Double(Swift.max(samples, 1))
    }

    /// Ends an epoch: saves each module to its file in the run directory (first, so the metrics never describe
    /// a checkpoint that is not there), then appends the metrics row — `values` by column name; "epoch",
    /// "seconds" and "train_<m>" for each batch metric m are filled in when not given — rewrites
    /// `metrics.csv` and the plots, and prints the epoch line.
    public func endEpoch(_ values: [String: Double], saving modules: [(Module, String)]) throws {
        guard options.isMainProcess else { return }
        var row: [String: Double] = ["epoch": Double(epoch), "seconds": elapsed]
        for (name, _) in sums { row["train_" + name] = mean(name) }
        row.merge(values) { $1 }
        let missing = columns.filter { row[$0] == nil }
        require(missing.isEmpty, "Report.endEpoch: no value for the columns \(missing)")
        rows.append(columns.map { row[$0]! })
        for (module, file) in modules { try module.save(to: path(file)) }
        try writeCheckpoint()
        var csv = columns.joined(separator: ",") + "\n"
        for r in rows { csv += r.map { String(format: "%.6g", $0) }.joined(separator: ",") + "\n" }
        try csv.write(toFile: path("metrics.csv"), atomically: true, encoding: .utf8)
        for plot in plots {
            var p = LinePlot(title: "\(info.name) \(plot.yLabel)", xLabel: columns[0], yLabel: plot.yLabel)
            for s in plot.series { p.add(series: s, x: column(columns[0]), y: column(s)) }
            try p.write(toPath: path(plot.file), width: 640, height: 400)
        }
        say("epoch \(epoch): " + columns.dropFirst().map { $0 == "seconds" ? String(format: "%.1fs", row[$0]!) : "\($0) \(Report.format(row[$0]!))" }
            .joined(separator: " | "))
        if epoch == options.stopAfterEpoch { throw CaseError("\(info.name): stopped after epoch \(epoch) (stopAfterEpoch)") }
    }

    /// Ends an epoch saving one module as `model.safetensors` (see ``endEpoch(_:saving:)``).
    public func endEpoch(_ values: [String: Double], saving model: Module) throws {
        try endEpoch(values, saving: [(model, "model.safetensors")])
    }

    /// Values of one metrics column, one per finished epoch.
    public func column(_ name: String) -> [Double] {
        guard let i = columns.firstIndex(of: name) else { return [] }
        return rows.map { $0[i] }
    }

    /// Prints the one-line summary of the run (also when quiet) and returns it.
    @discardableResult
    public func finish(_ result: String) -> String {
        let line = String(format: "%@: %@ in %.0fs (target: %@) — wrote %@", info.name, result, elapsed, info.target, directory)
        if options.isMainProcess { print(line) }
        return line
    }

    static func format(_ v: Double) -> String {
        if v != 0 && Swift.abs(v) < 1e-3 { return String(format: "%.2e", v) }
        return v == v.rounded() && abs(v) < 1e6 ? String(Int(v)) : String(format: abs(v) >= 100 ? "%.1f" : "%.4f", v)
    }

    /// Creates `<root>/<case>/<n>` with n one more than the largest run number there, and points
    /// `<root>/<case>/latest` at it.
    static func newRunDirectory(for name: String, in root: String) throws -> String {
        let caseDirectory = root + "/" + name
        let files = FileManager.default
        try files.createDirectory(atPath: caseDirectory, withIntermediateDirectories: true)
        var n = ((try? files.contentsOfDirectory(atPath: caseDirectory)) ?? []).compactMap(Int.init).max() ?? 0
        var directory: String
        repeat {
            n += 1
            directory = caseDirectory + "/\(n)"
        } while files.fileExists(atPath: directory)
        try files.createDirectory(atPath: directory, withIntermediateDirectories: false)
        let latest = caseDirectory + "/latest"
        try? files.removeItem(atPath: latest)
        try? files.createSymbolicLink(atPath: latest, withDestinationPath: "\(n)")
        return directory
    }

    /// The newest run directory of a case, `<root>/<case>/latest`.
    public static func latestRun(of name: String, in root: String = "runs") -> String { root + "/" + name + "/latest" }

    /// The checkpoint a command reads: `given`, else the file `file` of the case's newest run under `runs/`.
    public static func checkpoint(_ given: String?, of name: String, file: String = "model.safetensors") -> String {
        given ?? latestRun(of: name) + "/" + file
    }
}
