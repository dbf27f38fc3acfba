extension Tensor {
    /// Backpropagation: computes the gradient of this tensor with respect to every leaf that requires grad
    /// and adds it to the leaf's ``grad``.
    ///
    /// Nodes are visited in reverse topological order, so each op's backward rule runs once, after the
    /// gradients of all its consumers have been summed (the multivariate chain rule). Without an argument
    /// the tensor must hold one element and the seed gradient is 1; otherwise `gradient` has this tensor's
    /// shape (a vector–Jacobian product).
    ///
    /// After the pass each op's node of the graph drops its backward rule and the tensors that rule saved
    /// (memory goes back as soon as the pass ends, as PyTorch's), so a second backward through any part of
    /// the same graph stops with an error, unless the first pass was `backward(retainGraph: true)`, which
    /// keeps the graph for another pass (as `loss.backward(retain_graph=True)`). Gradients then accumulate
    /// into the leaves once per pass.
    public func backward(_ gradient: Tensor? = nil, retainGraph: Bool = false) {
        guard let root = node else {
            failure("backward: tensor of shape \(shape) does not require grad (no leaf of its graph called requiringGrad())")
        }
        var seed: Tensor
        if let gradient {
            require(gradient.shape == shape, "backward: gradient of shape \(gradient.shape) for a tensor of shape \(shape)")
            seed = gradient.detached()
        } else {
            require(count == 1, "backward: a tensor of shape \(shape) needs an explicit gradient (only one-element tensors default to 1)")
            seed = Tensor.ones(shape)
        }
        withNoGrad {
            let order = GradNode.topologicalOrder(from: root)
            root.accumulate(&seed)
            for n in order.reversed() {
                if n.isReleased && n.grad != nil {
                    n.grad = nil
                    failure("backward: a second backward through the graph of \(n.op) (shape \(n.shape)), whose saved "
                        + "tensors the first backward freed; call backward(retainGraph: true) the first time to keep "
                        + "the graph, or recompute the forward pass")
                }
                defer { if !retainGraph { n.release() } }
                // A leaf comes after every op that uses it: its gradient of this backward is complete.
                if n.isLeaf, let accumulated = n.grad {
                    for hook in n.postAccumulateGradHooks { hook(accumulated) }
                }
                guard let rule = n.backwardFn, let g = n.grad else { continue }
                n.grad = nil
                var grads = rule(g)
                for i in 0..<Swift.min(n.inputs.count, grads.count) {
                    // Moved out of the array, so that a gradient nobody else holds is taken over, not copied.
                    guard let input = n.inputs[i], var gi = grads[i] else { continue }
                    grads[i] = nil
                    input.accumulate(&gi)
                }
            }
        }
    }
}

extension GradNode {
    /// Post-order of the graph above `root` (inputs before the ops that use them), found without recursion
    /// so that long chains (recurrent networks over many steps) do not overflow the stack.
    static func topologicalOrder(from root: GradNode) -> [GradNode] {
        var order: [GradNode] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(GradNode, Int)] = [(root, 0)]
        visited.insert(ObjectIdentifier(root))
        while let (n, i) = stack.popLast() {
            if i < n.inputs.count {
                stack.append((n, i + 1))
                if let child = n.inputs[i], visited.insert(ObjectIdentifier(child)).inserted {
                    stack.append((child, 0))
                }
            } else {
                order.append(n)
            }
        }
        return order
    }
}
