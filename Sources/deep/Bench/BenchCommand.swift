import ArgumentParser
import DeepLearning

/// `deep bench <suite>`: prints one machine-readable line per case.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a benchmark suite (one line per case).")

    @Argument(help: "Suite: core, recurrent, conv.")
    var suite: String = "core"

    @Option(help: "Worker threads for our loops and BLAS (default: all cores).")
    var threads: Int?

    func run() throws {
        if let threads { Parallel.setThreads(threads) }
        switch suite {
        case "core": CoreBench.run()
        case "recurrent": RecurrentBench.run()
        case "conv": ConvBench.run()
        default: throw ValidationError("unknown suite \(suite); available: core, recurrent, conv")
        }
    }
}
