import ArgumentParser
import Cases
import DeepLearning

struct Graph: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw the autograd graph of one training step of a classifier case (Graphviz DOT; SVG and PNG where `dot` is installed).")
    @Argument(help: "The case, e.g. mnist-mlp.") var name: String
    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Examples in the step (shapes in the picture).") var batchSize: Int = 2
    @Option(name: .customLong("data-dir"), help: "Folder with data files that are not bundled.") var dataDir: String?
    @Option(help: "Folder for <case>/graph.dot (.svg, .png).") var out: String = "runs"

    func run() throws {
        try reportingErrors {
            let c = try PracticeCases.classifier(name)
            let dot = try StepGraph.dot(of: c, batchSize: batchSize, dataDirectory: dataDir)
            let files = try StepGraph.write(dot, to: out + "/" + name)
            print("\(name): the graph of crossEntropy(model(x), y) on \(batchSize) examples — wrote \(files.joined(separator: ", "))")
            if files.count == 1 {
                print("Graphviz's `dot` is not on the PATH: `sudo apt-get install graphviz`, then `dot -Tsvg \(files[0]) -o graph.svg`")
            }
        }
    }
}
