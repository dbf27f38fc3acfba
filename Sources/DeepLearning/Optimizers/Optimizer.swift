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
        for (i, g) in gradients() { update(i, gradient: g) }
    }

    /// The parameters that have a gradient, by index, with it (an error naming the optimizer when a
    /// gradient's shape is not its parameter's).
    func gradients() -> [(index: Int, gradient: Tensor)] {
        parameters.enumerated().compactMap { i, p in
            guard let g = p.grad else { return nil }
            require(g.shape == p.shape, "\(type(of: self)).step: gradient of shape \(g.shape) for parameter \(i) of shape \(p.shape)")
            return (i, g)
        }
    }

    /// Updates parameter `index` given its gradient. Overridden by ``StatefulOptimizer``.
    open func update(_ index: Int, gradient: Tensor) {
        fatalError("\(type(of: self)) must override update(_:gradient:)")
    }

    // MARK: State dict

    /// The per-parameter state of parameter `index` as named tensors (nil before its first update).
    open func state(of index: Int) -> [(name: String, tensor: Tensor)]? { nil }

    /// Replaces the state of every parameter: `tensors[i]` holds parameter i's tensors by name (nil: no state
    /// yet). All or nothing: everything is checked first, and on a throw no state has changed.
    open func setStates(_ tensors: [[String: Tensor]?]) throws {}

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
    /// same shapes), so that training resumes exactly. Throws on missing, unexpected or misshapen entries, and
    /// on a step count or learning rate that is not a finite number in its range (see
    /// ``OptimizerStateError/badValue(key:value:expected:)``). All or nothing: the whole state is checked before
    /// any of it is assigned, so on a throw the optimizer is exactly as it was. Keys are examined in sorted
    /// order, so a bad state always fails on the same key.
    public func loadStateDict(_ dict: [String: Tensor]) throws {
        var perParameter = [[String: Tensor]](repeating: [:], count: parameters.count)
        for key in dict.keys.sorted() where key != "param_groups.0.lr" && key != "param_groups.0.step_count" {
            let parts = key.split(separator: ".", maxSplits: 2).map(String.init)
            guard parts.count == 3, parts[0] == "state", let i = Int(parts[1]), parameters.indices.contains(i) else {
                throw OptimizerStateError.unexpectedKey(key)
            }
            perParameter[i][parts[2]] = dict[key]
        }
        let lr = try Self.scalar(dict, "param_groups.0.lr", in: 0 ... Float.greatestFiniteMagnitude, "a finite number >= 0")
        let steps = try Self.stepValue(dict, "param_groups.0.step_count")
        try setStates(perParameter.map { $0.isEmpty ? nil : $0 })
        learningRate = lr
        stepCount = steps
    }

    /// Largest step count a state may hold: 2^53 (beyond it a Double no longer counts in ones; no training run
    /// comes near it, so a larger value is a damaged file).
    public static let maxStepCount = 1 << 53

    /// The one-element tensor `dict[key]` as a Float in `range`.
    static func scalar(_ dict: [String: Tensor], _ key: String, in range: ClosedRange<Float>, _ expected: String) throws -> Float {
        guard let t = dict[key] else { throw OptimizerStateError.missingKey(key) }
        guard t.count == 1 else { throw OptimizerStateError.shapeMismatch(key: key, expected: [], found: t.shape) }
        let v = t.scalars[0]
        guard range.contains(v) else { throw OptimizerStateError.badValue(key: key, value: v, expected: expected) }
        return v
    }

    /// The one-element tensor `dict[key]` as a step count: a whole number in 0...``maxStepCount``.
    static func stepValue(_ dict: [String: Tensor], _ key: String) throws -> Int {
        let expected = "a whole number in 0...\(maxStepCount)"
        let v = try scalar(dict, key, in: 0 ... Float(maxStepCount), expected)
        guard v == v.rounded() else { throw OptimizerStateError.badValue(key: key, value: v, expected: expected) }
        return Int(v)
    }
}

/// A problem with an optimizer state dict being loaded.
public enum OptimizerStateError: Error, CustomStringConvertible, Equatable {
    /// The state has no tensor under this key.
    case missingKey(String)
    /// The state has a tensor under this key that this optimizer does not use.
    case unexpectedKey(String)
    /// The tensor under `key` has shape `found`; the optimizer expects `expected`.
    case shapeMismatch(key: String, expected: [Int], found: [Int])
    /// A value outside its domain: a step that is NaN, infinite, negative, fractional or absurdly large.
    case badValue(key: String, value: Float, expected: String)

    /// The problem in one line, naming the key and shapes.
    public var description: String {
        switch self {
        case let .missingKey(k): return "loadStateDict: the state has no tensor \"\(k)\""
        case let .unexpectedKey(k): return "loadStateDict: the state has a tensor \"\(k)\" that this optimizer does not use"
        case let .shapeMismatch(k, e, f): return "loadStateDict: \"\(k)\" has shape \(f), the optimizer expects \(e)"
        case let .badValue(k, v, e): return "loadStateDict: \"\(k)\" is \(v), expected \(e)"
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

    /// The update: writes θ ← update(θ, g, state) in place over `count` elements; `state.step` has
    /// already been incremented (it is 1 on the first update). The optimizers of this library build their
    /// rule for this step (a pure function of vectors, see `UpdateRule`) and hand it to the shared driver.
    open func apply(_ gradient: UnsafePointer<Float>, to parameter: UnsafeMutablePointer<Float>, count: Int, state: inout State) {
        fatalError("\(type(of: self)) must override apply(_:to:count:state:)")
    }

    /// Whether ``apply(_:to:count:state:)`` may run for several parameters at once: true for this library's
    /// optimizers (their update reads only the rule built for the step), false for a subclass of another module.
    var appliesConcurrently: Bool { false }

    /// ``Optimizer/step()``, with the parameters' updates spread over the cores, whole parameters to a core,
    /// each taken by the first core free (as PyTorch's `foreach` kernels batch them), when
    /// `appliesConcurrently`, the parameters are distinct tensors and each is small enough that `UpdateDriver`
    /// runs its update on one core (under 512 K floats). A Transformer's 26 parameters of up to
    /// 65 K floats had Adam on the main thread while the worker waited; in-process A/B on `deep bench
    /// transformer` (600 steps, alternating by pairs, four runs): median step 13.40 / 13.45 / 14.07 / 14.20 ms
    /// against 13.75 / 13.67 / 14.14 / 14.23 serially. Each update is elementwise: the bits of the serial step.
    public override func step() {
        guard appliesConcurrently && Parallel.threadCount > 1 && parameters.count > 1,
              parameters.allSatisfy({ !UpdateDriver.splitsAcrossCores(count: $0.count) }),
              Set(parameters.map { ObjectIdentifier($0.storage) }).count == parameters.count
        else { return super.step() }
        stepCount += 1
        let work = gradients()
        // Each state is taken out of `states` (created on its first update) so that its buffers are uniquely
        // referenced while written; each chunk writes only its own slot.
        var taken = work.map { states[$0.index] ?? makeState(for: parameters[$0.index]) }
        for w in work { states[w.index] = nil }
        taken.withUnsafeMutableBufferPointer { taken in
            WorkerPool.shared.run(chunks: work.count, threads: Parallel.threadCount) { k in
                update(parameters[work[k].index], gradient: work[k].gradient, state: &taken[k])
            }
        }
        for (k, w) in work.enumerated() { states[w.index] = taken[k] }
    }

    public override func update(_ index: Int, gradient: Tensor) {
        var state = states[index] ?? makeState(for: parameters[index])
        states[index] = nil  // keep the state's buffers uniquely referenced while they are written
        update(parameters[index], gradient: gradient, state: &state)
        states[index] = state
    }

    /// One update of `p`: its state's step count, then ``apply(_:to:count:state:)``.
    private func update(_ p: Tensor, gradient: Tensor, state: inout State) {
        state.step += 1
        gradient.withUnsafeBufferPointer { g in
            p.withUnsafeMutableElements { theta in
                apply(g.baseAddress!, to: theta.baseAddress!, count: theta.count, state: &state)
            }
        }
    }

    public override func state(of index: Int) -> [(name: String, tensor: Tensor)]? {
        guard let s = states[index] else { return nil }
        return s.buffers + [("step", Tensor(Float(s.step)))]
    }

    public override func setStates(_ tensors: [[String: Tensor]?]) throws {
        require(tensors.count == parameters.count, "setStates: \(tensors.count) states for \(parameters.count) parameters")
        // Fresh states are built and filled first; `states` is replaced only when every one of them is valid.
        states = try tensors.enumerated().map { index, t in try t.map { try loadedState(of: index, $0) } }
    }

    /// A new state for parameter `index` holding `tensors`, checked (names, shapes, step).
    private func loadedState(of index: Int, _ tensors: [String: Tensor]) throws -> State {
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
        state.step = try Self.stepValue(["state.\(index).step": tensors["step"]].compactMapValues { $0 }, "state.\(index).step")
        return state
    }
}

extension Tensor {
    /// Zeros (or `value`) of `parameter`'s shape, for optimizer state.
    static func stateBuffer(like parameter: Tensor, value: Float = 0) -> Tensor {
        value == 0 ? Tensor.zeros(parameter.shape) : Tensor.full(parameter.shape, value)
    }
}
