/// Base class of the optimizers: holds the parameters and the learning rate, and turns gradients into
/// in-place parameter updates, as `torch.optim.Optimizer`.
///
/// ```swift
/// let optimizer = Adam(model.parameters(), lr: 1e-3)
/// optimizer.zeroGrad(); loss.backward(); optimizer.step()
/// ```
///
/// Subclasses derive from ``StatefulOptimizer``, which keeps typed per-parameter state and calls one
/// update rule per parameter (as MLX's optimizers). Parameters are written in place, so every reference to
/// them (the model's layers) sees the new values. A parameter whose `grad` is nil is skipped, and its state
/// (including its step count) is left as it was, as PyTorch does.
open class Optimizer {
    /// The tensors this optimizer updates (leaves that require grad, contiguous).
    public let parameters: [Tensor]
    /// η, the learning rate of the next ``step()``; schedules set it (see ``LearningRateSchedule``).
    public var learningRate: Float
    /// Number of calls to ``step()`` so far.
    public internal(set) var stepCount = 0
    /// η under PyTorch's name (`optimizer.param_groups[0]["lr"]`), the same as the initializer's `lr:`.
    public var lr: Float {
        get { learningRate }
        set { learningRate = newValue }
    }
    /// The rate before the first ``LRScheduler`` bound to this optimizer changed it (PyTorch's
    /// `initial_lr`): the base rate of every scheduler bound afterwards (those of a ``SequentialLR``).
    public internal(set) var initialLR: Float?

    /// An optimizer of `parameters` (each a leaf that requires grad, listed once).
    public init(_ parameters: [Tensor], learningRate: Float, name: String) {
        var seen = Set<ObjectIdentifier>()
        for (i, p) in parameters.enumerated() {
            guard let node = p.node, node.isLeaf else {
                failure("\(name): parameter \(i) of shape \(p.shape) is not a leaf that requires grad (call requiringGrad())")
            }
            require(p.isContiguous, "\(name): parameter \(i) of shape \(p.shape) is not contiguous")
            require(seen.insert(ObjectIdentifier(node)).inserted, "\(name): parameter \(i) of shape \(p.shape) appears more than once")
        }
        require(learningRate >= 0, "\(name): learning rate must be >= 0, got \(learningRate)")
        self.parameters = parameters
        self.learningRate = learningRate
    }

    /// Clears the gradients of all parameters (as `optimizer.zero_grad()`, which sets them to None).
    public func zeroGrad() {
        for p in parameters { p.zeroGrad() }
    }

    /// Applies one update to every parameter that has a gradient.
    public func step() {
        stepCount += 1
        for (i, p) in parameters.enumerated() {
            guard let g = p.grad else { continue }
            require(g.shape == p.shape, "\(type(of: self)).step: gradient of shape \(g.shape) for parameter \(i) of shape \(p.shape)")
            update(i, gradient: g)
        }
    }

    /// Updates parameter `index` given its gradient. Overridden by ``StatefulOptimizer``.
    open func update(_ index: Int, gradient: Tensor) {
        fatalError("\(type(of: self)) must override update(_:gradient:)")
    }

    // MARK: State dict

    /// The per-parameter state of parameter `index` as named tensors (nil before its first update).
    open func state(of index: Int) -> [(name: String, tensor: Tensor)]? { nil }

    /// Replaces the state of parameter `index` with `tensors` (nil: no state yet).
    open func setState(of index: Int, _ tensors: [String: Tensor]?) throws {}

    /// The optimizer's state as named tensors, for checkpoints: `state.<i>.<name>` for each buffer of
    /// parameter i under PyTorch's names (`state.0.exp_avg`, `state.0.step`, …), plus `param_groups.0.lr`
    /// and `param_groups.0.step_count`. The tensors are copies.
    public func stateDict() -> [String: Tensor] {
        var result: [String: Tensor] = [
            "param_groups.0.lr": Tensor(learningRate),
            "param_groups.0.step_count": Tensor(Float(stepCount)),
        ]
        for i in parameters.indices {
            for (name, t) in state(of: i) ?? [] { result["state.\(i).\(name)"] = Tensor(copying: t) }
        }
        return result
    }

    /// Restores a state from ``stateDict()`` (the same optimizer type and options, over parameters of the
    /// same shapes), so that training resumes exactly. Throws on missing, unexpected or misshapen entries.
    public func loadStateDict(_ dict: [String: Tensor]) throws {
        var perParameter = [[String: Tensor]](repeating: [:], count: parameters.count)
        var lr: Float?, steps: Int?
        for (key, t) in dict {
            let parts = key.split(separator: ".", maxSplits: 2).map(String.init)
            if key == "param_groups.0.lr" {
                lr = t.count == 1 ? t.scalars[0] : nil
            } else if key == "param_groups.0.step_count" {
                steps = t.count == 1 ? Int(t.scalars[0]) : nil
            } else if parts.count == 3, parts[0] == "state", let i = Int(parts[1]), parameters.indices.contains(i) {
                perParameter[i][parts[2]] = t
            } else {
                throw OptimizerStateError.unexpectedKey(key)
            }
        }
        guard let lr else { throw OptimizerStateError.missingKey("param_groups.0.lr") }
        guard let steps else { throw OptimizerStateError.missingKey("param_groups.0.step_count") }
        for i in parameters.indices {
            try setState(of: i, perParameter[i].isEmpty ? nil : perParameter[i])
        }
        learningRate = lr
        stepCount = steps
    }
}

/// A problem with an optimizer state dict being loaded.
public enum OptimizerStateError: Error, CustomStringConvertible, Equatable {
    case missingKey(String)
    case unexpectedKey(String)
    case shapeMismatch(key: String, expected: [Int], found: [Int])

    public var description: String {
        switch self {
        case let .missingKey(k): return "loadStateDict: the state has no tensor \"\(k)\""
        case let .unexpectedKey(k): return "loadStateDict: the state has a tensor \"\(k)\" that this optimizer does not use"
        case let .shapeMismatch(k, e, f): return "loadStateDict: \"\(k)\" has shape \(f), the optimizer expects \(e)"
        }
    }
}

/// The state an optimizer keeps for one parameter: a step count and buffers of the parameter's shape.
public protocol OptimizerState {
    /// Updates applied to this parameter so far (PyTorch's `state[p]["step"]`).
    var step: Int { get set }
    /// The buffers under PyTorch's names (`exp_avg`, `momentum_buffer`, …); they share storage with the
    /// state, so writing into them writes the state.
    var buffers: [(name: String, tensor: Tensor)] { get }
}

/// An optimizer as a per-parameter update rule with typed state (as MLX's `init_single`/`apply_single`):
/// subclasses give ``makeState(for:)`` and ``apply(_:to:count:state:)``; this class keeps one state per
/// parameter, creates it on the parameter's first update and counts its steps.
open class StatefulOptimizer<State: OptimizerState>: Optimizer {
    /// The state of each parameter; nil until its first update.
    public internal(set) var states: [State?]

    /// An optimizer of `parameters` with no state yet; `name` is used in error messages.
    public override init(_ parameters: [Tensor], learningRate: Float, name: String) {
        states = Array(repeating: nil, count: parameters.count)
        super.init(parameters, learningRate: learningRate, name: name)
    }

    /// Fresh state for `parameter` (buffers of zeros, or the optimizer's initial values; step 0).
    open func makeState(for parameter: Tensor) -> State {
        fatalError("\(type(of: self)) must override makeState(for:)")
    }

    /// The update rule: writes θ ← update(θ, g, state) in place over `count` elements; `state.step` has
    /// already been incremented (it is 1 on the first update).
    open func apply(_ gradient: UnsafePointer<Float>, to parameter: UnsafeMutablePointer<Float>, count: Int, state: inout State) {
        fatalError("\(type(of: self)) must override apply(_:to:count:state:)")
    }

    public override func update(_ index: Int, gradient: Tensor) {
        let p = parameters[index]
        var state = states[index] ?? makeState(for: p)
        states[index] = nil  // keep the state's buffers uniquely referenced while they are written
        state.step += 1
        gradient.withUnsafeBufferPointer { g in
            p.withUnsafeMutableElements { theta in
                apply(g.baseAddress!, to: theta.baseAddress!, count: theta.count, state: &state)
            }
        }
        states[index] = state
    }

    public override func state(of index: Int) -> [(name: String, tensor: Tensor)]? {
        guard let s = states[index] else { return nil }
        return s.buffers + [("step", Tensor(Float(s.step)))]
    }

    public override func setState(of index: Int, _ tensors: [String: Tensor]?) throws {
        guard let tensors else { states[index] = nil; return }
        var state = makeState(for: parameters[index])
        let expected = state.buffers.map(\.name) + ["step"]
        if let extra = tensors.keys.sorted().first(where: { !expected.contains($0) }) {
            throw OptimizerStateError.unexpectedKey("state.\(index).\(extra)")
        }
        for (name, buffer) in state.buffers {
            guard let t = tensors[name] else { throw OptimizerStateError.missingKey("state.\(index).\(name)") }
            guard t.shape == buffer.shape else {
                throw OptimizerStateError.shapeMismatch(key: "state.\(index).\(name)", expected: buffer.shape, found: t.shape)
            }
            buffer.assign(t)
        }
        guard let step = tensors["step"] else { throw OptimizerStateError.missingKey("state.\(index).step") }
        guard step.count == 1 else { throw OptimizerStateError.shapeMismatch(key: "state.\(index).step", expected: [], found: step.shape) }
        state.step = Int(step.scalars[0])
        states[index] = state
    }
}

/// One update rule applied to the 8 elements at i of its buffers, read and written through `lanes`
/// (whole vectors in the loop, a zero-padded partial vector for the last block). A struct, not a closure,
/// so that ``Block/run(_:count:)`` is specialized for it and the rule is inlined into a clean vector loop.
protocol BlockKernel {
    func callAsFunction<L: Lanes>(_ i: Int, _ lanes: L)
}

/// The update rules' loop: blocks of 8 elements, split across cores when the parameter is large, so that
/// each rule is one vectorized pass over its buffers.
enum Block {
    typealias V = SIMD8<Float>

    /// Runs `kernel` over the elements 0..<n.
    @inline(__always)
    static func run<K: BlockKernel>(_ kernel: K, count n: Int) {
        let whole = n / 8
        // Split across cores from about 260k elements: at 200k (an MNIST MLP) a second core gained nothing
        // even for Adam (measured: 140 µs on one core, 157 µs on two).
        Parallel.forEach(whole, costPerItem: 2) { blocks in
            for b in blocks { kernel(b * 8, FullLanes()) }
        }
        if n % 8 != 0 { kernel(whole * 8, PartialLanes(count: n % 8)) }
    }
}

extension Tensor {
    /// Zeros (or `value`) of `parameter`'s shape, for optimizer state.
    static func stateBuffer(like parameter: Tensor, value: Float = 0) -> Tensor {
        value == 0 ? Tensor.zeros(parameter.shape) : Tensor.full(parameter.shape, value)
    }
}
