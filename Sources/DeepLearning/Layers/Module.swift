/// Base class of every layer and model, as `torch.nn.Module`.
///
/// Parameters (tensors that require grad), buffers (tensors that do not, such as running statistics) and
/// submodules are found by reflection over stored properties, and named like PyTorch's state dict: a
/// property `fc1` holding a `Linear` gives `fc1.weight` and `fc1.bias`; camelCase names become snake_case
/// (`runningMean` → `running_mean`); arrays of modules or tensors are numbered (`layers.0.weight`).
/// A module whose names cannot come from properties (e.g. `weight_ih_l0` in an LSTM) overrides
/// ``namedTensors()`` / ``namedChildren()``.
///
/// Optimizers and `load(from:)` write parameter and buffer values in place (into the tensors' shared
/// storage), as PyTorch does, so every reference to a parameter sees the new values.
open class Module {
    /// Whether the module is in training mode (dropout active, batch statistics in batch norm).
    public private(set) var isTraining = true

    /// A module with no tensors and no children yet (subclasses declare theirs as stored properties).
    public init() {}

    /// The arguments `print(model)` shows after the layer's name, as PyTorch's `extra_repr()`
    /// (`in_features=784, out_features=256, bias=True` for a ``Linear``); empty by default.
    open var extraRepr: String { "" }

    /// The name `print(model)` shows: the class name unless a layer says otherwise (an ``LSTM``).
    open var typeName: String { String(describing: type(of: self)) }

    /// This module's own tensors (parameters and buffers), by name, in declaration order.
    open func namedTensors() -> [(String, Tensor)] {
        var result: [(String, Tensor)] = []
        for child in Mirror(reflecting: self).allChildren {
            let name = Module.snakeCase(child.label)
            if let t = child.value as? Tensor {
                result.append((name, t))
            } else if let t = child.value as? Tensor? {
                if let t { result.append((name, t)) }
            } else if let ts = child.value as? [Tensor] {
                for (i, t) in ts.enumerated() { result.append(("\(name).\(i)", t)) }
            }
        }
        return result
    }

    /// This module's direct submodules, by name, in declaration order.
    open func namedChildren() -> [(String, Module)] {
        var result: [(String, Module)] = []
        for child in Mirror(reflecting: self).allChildren {
            let name = Module.snakeCase(child.label)
            if let m = child.value as? Module {
                result.append((name, m))
            } else if let m = child.value as? Module? {
                if let m { result.append((name, m)) }
            } else if let ms = child.value as? [Module] {
                for (i, m) in ms.enumerated() { result.append(("\(name).\(i)", m)) }
            }
        }
        return result
    }

    /// Every module in the tree (this one first), with dotted names.
    public func namedModules(prefix: String = "") -> [(String, Module)] {
        [(prefix, self)] + namedChildren().flatMap { name, m in m.namedModules(prefix: prefix.isEmpty ? name : prefix + "." + name) }
    }

    /// Every trainable parameter with its state-dict key.
    public func namedParameters() -> [(String, Tensor)] { namedState().filter { $0.1.requiresGrad } }

    /// Every buffer (non-trainable state) with its state-dict key.
    public func namedBuffers() -> [(String, Tensor)] { namedState().filter { !$0.1.requiresGrad } }

    /// Parameters, for an optimizer.
    public func parameters() -> [Tensor] { namedParameters().map(\.1) }

    /// Parameters and buffers with their state-dict keys, in PyTorch's order (a module's own tensors, then
    /// its children's).
    public func namedState() -> [(String, Tensor)] {
        namedModules().flatMap { prefix, m in
            m.namedTensors().map { (prefix.isEmpty ? $0.0 : prefix + "." + $0.0, $0.1) }
        }
    }

    /// Number of trainable scalars.
    public var parameterCount: Int { parameters().reduce(0) { $0 + $1.count } }

    /// Sets training mode on this module and all submodules.
    public func train(_ on: Bool = true) {
        for (_, m) in namedModules() { m.isTraining = on }
    }

    /// Sets evaluation mode (as `model.eval()`).
    public func eval() { train(false) }

    /// Clears the gradients of all parameters.
    public func zeroGrad() { for p in parameters() { p.zeroGrad() } }

    /// Copies values into this module's parameters and buffers, matched by key. Every key of the module
    /// must be present with the same shape; extra keys are an error too when `strict`. All or nothing (as
    /// PyTorch's `load_state_dict`, which checks before it copies): every key and shape is checked before any
    /// value is copied, so on a throw the module is exactly as it was.
    public func loadState(_ state: [String: Tensor], strict: Bool = true) throws {
        let own = namedState()
        let ownKeys = Set(own.map(\.0))
        var assignments: [(target: Tensor, value: Tensor)] = []
        for (key, t) in own {
            guard let v = state[key] else {
                if strict { throw ModuleError.missingKey(key) }
                continue
            }
            guard v.shape == t.shape else { throw ModuleError.shapeMismatch(key: key, expected: t.shape, found: v.shape) }
            assignments.append((t, v))
        }
        if strict, let extra = state.keys.sorted().first(where: { !ownKeys.contains($0) }) {
            throw ModuleError.unexpectedKey(extra)
        }
        for (target, value) in assignments { target.assign(value) }
    }

    static func snakeCase(_ label: String?) -> String {
        var s = label ?? "?"
        if s.hasPrefix("_") { s.removeFirst() }  // property wrappers and lazy storage
        var out = ""
        for c in s {
            if c.isUppercase { out += "_" + c.lowercased() } else { out.append(c) }
        }
        return out
    }
}

/// Errors from loading state into a module.
public enum ModuleError: Error, CustomStringConvertible, Equatable {
    /// The checkpoint has no tensor under this key.
    case missingKey(String)
    /// The checkpoint has a tensor under this key that the model does not have.
    case unexpectedKey(String)
    /// The tensor under `key` has shape `found` in the checkpoint; the model's has `expected`.
    case shapeMismatch(key: String, expected: [Int], found: [Int])

    /// The problem in one line, naming the key and shapes.
    public var description: String {
        switch self {
        case let .missingKey(k): return "load: the checkpoint has no tensor \"\(k)\""
        case let .unexpectedKey(k): return "load: the checkpoint has a tensor \"\(k)\" that the model does not"
        case let .shapeMismatch(k, e, f): return "load: \"\(k)\" has shape \(f) in the checkpoint, the model expects \(e)"
        }
    }
}

extension Mirror {
    /// Children of this class and of its superclasses (up to `Module`), superclass first.
    var allChildren: [Mirror.Child] {
        (superclassMirror?.allChildren ?? []) + Array(children)
    }
}

extension Tensor {
    /// Overwrites this tensor's elements in place with `values` (same shape), visible through every copy
    /// of this tensor: how optimizers and checkpoint loading update parameters, as PyTorch's in-place ops.
    public func assign(_ values: Tensor) {
        require(values.shape == shape, "assign: shapes \(values.shape) and \(shape) differ")
        require(isContiguous, "assign: the target of shape \(shape) is not contiguous")
        let v = values.contiguous()
        pointer.update(from: v.pointer, count: count)
    }

    /// The elements as a mutable buffer, for in-place kernels (optimizer updates). Contiguous tensors only.
    public func withUnsafeMutableElements<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        require(isContiguous, "withUnsafeMutableElements: tensor of shape \(shape) is not contiguous")
        return try body(UnsafeMutableBufferPointer(start: pointer, count: count))
    }
}
