import ArgumentParser
import DeepLearning

/// `deep bench <suite>`: prints one machine-readable line per case.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a benchmark suite (one line per case).")

    @Argument(help: "Suite: core, mlp, lenet, lstm, gru, ddp (mpirun with 1 and 2 processes) or all. The training suites match Benchmarks/reference/torch_bench.py.")
    var suite: String = "core"

    @Option(help: "Worker threads for our loops and BLAS (default: all cores).")
    var threads: Int?

    @Option(help: .hidden) var transport: String = "shm"

    func run() throws {
        if let threads { Parallel.setThreads(threads) }
        let suites = suite == "all" ? ["core", "mlp", "lenet", "lstm", "gru"] : [suite]
        for s in suites {
            switch s {
            case "core": CoreBench.run()
            case "mlp": TrainingBench.mlp()
            case "lenet": TrainingBench.lenet()
            case "lstm", "gru": TrainingBench.recurrent(s)
            case "ddp": try DataParallelBench.run()
            case "ddp-worker": DataParallelBench.worker(transport: transport)
            default: throw ValidationError("unknown suite \(s); available: core, mlp, lenet, lstm, gru, ddp, all")
            }
        }
    }
}
