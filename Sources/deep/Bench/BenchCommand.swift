import ArgumentParser
import DeepLearning

/// `deep bench <suite>`: prints one machine-readable line per case.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a benchmark suite (one line per case).",
        discussion: "Suites: " + suites.map { $0.name + ($0.inAll ? "" : " (not in all)") }.joined(separator: ", ")
            + ". The training suites match Benchmarks/reference/torch_bench.py.")

    /// Every suite, one line each, in the order `all` runs them; `inAll: false` for suites that launch
    /// other processes or take long.
    static let suites: [(name: String, inAll: Bool, run: (Bench) throws -> Void)] = [
        ("core", true, { _ in CoreBench.run() }),
        ("mlp", true, { _ in TrainingBench.mlp() }),
        ("lenet", true, { _ in TrainingBench.lenet() }),
        ("lstm", true, { _ in TrainingBench.recurrent("lstm") }),
        ("gru", true, { _ in TrainingBench.recurrent("gru") }),
        ("optim", true, { _ in OptimizerBench.run() }),
        ("transformer", true, { _ in TransformerBench.run() }),
        ("resnet", true, { _ in ResNetBench.run() }),
        ("gan", true, { _ in GANBench.run() }),
        ("rl", true, { _ in RLBench.run() }),
        ("ddp", false, { _ in try DataParallelBench.run() }),
    ]

    @Argument(help: "A suite (see below) or all.")
    var suite: String = "core"

    @Option(help: "Worker threads for our loops and BLAS (default: all cores).")
    var threads: Int?

    @Option(help: .hidden) var transport: String = "shm"

    func run() throws {
        if let threads { Parallel.setThreads(threads) }
        if suite == "ddp-worker" { return DataParallelBench.worker(transport: transport) }  // inside mpirun
        let chosen = suite == "all" ? Self.suites.filter(\.inAll) : Self.suites.filter { $0.name == suite }
        guard !chosen.isEmpty else {
            throw ValidationError("unknown suite \(suite); available: \(Self.suites.map(\.name).joined(separator: ", ")), all")
        }
        for s in chosen { try s.run(self) }
    }
}
