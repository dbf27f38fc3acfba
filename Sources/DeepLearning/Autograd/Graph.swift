/// The autograd graph as a picture, as micrograd's `draw_dot` and PyTorch's torchviz `make_dot`.
extension Tensor {
    /// The backward graph above this tensor in Graphviz DOT: one node per recorded op (its name and output
    /// shape), one per leaf that requires grad (its shape, and its name when `parameterNames` holds it), and
    /// an edge from each input to the op that consumed it — the path the gradient travels back along.
    ///
    /// Nodes are numbered in topological order (inputs first), so the same expression gives the same text.
    /// Inputs that do not require grad (data, labels, constants) are not on the tape and do not appear. Render
    /// with Graphviz: `dot -Tsvg graph.dot -o graph.svg`.
    ///
    /// ```swift
    /// let w = Tensor.randn([3, 4], seed: 0).requiringGrad()
    /// let loss = Tensor([[1, 2, 3]]).matmul(w).relu().sum()
    /// print(loss.graph(parameterNames: [("w", w)]))
    /// ```
    ///
    /// - Parameter parameterNames: names for leaves, matched by identity (a copy of a parameter tensor is the
    ///   same leaf); e.g. a module's ``Module/namedParameters()``.
    /// - Returns: a `digraph` whose root (this tensor) is drawn with a double border. Fails when this tensor
    ///   does not require grad.
    public func graph(parameterNames: [(String, Tensor)] = []) -> String {
        guard let root = node else {
            failure("graph: tensor of shape \(shape) does not require grad, so it has no autograd graph")
        }
        var names: [ObjectIdentifier: String] = [:]
        for (name, t) in parameterNames {
            if let n = t.node { names[ObjectIdentifier(n)] = name }
        }
        let order = GradNode.topologicalOrder(from: root)
        var id: [ObjectIdentifier: Int] = [:]
        for (i, n) in order.enumerated() { id[ObjectIdentifier(n)] = i }
        var lines = ["digraph autograd {", "  rankdir=LR;", "  node [fontname=\"Helvetica\", fontsize=11];"]
        for (i, n) in order.enumerated() {
            let shape = "[" + n.shape.map(String.init).joined(separator: ", ") + "]"
            var attributes: [String]
            if n.isLeaf {
                let label = names[ObjectIdentifier(n)].map { $0 + "\\n" + shape } ?? "leaf\\n" + shape
                attributes = ["label=\"\(Tensor.dotEscaped(label))\"", "shape=box", "style=filled", "fillcolor=\"#dbe9f6\""]
            } else {
                attributes = ["label=\"\(Tensor.dotEscaped(n.op))\\n\(shape)\"", "shape=ellipse"]
            }
            if n === root { attributes.append("peripheries=2") }
            lines.append("  n\(i) [\(attributes.joined(separator: ", "))];")
        }
        for (i, n) in order.enumerated() {
            for input in n.inputs {
                if let input, let j = id[ObjectIdentifier(input)] { lines.append("  n\(j) -> n\(i);") }
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The backward graph above this tensor in Graphviz DOT, with `module`'s parameters named by their
    /// state-dict keys (`0.weight`, `fc1.bias`, …); see ``graph(parameterNames:)``.
    public func graph(of module: Module) -> String { graph(parameterNames: module.namedParameters()) }

    /// `s` inside a DOT double-quoted string: quotes escaped; `\n` sequences already in it are kept.
    static func dotEscaped(_ s: String) -> String { String(s.flatMap { $0 == "\"" ? ["\\", "\""] : [$0] }) }
}
