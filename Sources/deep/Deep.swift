import ArgumentParser
import DeepLearning

@main
struct Deep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deep",
        abstract: "Deep learning in Swift: practice cases, benchmarks and tools.",
        subcommands: [List.self, Train.self, Eval.self, Sample.self, Summary.self, Graph.self, Play.self, Demo.self, Bench.self,
                      DistributedCheck.self])
}
