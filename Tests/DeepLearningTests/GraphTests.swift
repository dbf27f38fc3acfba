import Foundation
import Testing
@testable import Cases
@testable import DeepLearning

/// `Tensor.graph`: the backward graph in Graphviz DOT, nodes and edges of known small expressions.
@Suite struct GraphTests {
    @Test func oneLayerExpressionHasItsOpsLeavesAndEdges() {
        let x = Tensor([[1, 2, 3]])  // data: not on the tape
        let w = Tensor.randn([3, 4], seed: 0).requiringGrad()
        let b = Tensor.zeros([4]).requiringGrad()
        let loss = (x.matmul(w) + b).relu().sum()
        let dot = loss.graph(parameterNames: [("w", w), ("b", b)])
        let lines = dot.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        // Post-order: w, matmul, b, add, relu, sum.
        #expect(lines.first == "digraph autograd {")
        #expect(lines.last == "}")
        let leaf = "shape=box, style=filled, fillcolor=\"#dbe9f6\""
        let nodes = lines.filter { $0.hasPrefix("n") && $0.contains("[label=") }
        #expect(nodes == [
            "n0 [label=\"w\\n[3, 4]\", \(leaf)];",
            "n1 [label=\"matmul\\n[1, 4]\", shape=ellipse];",
            "n2 [label=\"b\\n[4]\", \(leaf)];",
            "n3 [label=\"add\\n[1, 4]\", shape=ellipse];",
            "n4 [label=\"relu\\n[1, 4]\", shape=ellipse];",
            "n5 [label=\"sum\\n[]\", shape=ellipse, peripheries=2];",
        ])
        let edges = Set(lines.filter { $0.contains("->") })
        #expect(edges == ["n0 -> n1;", "n1 -> n3;", "n2 -> n3;", "n3 -> n4;", "n4 -> n5;"])
    }

    @Test func aLeafUsedTwiceIsOneNodeWithTwoEdgesAndUnnamedLeavesSayLeaf() {
        let a = Tensor([1, 2]).requiringGrad()
        let y = (a * a).sum()
        let dot = y.graph()
        #expect(dot.contains("n0 [label=\"leaf\\n[2]\""))
        #expect(dot.components(separatedBy: "n0 -> n1;").count == 3)  // a is both inputs of mul
        #expect(dot.contains("n1 [label=\"mul\\n[2]\""))
    }

    @Test func moduleParametersAreNamedByTheirStateDictKeys() {
        let model = Sequential(Linear(3, 2), ReLU(), Linear(2, 1))
        let loss = model(Tensor.randn([4, 3], seed: 1)).square().mean()
        let dot = loss.graph(of: model)
        for key in ["0.weight", "0.bias", "2.weight", "2.bias"] {
            #expect(dot.contains("label=\"\(key)\\n"), "missing \(key) in\n\(dot)")
        }
        #expect(!dot.contains("label=\"leaf"))
    }

    @Test func stepGraphOfACaseNamesItsParametersAndIsWritten() throws {
        let dot = try StepGraph.dot(of: DigitsMLP.self, batchSize: 3)
        for key in ["0.weight", "0.bias", "2.weight", "2.bias"] { #expect(dot.contains("label=\"\(key)\\n")) }
        #expect(dot.contains("tanh\\n[3, 32]"))
        #expect(dot.contains("peripheries=2"))
        let directory = NSTemporaryDirectory() + "graph-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let files = try StepGraph.write(dot, to: directory)
        #expect(files.first == directory + "/graph.dot")
        #expect(try String(contentsOfFile: directory + "/graph.dot", encoding: .utf8) == dot)
    }
}
