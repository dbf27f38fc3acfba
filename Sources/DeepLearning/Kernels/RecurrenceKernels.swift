// The loops of one recurrent layer in one direction over a whole sequence, on raw buffers; the op that
// allocates the buffers and records the autograd node is `Tensor.recurrence` in Ops/Recurrence.swift, and the
// gate arithmetic of one step is in Kernels/Gates.swift.
//
// Forward: the input projection of every time step is one product ([T·N, I] · W_ihᵀ); each step then adds
// its hidden projection h₋·W_hhᵀ and runs the fused gate kernel, which adds the biases and keeps the gate
// activations for the backward pass.
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

/// The loops of one direction of one recurrent layer over a sequence of `steps` steps of `batch` rows.
///
/// Buffers (row-major): input x [T, N, I]; the states [P, T + 1, N, H] with P = 2 for an LSTM (hidden
/// states, then cell states) and 1 otherwise, where slots 0…T hold h_init, h₀, …, h_{T−1} forward and
/// h₀, …, h_{T−1}, h_init in reverse (see `RecurrentPass`); gates [T, N, G·H] (and, for a GRU, the hidden
/// projections gh [T, N, G·H] apart, since the reset gate multiplies part of them).
struct RecurrenceLoops {
    let kind: RecurrentKind
    let steps: Int, batch: Int, inputSize: Int, hidden: Int
    /// Whether the steps run from T − 1 down to 0.
    let reverse: Bool

    /// Columns of the gates: G·H.
    var width: Int { kind.gateCount * hidden }
    /// Floats of one state slot: N·H.
    var slab: Int { batch * hidden }

    /// The slot of the state that step t reads.
    @inline(__always) func prev(_ t: Int) -> Int { reverse ? t + 1 : t }
    /// The slot of the state that step t writes.
    @inline(__always) func next(_ t: Int) -> Int { reverse ? t : t + 1 }

    /// Writes h_init (and c_init) into their slot of `states`; nil: zeros.
    func setInitialStates(_ states: UnsafeMutablePointer<Float>, h0: UnsafePointer<Float>?, c0: UnsafePointer<Float>?) {
        let initial = reverse ? steps : 0
        let planes = kind == .lstm ? [(h0, states), (c0, states + (steps + 1) * slab)] : [(h0, states)]
        for (state, plane) in planes {
            if let state { (plane + initial * slab).update(from: state, count: slab) }
            else { (plane + initial * slab).update(repeating: 0, count: slab) }
        }
    }

    /// The batch elements of a sequence never meet: with a second core, each walks the steps for its own
    /// rows of the batch, with no synchronisation between steps. Rows go to cores in whole tiles of the step
    /// product.
    func forEachRowBlock(_ walk: (Range<Int>) -> Void) {
        let tile = PackedGEMM.tileRows
        Parallel.forEach((batch + tile - 1) / tile, costPerItem: tile * steps * hidden * width / 32) { tiles in
            walk((tiles.lowerBound * tile)..<Swift.min(batch, tiles.upperBound * tile))
        }
    }

    /// The forward pass: fills `gates` (and `gh`) with the activations and `states` with every step's
    /// state. `wihT` is W_ihᵀ [I, G·H] and `whhT` W_hhᵀ [H, G·H], packed; `bias` is `Tensor.kernelBias`'s.
    /// Without an initial state (`hasInitialState` false) the first step's hidden product is skipped.
    func forward(input x: UnsafePointer<Float>, wihT: PackedMatrix, whhT: PackedMatrix, bias: UnsafePointer<Float>,
                 states: UnsafeMutablePointer<Float>, gates: UnsafeMutablePointer<Float>, gh: UnsafeMutablePointer<Float>?,
                 hasInitialState: Bool) {
        let hs = states, cs = states + (steps + 1) * slab
        PackedGEMM.multiply(m: steps * batch, x, lda: inputSize, wihT, gates, ldc: width, accumulate: false)
        forEachRowBlock { rows in
            let m = rows.count, first = rows.lowerBound
            for s in 0..<steps {
                let t = reverse ? steps - 1 - s : s
                let (hPrev, hNext) = (hs + (prev(t) * batch + first) * hidden, hs + (next(t) * batch + first) * hidden)
                let (cPrev, cNext) = (cs + (prev(t) * batch + first) * hidden, cs + (next(t) * batch + first) * hidden)
                let z = gates + (t * batch + first) * width
                let target = gh.map { $0 + (t * batch + first) * width } ?? z
                if s > 0 || hasInitialState {
                    PackedGEMM.multiply(m: m, hPrev, lda: hidden, whhT, target, ldc: width, accumulate: kind != .gru)
                } else if kind == .gru {
                    target.update(repeating: 0, count: m * width)  // h₋ = 0: the hidden projection is 0
                }
                switch kind {
                case .rnnTanh, .rnnReLU:
                    Gates.rnnForward(z, bias: bias, h: hNext, relu: kind == .rnnReLU, batch: m, hidden: hidden)
                case .lstm:
                    Gates.lstmForward(gates: z, bias: bias, cPrev: cPrev, c: cNext, h: hNext, batch: m, hidden: hidden)
                case .gru:
                    Gates.gruForward(gi: z, gh: target, bias: bias, hPrev: hPrev, h: hNext, batch: m, hidden: hidden)
                }
            }
        }
    }

    /// Backpropagation through time: walks the steps back, turning `gradient` (of the states, in their
    /// layout) into the gradients of every step's pre-activations, written over the activations in `gates`
    /// (and `gh`). `whh` is W_hh [G·H, H], packed. On return `dhPrev` [N, H] holds the gradient of h_init
    /// (computed only when `needInitialState`) and `dc` [N, H] that of c_init (LSTM); `dh` is scratch.
    func backward(states: UnsafePointer<Float>, gradient: UnsafePointer<Float>, gates: UnsafeMutablePointer<Float>,
                  gh: UnsafeMutablePointer<Float>?, whh: PackedMatrix, dh: UnsafeMutablePointer<Float>,
                  dhPrev: UnsafeMutablePointer<Float>, dc: UnsafeMutablePointer<Float>?, needInitialState: Bool) {
        let hs = states, cs = states + (steps + 1) * slab
        let gHs = gradient, gCs = gradient + (steps + 1) * slab
        let dGi = gates, dGh = gh ?? gates
        forEachRowBlock { rows in
            let m = rows.count, first = rows.lowerBound * hidden
            let dh = dh + first, dhPrev = dhPrev + first, dc = dc.map { $0 + first }
            dc?.update(from: gCs + (reverse ? 0 : steps) * slab + first, count: m * hidden)
            for s in stride(from: steps - 1, through: 0, by: -1) {
                let t = reverse ? steps - 1 - s : s
                let hPrev = hs + prev(t) * slab + first, hNext = hs + next(t) * slab + first
                let cPrev = cs + prev(t) * slab + first, cNext = cs + next(t) * slab + first
                let rowOffset = (t * batch + rows.lowerBound) * width
                // The gradient reaching h_t: from the output (and h_n) plus from the step after.
                Loops.zip(AddKernel(), gHs + next(t) * slab + first, 1, dhPrev, 1, dh, m * hidden)
                switch kind {
                case .rnnTanh: Loops.zip(TanhBackward(), hNext, 1, dh, 1, dGi + rowOffset, m * hidden)
                case .rnnReLU: Loops.zip(ReluBackward(), hNext, 1, dh, 1, dGi + rowOffset, m * hidden)
                case .lstm:
                    Gates.lstmBackward(acts: gates + rowOffset, cPrev: cPrev, c: cNext, dh: dh, dc: dc!,
                                       dGates: dGi + rowOffset, batch: m, hidden: hidden)
                case .gru:
                    Gates.gruBackward(acts: gates + rowOffset, gh: gh! + rowOffset, hPrev: hPrev, dh: dh,
                                      dGi: dGi + rowOffset, dGh: dGh + rowOffset, dhPrev: dhPrev, batch: m, hidden: hidden)
                }
                // dh₋ (+)= dz_h · W_hh (not needed for h_init unless it requires grad)
                if s == 0 && !needInitialState { continue }
                PackedGEMM.multiply(m: m, dGh + rowOffset, lda: width, whh, dhPrev, ldc: hidden, accumulate: kind == .gru)
            }
        }
    }

    /// The gradients of the input, weights and biases, every step at once, from the pre-activation
    /// gradients `dGates` (and `dGh` for a GRU; else the same buffer): dX = dZᵢ·W_ih, dW_ih = dZᵢᵀ·X,
    /// dW_hh = dZ_hᵀ·H₋, db = column sums of dZ. Each output may be nil (not asked for); the two weight
    /// gradients come together, and so do the two bias gradients. With a second core the steps are split in
    /// two halves, side by side, each summing its weight and bias gradients apart (the second half's are
    /// added at the end): a core that is busy elsewhere then costs no waiting, as it would in a BLAS split
    /// across threads.
    func parameterGradients(dGates: UnsafePointer<Float>, dGh: UnsafePointer<Float>, input x: UnsafePointer<Float>,
                            wih: UnsafePointer<Float>, states: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
                            dwih: UnsafeMutablePointer<Float>?, dwhh: UnsafeMutablePointer<Float>?,
                            dbih: UnsafeMutablePointer<Float>?, dbhh: UnsafeMutablePointer<Float>?) {
        let rows = steps * batch
        let needWeights = dwih != nil && dwhh != nil, needBiases = dbih != nil && dbhh != nil
        let halves = Parallel.threadCount > 1 && rows >= 2 * batch && (needWeights || needBiases) ? 2 : 1
        // The second half's sums, added to the first's at the end.
        let spare = halves == 1 ? [] : [width * inputSize, width * hidden, width, width].map { Tensor(uninitialized: [$0]) }
        func gradients(half: Int) {
            let first = steps * half / halves * batch, count = steps * (half + 1) / halves * batch - first
            let dZi = dGates + first * width, dZh = dGh + first * width
            if let dx {
                GEMM.multiply(m: count, n: inputSize, k: width,
                              MatrixOperand(pointer: dZi, transposed: false, leadingDimension: width),
                              MatrixOperand(pointer: wih, transposed: false, leadingDimension: inputSize),
                              dx + first * inputSize, ldc: inputSize)
            }
            let out = half == 0 ? (dwih, dwhh, dbih, dbhh) : (spare[0].pointer, spare[1].pointer, spare[2].pointer, spare[3].pointer)
            if needWeights, let dwih = out.0, let dwhh = out.1 {
                GEMM.multiply(m: width, n: inputSize, k: count,
                              MatrixOperand(pointer: dZi, transposed: true, leadingDimension: width),
                              MatrixOperand(pointer: x + first * inputSize, transposed: false, leadingDimension: inputSize),
                              dwih, ldc: inputSize)
                GEMM.multiply(m: width, n: hidden, k: count,
                              MatrixOperand(pointer: dZh, transposed: true, leadingDimension: width),
                              MatrixOperand(pointer: states + ((reverse ? 1 : 0) * batch + first) * hidden, transposed: false,
                                            leadingDimension: hidden),
                              dwhh, ldc: hidden)
            }
            if needBiases, let dbih = out.2, let dbhh = out.3 {
                Loops.reduceMiddle(SumKernel.self, dZi, outer: 1, length: count, inner: width, dbih)
                if kind == .gru {
                    Loops.reduceMiddle(SumKernel.self, dZh, outer: 1, length: count, inner: width, dbhh)
                } else {
                    dbhh.update(from: dbih, count: width)  // the two biases enter as one sum
                }
            }
        }
        if halves == 1 {
            gradients(half: 0)
            return
        }
        Parallel.withSingleThreadedBLAS {
            Parallel.forEach(halves, costPerItem: 1 << 20) { range in range.forEach { gradients(half: $0) } }
        }
        for (total, part, count, needed) in [(dwih, spare[0], width * inputSize, needWeights), (dwhh, spare[1], width * hidden, needWeights),
                                             (dbih, spare[2], width, needBiases), (dbhh, spare[3], width, needBiases)] {
            if let total, needed { Loops.zip(AddKernel(), total, 1, part.pointer, 1, total, count) }
        }
    }
}

extension Tensor {
    /// The bias vector the gate kernels add: b_ih + b_hh for an Elman cell or an LSTM ([G·H]); for a GRU
    /// [4H]: b_ih + b_hh for r and z, then b_in and b_hn apart (the reset gate multiplies b_hn). Zeros
    /// without biases. `bih` and `bhh` are contiguous.
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
