import Foundation

// Inspecting a model: `print(model)` shows the module tree as PyTorch's repr, and `summary(model,
// inputShape:)` runs one forward pass and tabulates every layer's output shape and parameters.

extension Module: CustomStringConvertible {
    /// The module tree as PyTorch's `repr(model)`: the layer's name and arguments
    /// (`Linear(in_features=784, out_features=256, bias=True)`), and for a module with submodules one
    /// indented line per child, `(name): child`.
    public var description: String {
        let children = namedChildren().map { name, child in
            "(\(name)): " + child.description.replacingOccurrences(of: "\n", with: "\n  ")
        }
        let lines = (extraRepr.isEmpty ? [] : extraRepr.split(separator: "\n").map(String.init)) + children
        if lines.isEmpty { return typeName + "()" }
        if children.isEmpty && lines.count == 1 { return typeName + "(" + lines[0] + ")" }
        return typeName + "(\n  " + lines.joined(separator: "\n  ") + "\n)"
    }

    /// Passes a layer's output through, telling ``summary(_:inputShape:)`` about it while one runs. Every
    /// layer of the library calls it on its output; a layer of one's own may too.
    public func recorded(_ output: Tensor) -> Tensor {
        ForwardRecorder.current?.record(self, output.shape)
        return output
    }
}

/// What a ``summary(_:inputShape:)`` collects while the forward pass runs: each layer called, in order,
/// with its output shape.
final class ForwardRecorder: @unchecked Sendable {
    @TaskLocal static var current: ForwardRecorder?
    var calls: [(module: Module, shape: [Int])] = []
    func record(_ module: Module, _ shape: [Int]) { calls.append((module, shape)) }
}

/// Python's spelling of a Bool in a repr.
func pythonBool(_ b: Bool) -> String { b ? "True" : "False" }

/// A pair as PyTorch prints a size it was given as an int or a pair: `2` when both are equal, else `(2, 3)`.
func pythonPair(_ p: (Int, Int)) -> String { p.0 == p.1 ? "\(p.0)" : "(\(p.0), \(p.1))" }

/// A table of a model's layers after one forward pass, as Keras's `model.summary()` and torchinfo's
/// `summary(model, input_size)`; printing it shows the table.
public struct ModelSummary: CustomStringConvertible {
    /// One layer called during the pass: its dotted name in the model (as in the state dict), its type,
    /// the shape of its output and the number of parameters it holds itself (with its submodules).
    public struct Row {
        public let name: String, type: String, outputShape: [Int], parameters: Int
    }
    /// The shape of the input the pass ran on.
    public let inputShape: [Int]
    /// The layers, in the order they were called (a layer called twice appears twice).
    public let rows: [Row]
    /// Parameters of the whole model (each counted once), and how many of them require grad.
    public let totalParameters: Int, trainableParameters: Int
    /// Bytes of the parameters and buffers (Float32), and of the layers' outputs for this input.
    public let parameterBytes: Int, activationBytes: Int

    public var description: String {
        let header = ("Layer (type)", "Output shape", "Param #")
        let cells = rows.map { ("\($0.name) (\($0.type))", "\($0.outputShape)", grouped($0.parameters)) }
        let w0 = ([header.0.count] + cells.map(\.0.count)).max()! + 3
        let w1 = ([header.1.count] + cells.map(\.1.count)).max()! + 3
        let w2 = ([header.2.count] + cells.map(\.2.count)).max()!
        func line(_ c: (String, String, String)) -> String {
            c.0.padding(toLength: w0, withPad: " ", startingAt: 0) + c.1.padding(toLength: w1, withPad: " ", startingAt: 0)
                + String(repeating: " ", count: w2 - c.2.count) + c.2
        }
        let rule = String(repeating: "=", count: w0 + w1 + w2)
        return ([line(header), rule] + cells.map(line) + [
            rule,
            "Total params: \(grouped(totalParameters))",
            "Trainable params: \(grouped(trainableParameters))",
            "Non-trainable params: \(grouped(totalParameters - trainableParameters))",
            "Input shape: \(inputShape)",
            "Parameters and buffers: \(megabytes(parameterBytes)) MB; layer outputs for this input: \(megabytes(activationBytes)) MB",
        ]).joined(separator: "\n")
    }

    private func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        return String(digits.enumerated().flatMap { i, d in (i > 0 && (digits.count - i) % 3 == 0) ? [",", d] : [d] })
    }

    private func megabytes(_ bytes: Int) -> String {
        let mb = Double(bytes) / 1_048_576
        return String(Double(Int(mb * 100 + 0.5)) / 100)
    }
}

/// Runs `model` once on zeros of `inputShape` (batch dimension included, e.g. `[1, 1, 28, 28]`) in
/// evaluation mode without autograd, and tabulates every layer it called: name, type, output shape,
/// parameters, plus totals and memory (as torchinfo's `summary(model, input_size)`). Works for any model
/// built from the library's layers, nested or not; a layer of one's own shows when it calls
/// ``Module/recorded(_:)`` on its output. The model's training mode is restored afterwards.
public func summary(_ model: any Layer, inputShape: [Int]) -> ModelSummary {
    summary(model, inputShape: inputShape) { model($0) }
}

/// ``summary(_:inputShape:)`` for a model whose forward pass is not `(Tensor) -> Tensor` (a recurrent
/// layer returning its state, a model with more inputs): `forward` runs it on the zeros.
public func summary(_ model: Module, inputShape: [Int], forward: (Tensor) -> Any) -> ModelSummary {
    let wasTraining = model.isTraining
    model.eval()
    defer { model.train(wasTraining) }
    let recorder = ForwardRecorder()
    withNoGrad {
        ForwardRecorder.$current.withValue(recorder) { _ = forward(Tensor.zeros(inputShape)) }
    }
    var names: [ObjectIdentifier: String] = [:]
    for (name, m) in model.namedModules() where names[ObjectIdentifier(m)] == nil {
        names[ObjectIdentifier(m)] = name.isEmpty ? "(model)" : name
    }
    // Layers of their own (no submodules) and composite layers other than the model itself.
    let rows = recorder.calls.filter { $0.module !== model || model.namedChildren().isEmpty }.map { call in
        ModelSummary.Row(name: names[ObjectIdentifier(call.module)] ?? "?", type: call.module.typeName,
                         outputShape: call.shape, parameters: call.module.parameterCount)
    }
    let state = model.namedState()
    return ModelSummary(inputShape: inputShape, rows: rows, totalParameters: model.parameterCount,
                        trainableParameters: model.parameters().filter(\.requiresGrad).reduce(0) { $0 + $1.count },
                        parameterBytes: state.reduce(0) { $0 + $1.1.count } * 4,
                        activationBytes: recorder.calls.reduce(0) { $0 + $1.shape.reduce(1, *) } * 4)
}
