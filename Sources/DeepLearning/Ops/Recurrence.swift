// One recurrent layer in one direction over a whole sequence, as one autograd node: the forward pass, the
// backward pass (backpropagation through time) and the parameter gradients are the loops of
// Kernels/RecurrenceKernels.swift; the gate arithmetic of a step is Kernels/Gates.swift. The math of each
// cell, written with the public ops, is at the end of this file (`Reference.lstmCell` …), and
// Tests/DeepLearningTests/ReferenceTests.swift holds the fused path to it.

/// The states of one direction of one layer, packed in one tensor so that the whole sequence is one
/// autograd node.
///
/// `packed` has shape [P, T + 1, N, H], P = 2 for an LSTM (hidden states, then cell states) and 1 otherwise.
/// Along the time axis, the initial state sits next to the step it feeds: slots 0…T hold h_init, h₀, …,
/// h_{T−1} for the forward direction and h₀, …, h_{T−1}, h_init for the reverse one. So the hidden state
/// that step t reads is one contiguous block either way, and so are the outputs.
struct RecurrentPass {
    let packed: Tensor
    let reverse: Bool

    var steps: Int { packed.shape[1] - 1 }

    /// Hidden states of every step in time order: [T, N, H].
    var output: Tensor { view(plane: 0, slot: reverse ? 0 : 1, count: steps) }
    /// The last hidden state (of time 0 for the reverse direction): [N, H].
    var hN: Tensor { view(plane: 0, slot: reverse ? 0 : steps, count: nil) }
    /// The last cell state of an LSTM: [N, H].
    var cN: Tensor { view(plane: 1, slot: reverse ? 0 : steps, count: nil) }

    /// `count` consecutive slots of one plane ([count, N, H]), or one slot ([N, H]) when `count` is nil, as a
    /// view whose gradient is written back into the packed shape.
    private func view(plane: Int, slot: Int, count: Int?) -> Tensor {
        let n = packed.shape[2], h = packed.shape[3]
        let shape = count.map { [$0, n, h] } ?? [n, h]
        let offset = packed.offset + (plane * (steps + 1) + slot) * n * h
        var out = Tensor(storage: packed.storage, shape: shape, strides: Tensor.contiguousStrides(for: shape), offset: offset)
        if Tensor.shouldRecord(packed) {
            let full = packed.shape, total = packed.count
            let first = (plane * (steps + 1) + slot) * n * h, length = (count ?? 1) * n * h
            out.attach("recurrentState", packed) { g in
                // Zeros with g in the view's slots, written in one pass.
                let grad = Tensor(uninitialized: full), p = grad.pointer
                p.update(repeating: 0, count: first)
                (p + first).update(from: g.contiguous().pointer, count: length)
                (p + first + length).update(repeating: 0, count: total - first - length)
                return [grad]
            }
        }
        return out
    }
}

extension Tensor {
    /// Runs a recurrent cell over a sequence in one direction.
    ///
    /// Shapes: input [T, N, I], h0 and c0 [N, H] (zeros when nil; c0 is for an LSTM only), weightIh
    /// [G·H, I], weightHh [G·H, H], biases [G·H], with G the kind's gate count. `reverse` walks the steps
    /// from T − 1 down to 0. Differentiable in every tensor argument.
    static func recurrence(_ kind: RecurrentKind, input x: Tensor, h0: Tensor?, c0: Tensor?,
                           weightIh: Tensor, weightHh: Tensor, biasIh: Tensor?, biasHh: Tensor?,
                           reverse: Bool) -> RecurrentPass {
        let (steps, batch, inputSize) = (x.shape[0], x.shape[1], x.shape[2])
        let hidden = weightHh.shape[1], width = kind.gateCount * hidden
        require(weightIh.shape == [width, inputSize] && weightHh.shape == [width, hidden],
                      "\(kind.name): weights \(weightIh.shape), \(weightHh.shape) for input \(x.shape) and hidden size \(hidden)")
        require((h0?.shape ?? [batch, hidden]) == [batch, hidden] && (c0?.shape ?? [batch, hidden]) == [batch, hidden]
                      && (kind == .lstm || c0 == nil),
                      "\(kind.name): initial state \(h0?.shape ?? []) / \(c0?.shape ?? []) for batch \(batch) and hidden size \(hidden)")
        let (xc, wih, whh, h0c, c0c) = withNoGrad {
            (x.contiguous(), weightIh.contiguous(), weightHh.contiguous(), h0?.contiguous(), c0?.contiguous())
        }
        let (bih, bhh) = withNoGrad { (biasIh?.contiguous(), biasHh?.contiguous()) }
        let loops = RecurrenceLoops(kind: kind, steps: steps, batch: batch, inputSize: inputSize, hidden: hidden, reverse: reverse)

        // Every step's state, in one tensor (see RecurrentPass), and the gates' pre-activations, which the
        // gate kernels turn into activations in place (for a GRU the hidden projections are kept apart, in
        // `gh`); the backward pass overwrites them with their gradients.
        var packed = Tensor(uninitialized: [kind == .lstm ? 2 : 1, steps + 1, batch, hidden])
        loops.setInitialStates(packed.pointer, h0: h0c?.pointer, c0: c0c?.pointer)
        let gates = Tensor(uninitialized: [steps, batch, width])
        let gh: Tensor? = kind == .gru ? Tensor(uninitialized: [steps, batch, width]) : nil
        // W_ihᵀ [I, G·H] and W_hhᵀ [H, G·H], packed for the products X·W_ihᵀ and h₋·W_hhᵀ.
        let wihT = PackedMatrix(packing: wih.pointer, rows: inputSize, columns: width, transposed: true, leadingDimension: inputSize)
        let whhT = PackedMatrix(packing: whh.pointer, rows: hidden, columns: width, transposed: true, leadingDimension: hidden)
        let bias = Tensor.kernelBias(kind, bih, bhh, hidden: hidden)
        let states = packed.pointer
        func run() {
            loops.forward(input: xc.pointer, wihT: wihT, whhT: whhT, bias: bias.pointer, states: states, gates: gates.pointer,
                          gh: gh?.pointer, hasInitialState: h0 != nil)
        }
        run()

        let inputs = [x] + [h0, c0, weightIh, weightHh, biasIh, biasHh].compactMap { $0 }
        if Tensor.shouldRecord(inputs) {
            let saved = packed.detached()
            let needs = (x: x.requiresGrad, h0: h0?.requiresGrad ?? false, w: weightIh.requiresGrad || weightHh.requiresGrad,
                         b: (biasIh?.requiresGrad ?? false) || (biasHh?.requiresGrad ?? false))
            var activationsSpent = false
            packed.attach(kind.name, inputs: inputs) { g in
                // The gradients of the pre-activations overwrite the saved activations, step by step (a
                // fresh buffer would double the memory traffic of the walk). A second backward pass through
                // the same graph (kept by `backward(retainGraph: true)`) recomputes the activations first.
                if activationsSpent { run() }
                activationsSpent = true
                let gc = g.contiguous()
                let dh = Tensor(uninitialized: [batch, hidden]), dhPrev = Tensor.zeros([batch, hidden])
                let dc: Tensor? = kind == .lstm ? Tensor(uninitialized: [batch, hidden]) : nil
                // W_hh [G·H, H], packed for the products dz_h·W_hh.
                let whhPacked = PackedMatrix(packing: whh.pointer, rows: width, columns: hidden, transposed: false, leadingDimension: hidden)
                loops.backward(states: saved.pointer, gradient: gc.pointer, gates: gates.pointer, gh: gh?.pointer, whh: whhPacked,
                               dh: dh.pointer, dhPrev: dhPrev.pointer, dc: dc?.pointer, needInitialState: needs.h0)
                let dx = needs.x ? Tensor(uninitialized: [steps, batch, inputSize]) : nil
                let dwih = needs.w ? Tensor(uninitialized: [width, inputSize]) : nil
                let dwhh = needs.w ? Tensor(uninitialized: [width, hidden]) : nil
                let dbih = needs.b ? Tensor(uninitialized: [width]) : nil
                let dbhh = needs.b ? Tensor(uninitialized: [width]) : nil
                loops.parameterGradients(dGates: gates.pointer, dGh: (gh ?? gates).pointer, input: xc.pointer, wih: wih.pointer,
                                         states: saved.pointer, dx: dx?.pointer, dwih: dwih?.pointer, dwhh: dwhh?.pointer,
                                         dbih: dbih?.pointer, dbhh: dbhh?.pointer)
                var grads: [Tensor?] = [dx]
                if h0 != nil { grads.append(dhPrev) }
                if c0 != nil { grads.append(dc) }
                grads += [dwih, dwhh]
                if biasIh != nil { grads.append(dbih) }
                if biasHh != nil { grads.append(dbhh) }
                return grads
            }
        }
        return RecurrentPass(packed: packed, reverse: reverse)
    }
}

// MARK: - The cells as formulas

extension Reference {
    /// One step of an Elman network, composed (Elman 1990; the reference of ``RNNCell`` and of the fused
    /// recurrence, as `torch.nn.RNNCell`):
    ///
    ///     h′ = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)      (relu instead of tanh when `relu`)
    ///
    /// Shapes: x [N, I], h [N, H], weightIh [H, I], weightHh [H, H], biases [H] → h′ [N, H].
    public static func rnnCell(_ x: Tensor, _ h: Tensor, weightIh: Tensor, weightHh: Tensor, biasIh: Tensor?, biasHh: Tensor?,
                               relu: Bool = false) -> Tensor {
        let z = linear(x, weight: weightIh, bias: biasIh) + linear(h, weight: weightHh, bias: biasHh)
        return relu ? z.relu() : z.tanh()
    }

    /// One step of an LSTM, composed (Hochreiter & Schmidhuber 1997, "Long Short-Term Memory", with the
    /// forget gate of Gers et al. 2000; the reference of ``LSTMCell`` and of the fused recurrence, as
    /// `torch.nn.LSTMCell`, gates in PyTorch's order i, f, g, o):
    ///
    ///     i = σ(x·W_iiᵀ + b_ii + h·W_hiᵀ + b_hi)        input gate
    ///     f = σ(x·W_ifᵀ + b_if + h·W_hfᵀ + b_hf)        forget gate
    ///     g = tanh(x·W_igᵀ + b_ig + h·W_hgᵀ + b_hg)     candidate cell
    ///     o = σ(x·W_ioᵀ + b_io + h·W_hoᵀ + b_ho)        output gate
    ///     c′ = f ⊙ c + i ⊙ g
    ///     h′ = o ⊙ tanh(c′)
    ///
    /// Shapes: x [N, I], h and c [N, H], weightIh [4H, I], weightHh [4H, H], biases [4H] → h′, c′ [N, H].
    public static func lstmCell(_ x: Tensor, _ state: (h: Tensor, c: Tensor), weightIh: Tensor, weightHh: Tensor,
                                biasIh: Tensor?, biasHh: Tensor?) -> (h: Tensor, c: Tensor) {
        let hidden = weightHh.shape[1]
        let gates = linear(x, weight: weightIh, bias: biasIh) + linear(state.h, weight: weightHh, bias: biasHh)
        let z = gates.split(size: hidden, alongAxis: 1)
        let i = z[0].sigmoid(), f = z[1].sigmoid(), g = z[2].tanh(), o = z[3].sigmoid()
        let c = f * state.c + i * g
        let h = o * c.tanh()
        return (h, c)
    }

    /// One step of a GRU, composed (Cho et al. 2014, "Learning Phrase Representations using RNN
    /// Encoder–Decoder for Statistical Machine Translation"; the reference of ``GRUCell`` and of the fused
    /// recurrence, as `torch.nn.GRUCell`, with the reset gate applied after the hidden product, gates in
    /// PyTorch's order r, z, n):
    ///
    ///     r = σ(x·W_irᵀ + b_ir + h·W_hrᵀ + b_hr)        reset gate
    ///     z = σ(x·W_izᵀ + b_iz + h·W_hzᵀ + b_hz)        update gate
    ///     n = tanh(x·W_inᵀ + b_in + r ⊙ (h·W_hnᵀ + b_hn))
    ///     h′ = (1 − z) ⊙ n + z ⊙ h
    ///
    /// Shapes: x [N, I], h [N, H], weightIh [3H, I], weightHh [3H, H], biases [3H] → h′ [N, H].
    public static func gruCell(_ x: Tensor, _ h: Tensor, weightIh: Tensor, weightHh: Tensor, biasIh: Tensor?,
                               biasHh: Tensor?) -> Tensor {
        let hidden = weightHh.shape[1]
        let gi = linear(x, weight: weightIh, bias: biasIh).split(size: hidden, alongAxis: 1)
        let gh = linear(h, weight: weightHh, bias: biasHh).split(size: hidden, alongAxis: 1)
        let r = (gi[0] + gh[0]).sigmoid()
        let z = (gi[1] + gh[1]).sigmoid()
        let n = (gi[2] + r * gh[2]).tanh()
        return (1 - z) * n + z * h
    }
}
