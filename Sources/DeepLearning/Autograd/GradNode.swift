/// One entry of the autograd tape.
///
/// A leaf node (created by ``Tensor/requiringGrad()``) has no backward rule and keeps the gradient that
/// `Tensor/backward(_:)` accumulates into it. An op's node keeps the nodes of its inputs and a closure
/// that maps the gradient of the op's output to the gradients of its inputs (the chain rule, one op at a
/// time).
public final class GradNode {
    /// Name of the op that made the tensor, for error messages and printing.
    let op: String
    /// Nodes of the op's inputs, in order; nil where the input does not require grad.
    private(set) var inputs: [GradNode?]
    /// Maps the output's gradient to each input's gradient (nil entries for inputs that need none).
    private(set) var backwardFn: ((Tensor) -> [Tensor?])?
    /// Shape of the tensor this node belongs to.
    let shape: [Int]
    /// For a leaf: the accumulated gradient. For an op's node: the gradient while backward runs.
    var grad: Tensor?
    /// True once a backward pass without `retainGraph` has gone through this op's node and dropped its
    /// backward rule (and the tensors the rule had saved); a second pass through it is an error.
    private(set) var isReleased = false
    /// For a leaf: called by backward once this backward's gradient has been added into `grad`.
    var postAccumulateGradHooks: [(Tensor) -> Void] = []

    init(op: String, shape: [Int], inputs: [GradNode?] = [], backward: ((Tensor) -> [Tensor?])? = nil) {
        self.op = op
        self.shape = shape
        self.inputs = inputs
        self.backwardFn = backward
    }

    /// Releases the graph above this node with a loop rather than a recursion: left to Swift, each node's
    /// deinit would release its inputs from inside the previous deinit, and a chain of some 30,000 nodes
    /// (a recurrent network over many steps) would overflow the stack when its loss goes away.
    deinit {
        backwardFn = nil  // the closure may capture the inputs too
        var pending = inputs
        inputs = []
        while !pending.isEmpty {
            var next = pending.removeLast()
            // A node referenced only from here dies now: adopt its inputs so that its deinit has nothing to do.
            if isKnownUniquelyReferenced(&next), let node = next {
                pending.append(contentsOf: node.inputs)
                node.inputs = []
                node.backwardFn = nil
            }
        }
    }

    var isLeaf: Bool { backwardFn == nil && !isReleased }

    /// Drops the backward rule and the links to the inputs, freeing what the rule saved (activations,
    /// masks, inputs of products), as PyTorch frees a graph's saved tensors after `backward()`.
    func release() {
        guard backwardFn != nil else { return }
        backwardFn = nil
        inputs = []
        isReleased = true
    }

    /// Adds `g` into `grad`, checking its shape. A leaf's first gradient is taken over when `g` holds the
    /// only reference to its buffer and copied otherwise (as PyTorch's AccumulateGrad), so a leaf's `grad`
    /// never shares storage with another leaf's gradient or with the caller's upstream tensor: `a + b`
    /// passes one buffer to both, and an in-place update of `a.grad` (clipping) must not change `b.grad`.
    func accumulate(_ g: inout Tensor) {
        require(g.shape == shape, "backward: \(op) received a gradient of shape \(g.shape) for a tensor of shape \(shape)")
        if var existing = grad {
            grad = nil  // so that `existing` holds the only reference and is updated in place
            existing.addInPlace(g)
            grad = existing
        } else {
            if isLeaf { g.makeUniqueContiguous() }
            grad = g
        }
    }
}

/// Whether ops record the autograd tape. Off inside ``withNoGrad(_:)``.
///
/// Local to the current task or thread, as PyTorch's grad mode is thread-local: a `withNoGrad` on one
/// thread (an evaluation, a gradcheck, a parallel test) does not stop the tape of another.
public enum GradMode {
    @TaskLocal static var isEnabled = true
}

/// Runs `body` without recording operations for autograd (as `torch.no_grad()`), e.g. for evaluation or
/// for parameter updates.
@discardableResult
public func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$isEnabled.withValue(false) { try body() }
}

extension Tensor {
    /// True when this tensor records a tape (it is a leaf that requires grad or the result of such a graph).
    public var requiresGrad: Bool { node != nil }

    /// The gradient accumulated by `backward(_:)`; nil before the first backward or after ``zeroGrad()``.
    /// Only leaves keep gradients.
    public var grad: Tensor? {
        get { node?.grad }
        nonmutating set { node?.grad = newValue }
    }

    /// This tensor as a leaf that requires grad: backward accumulates into its ``grad``.
    public func requiringGrad() -> Tensor {
        var t = self
        t.node = GradNode(op: "leaf", shape: shape)
        return t
    }

    /// The same values, cut off from the tape (as `tensor.detach()`).
    public func detached() -> Tensor {
        var t = self
        t.node = nil
        return t
    }

    /// Clears the accumulated gradient.
    public func zeroGrad() { node?.grad = nil }

    /// Registers `hook` to run during every `backward(_:)` that reaches this leaf, once the leaf's gradient
    /// of that backward has been accumulated into ``grad``; the hook receives that gradient (the tensor in
    /// `grad`: update it in place with ``assign(_:)``), as `torch.Tensor.register_post_accumulate_grad_hook`.
    /// Data-parallel training uses it to average gradients across processes as soon as they are ready.
    /// Leaves only; the hook must not capture the leaf itself (the leaf keeps its hooks: a cycle).
    public func registerPostAccumulateGradHook(_ hook: @escaping (Tensor) -> Void) {
        guard let node, node.isLeaf else {
            failure("registerPostAccumulateGradHook: the tensor of shape \(shape) is not a leaf that requires grad")
        }
        node.postAccumulateGradHooks.append(hook)
    }

    /// Name of the op that produced this tensor, or nil for a tensor outside the tape or a leaf.
    public var gradFunctionName: String? { node.flatMap { $0.isLeaf ? nil : $0.op } }

    // MARK: Recording

    @inline(__always) static func shouldRecord(_ a: Tensor) -> Bool { a.node != nil && GradMode.isEnabled }
    @inline(__always) static func shouldRecord(_ a: Tensor, _ b: Tensor) -> Bool {
        (a.node != nil || b.node != nil) && GradMode.isEnabled
    }
    static func shouldRecord(_ tensors: [Tensor]) -> Bool {
        tensors.contains { $0.node != nil } && GradMode.isEnabled
    }

    /// Records this tensor as the output of `op` with one input.
    mutating func attach(_ op: String, _ a: Tensor, backward: @escaping (Tensor) -> [Tensor?]) {
        node = GradNode(op: op, shape: shape, inputs: [a.node], backward: backward)
    }

    /// Records this tensor as the output of `op` with two inputs.
    mutating func attach(_ op: String, _ a: Tensor, _ b: Tensor, backward: @escaping (Tensor) -> [Tensor?]) {
        node = GradNode(op: op, shape: shape, inputs: [a.node, b.node], backward: backward)
    }

    /// Records this tensor as the output of `op` with any number of inputs.
    mutating func attach(_ op: String, inputs: [Tensor], backward: @escaping (Tensor) -> [Tensor?]) {
        node = GradNode(op: op, shape: shape, inputs: inputs.map(\.node), backward: backward)
    }
}
