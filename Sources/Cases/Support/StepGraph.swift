import DeepLearning
import Foundation

/// The autograd graph of one training step of a classifier case, as a picture (`deep graph <case>`).
public enum StepGraph {
    /// The DOT text of the backward graph of one step's loss — `crossEntropy(model(x), y)` on the first
    /// `batchSize` training examples of the case, through a freshly initialised model in training mode — with
    /// the model's parameters named by their state-dict keys (see ``DeepLearning/Tensor/graph(of:)``).
    public static func dot(of c: any ClassifierPracticeCase.Type, batchSize: Int = 2, dataDirectory: String? = nil) throws -> String {
        guard batchSize >= 1 else { throw CaseError("graph: --batch-size must be at least 1, got \(batchSize)") }
        var options = c.info.defaults
        (options.limit, options.dataDirectory) = (batchSize, dataDirectory)
        try options.validate()
        let train = try c.data(options).train
        let model = c.makeModel()
        let (x, y) = train.batch(Array(0..<Swift.min(batchSize, train.count)))
        let loss = crossEntropy(model(c.transform?(x) ?? x), y)
        return loss.graph(of: model)
    }

    /// Writes `<directory>/graph.dot` and, where Graphviz's `dot` is on the PATH, `graph.svg` and `graph.png`
    /// rendered from it. Returns the paths written.
    public static func write(_ dot: String, to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let dotPath = directory + "/graph.dot"
        try dot.write(toFile: dotPath, atomically: true, encoding: .utf8)
        var written = [dotPath]
        guard let graphviz = executable(named: "dot") else { return written }
        for format in ["svg", "png"] {
            let output = directory + "/graph." + format
            let process = Process()
            process.executableURL = URL(fileURLWithPath: graphviz)
            process.arguments = ["-T" + format, dotPath, "-o", output]
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw CaseError("graph: `\(graphviz) -T\(format) \(dotPath)` exited with status \(process.terminationStatus)")
            }
            written.append(output)
        }
        return written
    }

    /// The first executable called `name` in the directories of `PATH`, or nil.
    static func executable(named name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
