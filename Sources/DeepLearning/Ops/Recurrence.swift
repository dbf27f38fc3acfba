// One recurrent layer in one direction over a whole sequence, as one autograd node.
//
// Forward: the input projection of every time step is one product ([T·N, I] · W_ihᵀ); each step then adds
// its hidden projection h₋·W_hhᵀ and runs the fused gate kernel of Kernels/Gates.swift, which adds the
// biases and keeps the gate activations for the backward pass.
// Backward (backpropagation through time): walking the steps in reverse, the gate kernel's adjoint gives
// the gradient of each step's pre-activations (over the saved activations, in place) and one product with
// W_hh sends it to the previous hidden state. The step products are small ([N, H]·[H, G·H]) and share
// their right-hand side, which is packed once per pass for Kernels/PackedGEMM.swift (BLAS would repack it
// at every step). The weight, bias and input gradients of all steps are then three big GEMMs and two
// column sums — the approach of cuDNN, and far fewer, larger products than one small product per step and
// parameter.

/// The cell a recurrence runs.
enum RecurrentKind {
    /// h = tanh(W_ih·x + b_ih + W_hh·h₋ + b_hh)
    case rnnTanh
    /// h = relu(W_ih·x + b_ih + W_hh·h₋ + b_hh)
    case rnnReLU
    /// Gates i, f, g, o; a cell state c beside h.
    case lstm
    /// Gates r, z, n, with the reset gate applied after the hidden product.
    case gru

    /// PyTorch's name of the layer (`RNN`, `LSTM`, `GRU`); cells add `Cell`.
    var layerName: String {
        switch self {
        case .rnnTanh, .rnnReLU: return "RNN"
        case .lstm: return "LSTM"
        case .gru: return "GRU"
        }
    }

    /// Number of `hidden`-row blocks stacked in W_ih and W_hh.
    var gateCount: Int {
        switch self {
        case .rnnTanh, .rnnReLU: return 1
        case .lstm: return 4
        case .gru: return 3
        }
    }

    var name: String {
        switch self {
        case .rnnTanh: return "rnn_tanh"
        case .rnnReLU: return "rnn_relu"
        case .lstm: return "lstm"
        case .gru: return "gru"
        }
    }
}

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
        // W_hhᵀ [H, G·H], packed for the steps' products h₋·W_hhᵀ.
        let whhT = PackedMatrix(packing: whh.pointer, rows: hidden, columns: width, transposed: true, leadingDimension: hidden)
        let (bih, bhh) = withNoGrad { (biasIh?.contiguous(), biasHh?.contiguous()) }
        let slab = batch * hidden, planes = kind == .lstm ? 2 : 1
        // The slots (in `packed`) of the state that step t reads and of the one it writes.
        func prev(_ t: Int) -> Int { reverse ? t + 1 : t }
        func next(_ t: Int) -> Int { reverse ? t : t + 1 }

        var packed = Tensor(uninitialized: [planes, steps + 1, batch, hidden])
        let hs = packed.pointer, cs = packed.pointer + (steps + 1) * slab
        let initial = reverse ? steps : 0
        for (state, plane) in [(h0c, hs), (c0c, cs)].prefix(planes) {
            if let state { (plane + initial * slab).update(from: state.pointer, count: slab) }
            else { (plane + initial * slab).update(repeating: 0, count: slab) }
        }

        // The gates' pre-activations, step by step: X·W_ihᵀ for all steps as one product, then h₋·W_hhᵀ added
        // (for a GRU kept in `gh`, since the reset gate multiplies part of it); the gate kernels add the
        // biases and leave the activations in place, which the backward pass overwrites with their gradients.
        let gates = Tensor(uninitialized: [steps, batch, width])
        let gh: Tensor? = kind == .gru ? Tensor(uninitialized: [steps, batch, width]) : nil
        let wihT = PackedMatrix(packing: wih.pointer, rows: inputSize, columns: width, transposed: true, leadingDimension: inputSize)
        let bias = Tensor.kernelBias(kind, bih, bhh, hidden: hidden)
        // The batch elements of a sequence never meet: with a second core, each walks the steps for its own
        // rows of the batch, with no synchronisation between steps. Rows go to cores in whole tiles of the
        // step product.
        func forEachRowBlock(_ walk: (Range<Int>) -> Void) {
            let tile = PackedGEMM.tileRows
            Parallel.forEach((batch + tile - 1) / tile, costPerItem: tile * steps * hidden * width / 32) { tiles in
                walk((tiles.lowerBound * tile)..<Swift.min(batch, tiles.upperBound * tile))
            }
        }
        /// Walks the steps for the batch elements `rows`: their states in `packed`, activations in `gates`.
        func walk(_ rows: Range<Int>) {
            let m = rows.count, first = rows.lowerBound
            for s in 0..<steps {
                let t = reverse ? steps - 1 - s : s
                let (hPrev, hNext) = (hs + (prev(t) * batch + first) * hidden, hs + (next(t) * batch + first) * hidden)
                let (cPrev, cNext) = (cs + (prev(t) * batch + first) * hidden, cs + (next(t) * batch + first) * hidden)
                let z = gates.pointer + (t * batch + first) * width
                let target = gh.map { $0.pointer + (t * batch + first) * width } ?? z
                if s > 0 || h0 != nil {
                    PackedGEMM.multiply(m: m, hPrev, lda: hidden, whhT, target, ldc: width, accumulate: kind != .gru)
                } else if kind == .gru {
                    target.update(repeating: 0, count: m * width)  // h₋ = 0: the hidden projection is 0
                }
                switch kind {
                case .rnnTanh, .rnnReLU:
                    Gates.rnnForward(z, bias: bias.pointer, h: hNext, relu: kind == .rnnReLU, batch: m, hidden: hidden)
                case .lstm:
                    Gates.lstmForward(gates: z, bias: bias.pointer, cPrev: cPrev, c: cNext, h: hNext, batch: m, hidden: hidden)
                case .gru:
                    Gates.gruForward(gi: z, gh: target, bias: bias.pointer, hPrev: hPrev, h: hNext, batch: m, hidden: hidden)
                }
            }
        }
        /// Fills `gates` (and `gh`) and the states in `packed`.
        func run() {
            PackedGEMM.multiply(m: steps * batch, xc.pointer, lda: inputSize, wihT, gates.pointer, ldc: width, accumulate: false)
            forEachRowBlock(walk)
        }
        run()

        let inputs = [x] + [h0, c0, weightIh, weightHh, biasIh, biasHh].compactMap { $0 }
        if Tensor.shouldRecord(inputs) {
            let states = packed.detached()
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
                let dGi = gates, dGh = gh ?? gates
                let dh = Tensor(uninitialized: [batch, hidden])
                let dhPrev = Tensor.zeros([batch, hidden])
                let dc: Tensor? = kind == .lstm ? Tensor(uninitialized: [batch, hidden]) : nil
                let whhPacked = PackedMatrix(packing: whh.pointer, rows: width, columns: hidden, transposed: false, leadingDimension: hidden)
                let hs = states.pointer, cs = states.pointer + (steps + 1) * slab  // `packed`'s, kept alive by `states`
                let gHs = gc.pointer, gCs = gc.pointer + (steps + 1) * slab
                /// Walks the steps back for the batch elements `rows` (their rows of dh, dc, dh₋ and of the gates).
                func walkBack(_ rows: Range<Int>) {
                    let m = rows.count, first = rows.lowerBound * hidden
                    let dh = dh.pointer + first, dhPrev = dhPrev.pointer + first, dc = dc.map { $0.pointer + first }
                    dc?.update(from: gCs + (reverse ? 0 : steps) * slab + first, count: m * hidden)
                    for s in stride(from: steps - 1, through: 0, by: -1) {
                        let t = reverse ? steps - 1 - s : s
                        let hPrev = hs + prev(t) * slab + first, hNext = hs + next(t) * slab + first
                        let cPrev = cs + prev(t) * slab + first, cNext = cs + next(t) * slab + first
                        let rowOffset = (t * batch + rows.lowerBound) * width
                        // The gradient reaching h_t: from the output (and h_n) plus from the step after.
                        Loops.zip(AddKernel(), gHs + next(t) * slab + first, 1, dhPrev, 1, dh, m * hidden)
                        switch kind {
                        case .rnnTanh: Loops.zip(TanhBackward(), hNext, 1, dh, 1, dGi.pointer + rowOffset, m * hidden)
                        case .rnnReLU: Loops.zip(ReluBackward(), hNext, 1, dh, 1, dGi.pointer + rowOffset, m * hidden)
                        case .lstm:
                            Gates.lstmBackward(acts: gates.pointer + rowOffset, cPrev: cPrev, c: cNext, dh: dh, dc: dc!,
                                               dGates: dGi.pointer + rowOffset, batch: m, hidden: hidden)
                        case .gru:
                            Gates.gruBackward(acts: gates.pointer + rowOffset, gh: gh!.pointer + rowOffset, hPrev: hPrev, dh: dh,
                                              dGi: dGi.pointer + rowOffset, dGh: dGh.pointer + rowOffset, dhPrev: dhPrev,
                                              batch: m, hidden: hidden)
                        }
                        // dh₋ (+)= dz_h · W_hh (not needed for h_init unless it requires grad)
                        if s == 0 && !needs.h0 { continue }
                        PackedGEMM.multiply(m: m, dGh.pointer + rowOffset, lda: width, whhPacked, dhPrev, ldc: hidden,
                                            accumulate: kind == .gru)
                    }
                }
                forEachRowBlock(walkBack)
                // The gradients of the input, weights and biases, every step at once: dX = dZᵢ·W_ih,
                // dW_ih = dZᵢᵀ·X, dW_hh = dZ_hᵀ·H₋, db = column sums of dZ. With a second core the steps are
                // split in two halves, side by side, each summing its weight and bias gradients apart (the
                // second half's are added at the end): a core that is busy elsewhere then costs no waiting,
                // as it would in a BLAS split across threads.
                let rows = steps * batch
                let dx = needs.x ? Tensor(uninitialized: [steps, batch, inputSize]) : nil
                let halves = Parallel.threadCount > 1 && rows >= 2 * batch && (needs.w || needs.b) ? 2 : 1
                let sums = (0..<halves).map { _ in
                    (dwih: needs.w ? Tensor(uninitialized: [width, inputSize]) : nil,
                     dwhh: needs.w ? Tensor(uninitialized: [width, hidden]) : nil,
                     dbih: needs.b ? Tensor(uninitialized: [width]) : nil,
                     dbhh: needs.b ? Tensor(uninitialized: [width]) : nil)
                }
                func gradients(half: Int) {
                    let first = steps * half / halves * batch, count = steps * (half + 1) / halves * batch - first
                    let dZi = dGi.pointer + first * width, dZh = dGh.pointer + first * width
                    if let dx {
                        GEMM.multiply(m: count, n: inputSize, k: width,
                                      MatrixOperand(pointer: dZi, transposed: false, leadingDimension: width),
                                      MatrixOperand(pointer: wih.pointer, transposed: false, leadingDimension: inputSize),
                                      dx.pointer + first * inputSize, ldc: inputSize)
                    }
                    let out = sums[half]
                    if let dwih = out.dwih, let dwhh = out.dwhh {
                        GEMM.multiply(m: width, n: inputSize, k: count,
                                      MatrixOperand(pointer: dZi, transposed: true, leadingDimension: width),
                                      MatrixOperand(pointer: xc.pointer + first * inputSize, transposed: false, leadingDimension: inputSize),
                                      dwih.pointer, ldc: inputSize)
                        GEMM.multiply(m: width, n: hidden, k: count,
                                      MatrixOperand(pointer: dZh, transposed: true, leadingDimension: width),
                                      MatrixOperand(pointer: hs + ((reverse ? 1 : 0) * batch + first) * hidden, transposed: false,
                                                    leadingDimension: hidden),
                                      dwhh.pointer, ldc: hidden)
                    }
                    if let dbih = out.dbih, let dbhh = out.dbhh {
                        Loops.reduceMiddle(SumKernel.self, dZi, outer: 1, length: count, inner: width, dbih.pointer)
                        if kind == .gru {
                            Loops.reduceMiddle(SumKernel.self, dZh, outer: 1, length: count, inner: width, dbhh.pointer)
                        } else {
                            dbhh.pointer.update(from: dbih.pointer, count: width)  // the two biases enter as one sum
                        }
                    }
                }
                if halves == 1 {
                    gradients(half: 0)
                } else {
                    Parallel.withSingleThreadedBLAS {
                        Parallel.forEach(halves, costPerItem: 1 << 20) { range in range.forEach { gradients(half: $0) } }
                    }
                    for (total, part) in zip([sums[0].dwih, sums[0].dwhh, sums[0].dbih, sums[0].dbhh],
                                             [sums[1].dwih, sums[1].dwhh, sums[1].dbih, sums[1].dbhh]) {
                        if let total, let part { Loops.zip(AddKernel(), total.pointer, 1, part.pointer, 1, total.pointer, total.count) }
                    }
                }
                let (dwih, dwhh, dbih, dbhh) = sums[0]
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

    /// The bias vector the gate kernels add: b_ih + b_hh for an Elman cell or an LSTM ([G·H]); for a GRU
    /// [4H]: b_ih + b_hh for r and z, then b_in and b_hn apart (the reset gate multiplies b_hn). Zeros
    /// without biases.
    static func kernelBias(_ kind: RecurrentKind, _ bih: Tensor?, _ bhh: Tensor?, hidden: Int) -> Tensor {
        let width = kind.gateCount * hidden
        let out = Tensor.zeros([kind == .gru ? 4 * hidden : width])
        let p = out.pointer
        if let bih { p.update(from: bih.pointer, count: width) }
        if let bhh {
            let sum = kind == .gru ? 2 * hidden : width
            Loops.zip(AddKernel(), p, 1, bhh.pointer, 1, p, sum)
            if kind == .gru { (p + 3 * hidden).update(from: bhh.pointer + 2 * hidden, count: hidden) }
        }
        return out
    }
}
