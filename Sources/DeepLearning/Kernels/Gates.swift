/// The gate arithmetic of LSTM and GRU cells for one time step, fused: one pass over the batch turns the
/// gates' pre-activations into the new state, and one pass turns the state's gradient back into the
/// gradients of the pre-activations. The matrix products around them are GEMMs (see Ops/Recurrence.swift).
///
/// Layouts (row-major, one row per batch element): gates [batch, k·hidden] with the k blocks of `hidden`
/// columns in PyTorch's order (LSTM i, f, g, o; GRU r, z, n); states [batch, hidden]. Rows are processed 8
/// columns at a time; a row's last block may be shorter and goes through a zero-padded vector.
enum Gates {
    typealias V = SIMD8<Float>

    @inline(__always) static func load(_ p: UnsafePointer<Float>, _ w: Int) -> V {
        w == 8 ? V.load(p) : Loops.loadPartial(p, w)
    }

    @inline(__always) static func store(_ v: V, _ p: UnsafeMutablePointer<Float>, _ w: Int) {
        if w == 8 { v.store(p) } else { Loops.storePartial(v, p, w) }
    }

    // MARK: LSTM

    /// i = σ(zᵢ), f = σ(z_f), g = tanh(z_g), o = σ(z_o); c = f⊙c₋ + i⊙g; h = o⊙tanh(c).
    ///
    /// `gates` holds the pre-activations z on entry and the activations i, f, g, o on return (what the
    /// backward step needs, with c₋ and c).
    static func lstmForward(gates: UnsafeMutablePointer<Float>, cPrev: UnsafePointer<Float>,
                            c: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>, batch: Int, hidden: Int) {
        for r in 0..<batch {
            let z = gates + r * 4 * hidden, s = r * hidden
            var j = 0
            while j < hidden {
                let w = Swift.min(8, hidden - j)
                let i = SIMDMath.sigmoid(load(z + j, w))
                let f = SIMDMath.sigmoid(load(z + hidden + j, w))
                let g = SIMDMath.tanh(load(z + 2 * hidden + j, w))
                let o = SIMDMath.sigmoid(load(z + 3 * hidden + j, w))
                let cNew = f * load(cPrev + s + j, w) + i * g
                store(i, z + j, w)
                store(f, z + hidden + j, w)
                store(g, z + 2 * hidden + j, w)
                store(o, z + 3 * hidden + j, w)
                store(cNew, c + s + j, w)
                store(o * SIMDMath.tanh(cNew), h + s + j, w)
                j += w
            }
        }
    }

    /// The adjoint of ``lstmForward``. With τ = tanh(c) and dc̃ = dc + dh⊙o⊙(1 − τ²):
    /// dz_o = dh⊙τ⊙o(1 − o), dzᵢ = dc̃⊙g⊙i(1 − i), dz_f = dc̃⊙c₋⊙f(1 − f), dz_g = dc̃⊙i⊙(1 − g²), dc₋ = dc̃⊙f.
    ///
    /// `acts` are the saved activations; `dc` holds the gradient of c on entry and that of c₋ on return.
    static func lstmBackward(acts: UnsafePointer<Float>, cPrev: UnsafePointer<Float>, c: UnsafePointer<Float>,
                             dh: UnsafePointer<Float>, dc: UnsafeMutablePointer<Float>, dGates: UnsafeMutablePointer<Float>,
                             batch: Int, hidden: Int) {
        for r in 0..<batch {
            let a = acts + r * 4 * hidden, d = dGates + r * 4 * hidden, s = r * hidden
            var j = 0
            while j < hidden {
                let w = Swift.min(8, hidden - j)
                let i = load(a + j, w), f = load(a + hidden + j, w)
                let g = load(a + 2 * hidden + j, w), o = load(a + 3 * hidden + j, w)
                let tau = SIMDMath.tanh(load(c + s + j, w))
                let dhv = load(dh + s + j, w)
                let dcTotal = load(dc + s + j, w) + dhv * o * (1 - tau * tau)
                store(dcTotal * g * i * (1 - i), d + j, w)
                store(dcTotal * load(cPrev + s + j, w) * f * (1 - f), d + hidden + j, w)
                store(dcTotal * i * (1 - g * g), d + 2 * hidden + j, w)
                store(dhv * tau * o * (1 - o), d + 3 * hidden + j, w)
                store(dcTotal * f, dc + s + j, w)
                j += w
            }
        }
    }

    // MARK: GRU

    /// r = σ(aᵣ + bᵣ), z = σ(a_z + b_z), n = tanh(a_n + r⊙b_n), h = (1 − z)⊙n + z⊙h₋, where a = W_ih·x + b_ih
    /// (`gi`) and b = W_hh·h₋ + b_hh (`gh`): the reset gate multiplies the hidden projection, as PyTorch.
    ///
    /// `gi` holds a on entry and the activations r, z, n on return; `gh` is left as is (the backward step
    /// needs b_n).
    static func gruForward(gi: UnsafeMutablePointer<Float>, gh: UnsafePointer<Float>, hPrev: UnsafePointer<Float>,
                           h: UnsafeMutablePointer<Float>, batch: Int, hidden: Int) {
        for row in 0..<batch {
            let a = gi + row * 3 * hidden, b = gh + row * 3 * hidden, s = row * hidden
            var j = 0
            while j < hidden {
                let w = Swift.min(8, hidden - j)
                let r = SIMDMath.sigmoid(load(a + j, w) + load(b + j, w))
                let z = SIMDMath.sigmoid(load(a + hidden + j, w) + load(b + hidden + j, w))
                let n = SIMDMath.tanh(load(a + 2 * hidden + j, w) + r * load(b + 2 * hidden + j, w))
                store(r, a + j, w)
                store(z, a + hidden + j, w)
                store(n, a + 2 * hidden + j, w)
                store(n + z * (load(hPrev + s + j, w) - n), h + s + j, w)
                j += w
            }
        }
    }

    /// The adjoint of ``gruForward``. With dñ = dh⊙(1 − z)⊙(1 − n²): da_n = dñ, db_n = dñ⊙r,
    /// daᵣ = dbᵣ = dñ⊙b_n⊙r(1 − r), da_z = db_z = dh⊙(h₋ − n)⊙z(1 − z), and the direct part of dh₋ = dh⊙z
    /// (written to `dhPrev`; the caller adds db·W_hh).
    static func gruBackward(acts: UnsafePointer<Float>, gh: UnsafePointer<Float>, hPrev: UnsafePointer<Float>,
                            dh: UnsafePointer<Float>, dGi: UnsafeMutablePointer<Float>, dGh: UnsafeMutablePointer<Float>,
                            dhPrev: UnsafeMutablePointer<Float>, batch: Int, hidden: Int) {
        for row in 0..<batch {
            let a = acts + row * 3 * hidden, b = gh + row * 3 * hidden, s = row * hidden
            let da = dGi + row * 3 * hidden, db = dGh + row * 3 * hidden
            var j = 0
            while j < hidden {
                let w = Swift.min(8, hidden - j)
                let r = load(a + j, w), z = load(a + hidden + j, w), n = load(a + 2 * hidden + j, w)
                let dhv = load(dh + s + j, w)
                let dn = dhv * (1 - z) * (1 - n * n)
                let dr = dn * load(b + 2 * hidden + j, w) * r * (1 - r)
                let dz = dhv * (load(hPrev + s + j, w) - n) * z * (1 - z)
                store(dr, da + j, w)
                store(dz, da + hidden + j, w)
                store(dn, da + 2 * hidden + j, w)
                store(dr, db + j, w)
                store(dz, db + hidden + j, w)
                store(dn * r, db + 2 * hidden + j, w)
                store(dhv * z, dhPrev + s + j, w)
                j += w
            }
        }
    }
}
