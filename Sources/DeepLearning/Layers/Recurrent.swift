/// The parameters of one layer in one direction of a recurrent network.
///
/// Shapes, with G the number of gates (1 for ``RNN``, 4 for ``LSTM``, 3 for ``GRU``) and H the hidden
/// size: `weightIh` [G·H, inputs], `weightHh` [G·H, H], `biasIh` and `biasHh` [G·H]. The gate blocks are
/// stacked in PyTorch's order (LSTM i, f, g, o; GRU r, z, n).
public struct RecurrentWeights {
    /// W_ih, applied to the layer's input: [G·H, inputs].
    public let weightIh: Tensor
    /// W_hh, applied to the previous hidden state: [G·H, H].
    public let weightHh: Tensor
    /// b_ih [G·H], nil without biases.
    public let biasIh: Tensor?
    /// b_hh [G·H], nil without biases.
    public let biasHh: Tensor?

    /// Weights drawn U(−1/√H, 1/√H) from the global generator, in PyTorch's order.
    init(gates: Int, inputSize: Int, hiddenSize: Int, bias: Bool) {
        let k = 1 / Float(hiddenSize).squareRoot()
        func draw(_ shape: [Int]) -> Tensor {
            Tensor.uniform(shape, low: -k, high: k, using: &RandomGenerator.global).requiringGrad()
        }
        weightIh = draw([gates * hiddenSize, inputSize])
        weightHh = draw([gates * hiddenSize, hiddenSize])
        biasIh = bias ? draw([gates * hiddenSize]) : nil
        biasHh = bias ? draw([gates * hiddenSize]) : nil
    }

    /// The tensors under PyTorch's names with the given suffix (`_l0`, `_l1_reverse`, or `` for a cell).
    func named(_ suffix: String) -> [(String, Tensor)] {
        [("weight_ih" + suffix, weightIh), ("weight_hh" + suffix, weightHh)]
            + [biasIh.map { ("bias_ih" + suffix, $0) }, biasHh.map { ("bias_hh" + suffix, $0) }].compactMap { $0 }
    }
}

/// What ``RNN``, ``LSTM`` and ``GRU`` share: the stack of layers, each run forward (and backward in time
/// when bidirectional), as `torch.nn.RNNBase`.
///
/// Layer l > 0 reads the outputs of layer l − 1 (both directions concatenated, [..., 2H]), with dropout on
/// them in training mode when `dropout` > 0 (not after the last layer). Each layer and direction is one
/// autograd node (see `Tensor.recurrence`). Parameters `weight_ih_l{l}`, `weight_hh_l{l}`, `bias_ih_l{l}`,
/// `bias_hh_l{l}`, with `_reverse` appended for the backward direction, in PyTorch's state-dict order.
public class RecurrentLayer: Module {
    /// Features of the input, of each hidden state (H), and number of stacked layers.
    public let inputSize: Int, hiddenSize: Int, numLayers: Int
    /// Whether the cells have biases, the input and output are [N, T, ...] rather than [T, N, ...], and
    /// each layer also runs backward in time.
    public let bias: Bool, batchFirst: Bool, bidirectional: Bool
    /// Probability of zeroing an element of a layer's output before the next layer, in training mode.
    public let dropout: Float
    /// Parameters of layer l, direction d (0 forward, 1 reverse) at index l·directions + d.
    public let weights: [RecurrentWeights]
    let kind: RecurrentKind

    /// As PyTorch's `RNNBase.extra_repr()`: `LSTM(32, 64, num_layers=2, batch_first=True)`.
    public override var extraRepr: String {
        var s = "\(inputSize), \(hiddenSize)"
        if numLayers != 1 { s += ", num_layers=\(numLayers)" }
        if !bias { s += ", bias=False" }
        if batchFirst { s += ", batch_first=True" }
        if dropout != 0 { s += ", dropout=\(dropout)" }
        if bidirectional { s += ", bidirectional=True" }
        return s
    }

    public override var typeName: String { kind.layerName }

    init(kind: RecurrentKind, inputSize: Int, hiddenSize: Int, numLayers: Int, bias: Bool, batchFirst: Bool,
         dropout: Float, bidirectional: Bool) {
        self.kind = kind
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.bias = bias
        self.batchFirst = batchFirst
        self.dropout = dropout
        self.bidirectional = bidirectional
        let directions = bidirectional ? 2 : 1
        var weights: [RecurrentWeights] = []
        for layer in 0..<numLayers {
            for _ in 0..<directions {
                weights.append(RecurrentWeights(gates: kind.gateCount, inputSize: layer == 0 ? inputSize : directions * hiddenSize,
                                                hiddenSize: hiddenSize, bias: bias))
            }
        }
        self.weights = weights
        super.init()
        require(inputSize > 0 && hiddenSize > 0 && numLayers > 0, "\(self): sizes must be positive")
        require(dropout >= 0 && dropout < 1, "\(self): dropout \(dropout) not in [0, 1)")
    }

    /// 1 or 2.
    public var directions: Int { bidirectional ? 2 : 1 }

    /// PyTorch's names: `weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, then `..._l0_reverse`, then
    /// layer 1, and so on.
    public override func namedTensors() -> [(String, Tensor)] {
        weights.enumerated().flatMap { k, w in
            w.named("_l\(k / directions)" + (k % directions == 1 ? "_reverse" : ""))
        }
    }

    /// Runs all layers and directions.
    ///
    /// Shapes: input [T, N, inputSize] ([N, T, inputSize] when `batchFirst`, [T, inputSize] unbatched);
    /// h0, c0 and the returned final states [layers·directions, N, H] ([layers·directions, H] unbatched),
    /// zeros when nil; output [T, N, directions·H] (batch first likewise).
    func run(_ input: Tensor, h0: Tensor?, c0: Tensor?) -> (output: Tensor, hN: Tensor, cN: Tensor?) {
        require(input.rank == 2 || input.rank == 3,
                     "\(self): input of shape \(input.shape) must have rank 3 (or 2 for an unbatched sequence)")
        require(input.shape.last == inputSize,
                     "\(self): input of shape \(input.shape) has \(input.shape.last!) features, expected \(inputSize)")
        let batched = input.rank == 3
        var x = batched ? input : input.unsqueezed(at: 1)
        if batched && batchFirst { x = x.transposed(0, 1) }
        require(x.shape[0] > 0, "\(self): input of shape \(input.shape) is a sequence of length 0")
        let batch = x.shape[1], stack = numLayers * directions
        let stateShape = batched ? [stack, batch, hiddenSize] : [stack, hiddenSize]
        func initial(_ state: Tensor?, _ name: String) -> Tensor? {
            guard let state else { return nil }
            require(state.shape == stateShape,
                         "\(self): \(name) of shape \(state.shape) for input of shape \(input.shape), expected \(stateShape)")
            return batched ? state : state.unsqueezed(at: 1)
        }
        let h0 = initial(h0, "initial hidden state"), c0 = initial(c0, "initial cell state")
        var hN: [Tensor] = [], cN: [Tensor] = []
        for layer in 0..<numLayers {
            var outputs: [Tensor] = []
            for d in 0..<directions {
                let k = layer * directions + d, w = weights[k]
                let pass = Tensor.recurrence(kind, input: x, h0: h0?[.index(k)], c0: c0?[.index(k)],
                                             weightIh: w.weightIh, weightHh: w.weightHh, biasIh: w.biasIh, biasHh: w.biasHh,
                                             reverse: d == 1)
                outputs.append(pass.output)
                hN.append(pass.hN)
                if kind == .lstm { cN.append(pass.cN) }
            }
            x = outputs.count == 1 ? outputs[0] : Tensor.concatenated(outputs, alongAxis: 2)
            if layer < numLayers - 1 && dropout > 0 && isTraining {
                let keep = 1 - dropout
                x = x * ((Tensor.rand(x.shape) .< keep) * (1 / keep))
            }
        }
        func finalState(_ states: [Tensor]) -> Tensor {
            let s = states.count == 1 ? states[0].unsqueezed(at: 0) : Tensor.stacked(states)
            return batched ? s : s.squeezed(axis: 1)
        }
        let output = !batched ? x.squeezed(axis: 1) : batchFirst ? x.transposed(0, 1) : x
        return (recorded(output), finalState(hN), kind == .lstm ? finalState(cN) : nil)
    }
}

/// An Elman recurrent network, as `torch.nn.RNN`: hₜ = tanh(W_ih·xₜ + b_ih + W_hh·hₜ₋₁ + b_hh) (or relu).
///
/// Shapes: input [T, N, inputSize] ([N, T, inputSize] when `batchFirst`, [T, inputSize] unbatched), h0
/// [numLayers·directions, N, H] (zeros when nil) → output [T, N, directions·H] (the last layer's hₜ for every
/// t, both directions concatenated) and hN [numLayers·directions, N, H] (every layer's final state). Weights
/// `weight_ih_l0` [H, inputSize], `weight_hh_l0` [H, H], biases [H], initialised U(−1/√H, 1/√H).
public final class RNN: RecurrentLayer {
    /// The activation of an Elman cell.
    public enum Nonlinearity {
        /// tanh, PyTorch's default.
        case tanh
        /// max(0, x).
        case relu
    }

    /// As `nn.RNN(input_size, hidden_size, num_layers, nonlinearity, bias, batch_first, dropout, bidirectional)`.
    public init(_ inputSize: Int, _ hiddenSize: Int, numLayers: Int = 1, nonlinearity: Nonlinearity = .tanh,
                bias: Bool = true, batchFirst: Bool = false, dropout: Float = 0, bidirectional: Bool = false) {
        super.init(kind: nonlinearity == .tanh ? .rnnTanh : .rnnReLU, inputSize: inputSize, hiddenSize: hiddenSize,
                   numLayers: numLayers, bias: bias, batchFirst: batchFirst, dropout: dropout, bidirectional: bidirectional)
    }

    /// The activation used by every cell.
    public var nonlinearity: Nonlinearity { kind == .rnnReLU ? .relu : .tanh }

    /// Runs the sequence; `let (output, hN) = rnn(x, h0)`.
    public func callAsFunction(_ input: Tensor, _ h0: Tensor? = nil) -> (output: Tensor, hN: Tensor) {
        let r = run(input, h0: h0, c0: nil)
        return (r.output, r.hN)
    }
}

/// The hidden and cell states of an LSTM, each [numLayers·directions, N, H] for ``LSTM`` or [N, H] for
/// ``LSTMCell``.
public typealias LSTMState = (h: Tensor, c: Tensor)

/// A long short-term memory network, as `torch.nn.LSTM`. For each step and layer:
///
///     i = σ(W_ii·x + b_ii + W_hi·h + b_hi)    f = σ(W_if·x + b_if + W_hf·h + b_hf)
///     g = tanh(W_ig·x + b_ig + W_hg·h + b_hg) o = σ(W_io·x + b_io + W_ho·h + b_ho)
///     c' = f⊙c + i⊙g                          h' = o⊙tanh(c')
///
/// Shapes: input [T, N, inputSize] ([N, T, inputSize] when `batchFirst`, [T, inputSize] unbatched), state
/// (h0, c0) each [numLayers·directions, N, H] (zeros when nil) → output [T, N, directions·H] and the final
/// state (hN, cN). Weights `weight_ih_l0` [4H, inputSize] and `weight_hh_l0` [4H, H] stack the gates in the
/// order i, f, g, o; all parameters initialised U(−1/√H, 1/√H).
public final class LSTM: RecurrentLayer {
    /// As `nn.LSTM(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional)`.
    public init(_ inputSize: Int, _ hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
                dropout: Float = 0, bidirectional: Bool = false) {
        super.init(kind: .lstm, inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
                   batchFirst: batchFirst, dropout: dropout, bidirectional: bidirectional)
    }

    /// Runs the sequence; `let (output, (hN, cN)) = lstm(x, (h0, c0))`.
    public func callAsFunction(_ input: Tensor, _ state: LSTMState? = nil) -> (output: Tensor, state: LSTMState) {
        let r = run(input, h0: state?.h, c0: state?.c)
        return (r.output, (r.hN, r.cN!))
    }
}

/// A gated recurrent unit network, as `torch.nn.GRU`. For each step and layer:
///
///     r = σ(W_ir·x + b_ir + W_hr·h + b_hr)    z = σ(W_iz·x + b_iz + W_hz·h + b_hz)
///     n = tanh(W_in·x + b_in + r⊙(W_hn·h + b_hn))
///     h' = (1 − z)⊙n + z⊙h
///
/// Shapes as ``RNN``. Weights `weight_ih_l0` [3H, inputSize] and `weight_hh_l0` [3H, H] stack the gates in
/// the order r, z, n; all parameters initialised U(−1/√H, 1/√H).
public final class GRU: RecurrentLayer {
    /// As `nn.GRU(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional)`.
    public init(_ inputSize: Int, _ hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
                dropout: Float = 0, bidirectional: Bool = false) {
        super.init(kind: .gru, inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
                   batchFirst: batchFirst, dropout: dropout, bidirectional: bidirectional)
    }

    /// Runs the sequence; `let (output, hN) = gru(x, h0)`.
    public func callAsFunction(_ input: Tensor, _ h0: Tensor? = nil) -> (output: Tensor, hN: Tensor) {
        let r = run(input, h0: h0, c0: nil)
        return (r.output, r.hN)
    }
}
