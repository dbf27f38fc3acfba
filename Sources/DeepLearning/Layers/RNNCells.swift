/// What ``RNNCell``, ``LSTMCell`` and ``GRUCell`` share: the parameters of one recurrent step and the step
/// itself (the recurrence of ``RNN``/``LSTM``/``GRU`` over a sequence of length 1), as `torch.nn.RNNCellBase`.
///
/// Parameters `weight_ih` [G·H, inputSize], `weight_hh` [G·H, H], `bias_ih` and `bias_hh` [G·H], with G = 1,
/// 4 or 3 gates, all initialised U(−1/√H, 1/√H).
public class RecurrentCell: Module {
    /// W_ih [G·H, inputSize].
    public let weightIh: Tensor
    /// W_hh [G·H, H].
    public let weightHh: Tensor
    /// b_ih [G·H], nil without biases.
    public let biasIh: Tensor?
    /// b_hh [G·H], nil without biases.
    public let biasHh: Tensor?
    /// Features of the input and of the hidden state (H).
    public let inputSize: Int, hiddenSize: Int
    let kind: RecurrentKind

    /// As PyTorch's `RNNCellBase.extra_repr()`: `GRUCell(10, 20)`, `RNNCell(3, 4, bias=False, nonlinearity=relu)`.
    public override var extraRepr: String {
        "\(inputSize), \(hiddenSize)" + (biasIh == nil ? ", bias=False" : "") + (kind == .rnnReLU ? ", nonlinearity=relu" : "")
    }

    public override var typeName: String { kind.layerName + "Cell" }

    init(kind: RecurrentKind, inputSize: Int, hiddenSize: Int, bias: Bool) {
        require(inputSize > 0 && hiddenSize > 0, "recurrent cell: sizes \(inputSize), \(hiddenSize) must be positive")
        let w = RecurrentWeights(gates: kind.gateCount, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias)
        (weightIh, weightHh, biasIh, biasHh) = (w.weightIh, w.weightHh, w.biasIh, w.biasHh)
        (self.inputSize, self.hiddenSize, self.kind) = (inputSize, hiddenSize, kind)
        super.init()
    }

    /// One step: input [N, inputSize] (or [inputSize]), h and c [N, H] (or [H]), zeros when nil.
    func step(_ input: Tensor, h: Tensor?, c: Tensor?) -> (h: Tensor, c: Tensor?) {
        require(input.rank == 1 || input.rank == 2,
                     "\(self): input of shape \(input.shape) must have rank 2 (or 1 for an unbatched input)")
        require(input.shape.last == inputSize,
                     "\(self): input of shape \(input.shape) has \(input.shape.last!) features, expected \(inputSize)")
        let batched = input.rank == 2
        let x = batched ? input.unsqueezed(at: 0) : input.reshaped(to: [1, 1, inputSize])
        let batch = x.shape[1]
        let stateShape = batched ? [batch, hiddenSize] : [hiddenSize]
        func state(_ s: Tensor?, _ name: String) -> Tensor? {
            guard let s else { return nil }
            require(s.shape == stateShape, "\(self): \(name) of shape \(s.shape) for input of shape \(input.shape), expected \(stateShape)")
            return batched ? s : s.unsqueezed(at: 0)
        }
        let pass = Tensor.recurrence(kind, input: x, h0: state(h, "hidden state"), c0: state(c, "cell state"),
                                     weightIh: weightIh, weightHh: weightHh, biasIh: biasIh, biasHh: biasHh, reverse: false)
        func shaped(_ t: Tensor) -> Tensor { batched ? t : t.reshaped(to: [hiddenSize]) }
        return (recorded(shaped(pass.hN)), kind == .lstm ? shaped(pass.cN) : nil)
    }
}

/// One step of an Elman network, as `torch.nn.RNNCell`: h' = tanh(W_ih·x + b_ih + W_hh·h + b_hh) (or relu).
///
/// Shapes: input [N, inputSize] and h [N, H] (zeros when nil) → h' [N, H]; unbatched [inputSize], [H] → [H].
public final class RNNCell: RecurrentCell {
    /// As `nn.RNNCell(input_size, hidden_size, bias, nonlinearity)`.
    public init(_ inputSize: Int, _ hiddenSize: Int, bias: Bool = true, nonlinearity: RNN.Nonlinearity = .tanh) {
        super.init(kind: nonlinearity == .tanh ? .rnnTanh : .rnnReLU, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias)
    }

    /// The activation of the cell.
    public var nonlinearity: RNN.Nonlinearity { kind == .rnnReLU ? .relu : .tanh }

    /// The next hidden state.
    public func callAsFunction(_ input: Tensor, _ h: Tensor? = nil) -> Tensor { step(input, h: h, c: nil).h }
}

/// One step of an LSTM, as `torch.nn.LSTMCell`: gates i, f, g, o from W_ih·x + b_ih + W_hh·h + b_hh (σ, σ,
/// tanh, σ), then c' = f⊙c + i⊙g and h' = o⊙tanh(c').
///
/// Shapes: input [N, inputSize], state (h, c) each [N, H] (zeros when nil) → (h', c') each [N, H];
/// unbatched [inputSize], [H] → [H]. Weights [4H, inputSize] and [4H, H].
public final class LSTMCell: RecurrentCell {
    /// As `nn.LSTMCell(input_size, hidden_size, bias)`.
    public init(_ inputSize: Int, _ hiddenSize: Int, bias: Bool = true) {
        super.init(kind: .lstm, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias)
    }

    /// The next state; `let (h, c) = cell(x, (h, c))`.
    public func callAsFunction(_ input: Tensor, _ state: LSTMState? = nil) -> LSTMState {
        let s = step(input, h: state?.h, c: state?.c)
        return (s.h, s.c!)
    }
}

/// One step of a GRU, as `torch.nn.GRUCell`: r = σ(W_ir·x + b_ir + W_hr·h + b_hr),
/// z = σ(W_iz·x + b_iz + W_hz·h + b_hz), n = tanh(W_in·x + b_in + r⊙(W_hn·h + b_hn)), h' = (1 − z)⊙n + z⊙h.
///
/// Shapes: input [N, inputSize] and h [N, H] (zeros when nil) → h' [N, H]; unbatched [inputSize], [H] → [H].
/// Weights [3H, inputSize] and [3H, H].
public final class GRUCell: RecurrentCell {
    /// As `nn.GRUCell(input_size, hidden_size, bias)`.
    public init(_ inputSize: Int, _ hiddenSize: Int, bias: Bool = true) {
        super.init(kind: .gru, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias)
    }

    /// The next hidden state.
    public func callAsFunction(_ input: Tensor, _ h: Tensor? = nil) -> Tensor { step(input, h: h, c: nil).h }
}
