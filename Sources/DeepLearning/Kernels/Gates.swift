/// The gate arithmetic of Elman, LSTM and GRU cells for one time step, fused: one pass over the batch turns
/// the gates' pre-activations into the new state, and one pass turns the state's gradient back into the
/// gradients of the pre-activations. The matrix products around them are in Ops/Recurrence.swift.
///
/// Layouts (row-major, one row per batch element): gates [batch, k·hidden] with the k blocks of `hidden`
/// columns in PyTorch's order (LSTM i, f, g, o; GRU r, z, n); states [batch, hidden]. A row is processed
/// one vector of columns at a time, all gates of those columns together (the formulas read as written, and
/// the σ and tanh of the gates are independent chains the CPU overlaps); a row's last block may be shorter
/// and goes through ``PartialLanes``, a separate specialization, so that whole blocks compile to plain vector code.
enum Gates {
    /// One vector of columns (Kernels/Vector.swift).
    typealias V = FloatVector

    // σ and tanh are SIMDMath's, clamped to where they still change, so no special cases remain.

    /// Calls `cell` on every block of columns of every row: (row, first column, block).
    @inline(__always)
    static func forEachBlock(batch: Int, hidden: Int, _ cell: (Int, Int, FullLanes) -> Void, _ lastCell: (Int, Int, PartialLanes) -> Void) {
        let n = V.scalarCount, whole = hidden - hidden % n
        for row in 0..<batch {
            var j = 0
            while j < whole { cell(row, j, FullLanes()); j += n }
            if j < hidden { lastCell(row, j, PartialLanes(count: hidden - j)) }
        }
    }

    // MARK: Elman

    /// h = tanh(z + b) (or relu) for every row of z [batch, hidden]; backward needs only h.
    static func rnnForward(_ z: UnsafePointer<Float>, bias: UnsafePointer<Float>, h: UnsafeMutablePointer<Float>,
                           relu: Bool, batch: Int, hidden: Int) {
        @inline(__always) func cell<L: Lanes>(_ l: L, _ row: Int, _ j: Int) {
            let s = row * hidden + j
            let x = l.load(z + s) + l.load(bias + j)
            l.store(relu ? x.replacing(with: 0, where: x .< 0) : SIMDMath.tanh(x), h + s)
        }
        forEachBlock(batch: batch, hidden: hidden, { cell($2, $0, $1) }, { cell($2, $0, $1) })
    }

    // MARK: LSTM

    /// i = σ(zᵢ), f = σ(z_f), g = tanh(z_g), o = σ(z_o); c = f⊙c₋ + i⊙g; h = o⊙tanh(c), where z is the sum
    /// of `gates` (W_ih·x + W_hh·h₋) and `bias` [4·hidden] (b_ih + b_hh).
    ///
    /// `gates` holds the products on entry and the activations i, f, g, o on return (what the backward
    /// step needs, with c₋ and c).
    static func lstmForward(gates: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, cPrev: UnsafePointer<Float>,
                            c: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>, batch: Int, hidden: Int) {
        @inline(__always) func cell<L: Lanes>(_ l: L, _ row: Int, _ j: Int) {
            let z = gates + row * 4 * hidden + j, b = bias + j, s = row * hidden + j
            let i = SIMDMath.sigmoid(l.load(z) + l.load(b))
            let f = SIMDMath.sigmoid(l.load(z + hidden) + l.load(b + hidden))
            let g = SIMDMath.tanh(l.load(z + 2 * hidden) + l.load(b + 2 * hidden))
            let o = SIMDMath.sigmoid(l.load(z + 3 * hidden) + l.load(b + 3 * hidden))
            let cNew = SIMDMath.fma(f, l.load(cPrev + s), i * g)
            l.store(i, z)
            l.store(f, z + hidden)
            l.store(g, z + 2 * hidden)
            l.store(o, z + 3 * hidden)
            l.store(cNew, c + s)
            l.store(o * SIMDMath.tanh(cNew), h + s)
        }
        forEachBlock(batch: batch, hidden: hidden, { cell($2, $0, $1) }, { cell($2, $0, $1) })
    }

    /// The adjoint of ``lstmForward``. With τ = tanh(c) and dc̃ = dc + dh⊙o⊙(1 − τ²):
    /// dz_o = dh⊙τ⊙o(1 − o), dzᵢ = dc̃⊙g⊙i(1 − i), dz_f = dc̃⊙c₋⊙f(1 − f), dz_g = dc̃⊙i⊙(1 − g²), dc₋ = dc̃⊙f.
    ///
    /// `acts` are the saved activations; `dc` holds the gradient of c on entry and that of c₋ on return.
    /// `dGates` may be `acts`: a block's activations are all read before its gradients are written.
    static func lstmBackward(acts: UnsafePointer<Float>, cPrev: UnsafePointer<Float>, c: UnsafePointer<Float>,
                             dh: UnsafePointer<Float>, dc: UnsafeMutablePointer<Float>, dGates: UnsafeMutablePointer<Float>,
                             batch: Int, hidden: Int) {
        @inline(__always) func cell<L: Lanes>(_ l: L, _ row: Int, _ j: Int) {
            let a = acts + row * 4 * hidden + j, d = dGates + row * 4 * hidden + j, s = row * hidden + j
            let i = l.load(a), f = l.load(a + hidden), g = l.load(a + 2 * hidden), o = l.load(a + 3 * hidden)
            let tau = SIMDMath.tanh(l.load(c + s))
            let dhv = l.load(dh + s)
            let dcTotal = SIMDMath.fma(dhv * o, 1 - tau * tau, l.load(dc + s))
            l.store(dcTotal * g * i * (1 - i), d)
            l.store(dcTotal * l.load(cPrev + s) * f * (1 - f), d + hidden)
            l.store(dcTotal * i * (1 - g * g), d + 2 * hidden)
            l.store(dhv * tau * o * (1 - o), d + 3 * hidden)
            l.store(dcTotal * f, dc + s)
        }
        forEachBlock(batch: batch, hidden: hidden, { cell($2, $0, $1) }, { cell($2, $0, $1) })
    }

    // MARK: GRU

    /// r = σ(aᵣ + bᵣ), z = σ(a_z + b_z), n = tanh(a_n + r⊙b_n), h = (1 − z)⊙n + z⊙h₋, where a = W_ih·x + b_ih
    /// and b = W_hh·h₋ + b_hh: the reset gate multiplies the hidden projection, as PyTorch.
    ///
    /// `gi` and `gh` hold the products W_ih·x and W_hh·h₋ on entry; `bias` [4·hidden] holds the biases as
    /// (b_ih + b_hh for r and z, b_in, b_hn). On return `gi` holds the activations r, z, n and the n block
    /// of `gh` holds b_n (with its bias), what the backward step needs.
    static func gruForward(gi: UnsafeMutablePointer<Float>, gh: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>,
                           hPrev: UnsafePointer<Float>, h: UnsafeMutablePointer<Float>, batch: Int, hidden: Int) {
        @inline(__always) func cell<L: Lanes>(_ l: L, _ row: Int, _ j: Int) {
            let a = gi + row * 3 * hidden + j, b = gh + row * 3 * hidden + j, bias = bias + j, s = row * hidden + j
            let r = SIMDMath.sigmoid(l.load(a) + l.load(b) + l.load(bias))
            let z = SIMDMath.sigmoid(l.load(a + hidden) + l.load(b + hidden) + l.load(bias + hidden))
            let bn = l.load(b + 2 * hidden) + l.load(bias + 3 * hidden)
            let n = SIMDMath.tanh(SIMDMath.fma(r, bn, l.load(a + 2 * hidden) + l.load(bias + 2 * hidden)))
            l.store(r, a)
            l.store(z, a + hidden)
            l.store(n, a + 2 * hidden)
            l.store(bn, b + 2 * hidden)
            l.store(SIMDMath.fma(z, l.load(hPrev + s) - n, n), h + s)
        }
        forEachBlock(batch: batch, hidden: hidden, { cell($2, $0, $1) }, { cell($2, $0, $1) })
    }

    /// The adjoint of ``gruForward``. With dñ = dh⊙(1 − z)⊙(1 − n²): da_n = dñ, db_n = dñ⊙r,
    /// daᵣ = dbᵣ = dñ⊙b_n⊙r(1 − r), da_z = db_z = dh⊙(h₋ − n)⊙z(1 − z), and the direct part of dh₋ = dh⊙z
    /// (written to `dhPrev`; the caller adds db·W_hh). `dGi` and `dGh` may be `acts` and `gh` (in place).
    static func gruBackward(acts: UnsafePointer<Float>, gh: UnsafePointer<Float>, hPrev: UnsafePointer<Float>,
                            dh: UnsafePointer<Float>, dGi: UnsafeMutablePointer<Float>, dGh: UnsafeMutablePointer<Float>,
                            dhPrev: UnsafeMutablePointer<Float>, batch: Int, hidden: Int) {
        @inline(__always) func cell<L: Lanes>(_ l: L, _ row: Int, _ j: Int) {
            let a = acts + row * 3 * hidden + j, b = gh + row * 3 * hidden + j, s = row * hidden + j
            let da = dGi + row * 3 * hidden + j, db = dGh + row * 3 * hidden + j
            let r = l.load(a), z = l.load(a + hidden), n = l.load(a + 2 * hidden)
            let dhv = l.load(dh + s)
            let dn = dhv * (1 - z) * (1 - n * n)
            let dr = dn * l.load(b + 2 * hidden) * r * (1 - r)
            let dz = dhv * (l.load(hPrev + s) - n) * z * (1 - z)
            l.store(dr, da)
            l.store(dz, da + hidden)
            l.store(dn, da + 2 * hidden)
            l.store(dr, db)
            l.store(dz, db + hidden)
            l.store(dn * r, db + 2 * hidden)
            l.store(dhv * z, dhPrev + s)
        }
        forEachBlock(batch: batch, hidden: hidden, { cell($2, $0, $1) }, { cell($2, $0, $1) })
    }
}
