/// The gate arithmetic of LSTM and GRU cells for one time step, fused: one pass over the batch turns the
/// gates' pre-activations into the new state, and one pass turns the state's gradient back into the
/// gradients of the pre-activations. The matrix products around them are GEMMs (see Ops/Recurrence.swift).
///
/// Layouts (row-major, one row per batch element): gates [batch, k·hidden] with the k blocks of `hidden`
/// columns in PyTorch's order (LSTM i, f, g, o; GRU r, z, n); states [batch, hidden]. Rows are processed 8
/// columns at a time; a row's last block may be shorter and goes through ``PartialLanes``, a separate
/// specialization, so that the full blocks compile to plain vector code.
enum Gates {
    typealias V = SIMD8<Float>

    // MARK: Activations
    //
    // σ and tanh from one shared core, leaner than the general SIMDMath functions (which handle ±∞ and
    // NaN and the whole float range): the argument is clamped to where the result is still changing, so
    // no special cases remain. eʸ = 2ⁿ·eʳ with n = round(y/ln 2) and |r| ≤ ln 2/2 (Cody–Waite), and
    // eʳ = 1 + r + r²·q(r) with the Cephes expf polynomial q. Keeping "r + r²·q" apart gives eʸ − 1
    // without cancellation near 0, so tanh keeps its relative accuracy for small arguments. Relative
    // error ≈ 2e-7 for both.

    /// (2ⁿ, eʳ − 1) with eʸ = 2ⁿ·(1 + (eʳ − 1)), for y in [−87, 87].
    @inline(__always) static func expParts(_ y: V) -> (scale: V, fraction: V) {
        let magic: Float = 12_582_912  // 1.5·2²³: adding it rounds to an integer
        let t = y * 1.442_695_04 + magic
        let n = t - magic
        let r = y - n * 0.693_359_375 + n * 2.121_944_4e-4
        var q = V(repeating: 1.987_569_15e-4) * r + 1.398_199_95e-3
        q = q * r + 8.333_451_9e-3
        q = q * r + 4.166_579_59e-2
        q = q * r + 1.666_666_55e-1
        q = q * r + 5.000_000_12e-1
        let exponent = SIMDMath.bits(t) &- Int32(bitPattern: magic.bitPattern)
        return (SIMDMath.float((exponent &+ 127) &<< 23), q * (r * r) + r)
    }

    /// σ(x) = 1 / (1 + e⁻ˣ); x is clamped to ±80, where σ is 0 or 1 to float precision.
    @inline(__always) static func sigmoid(_ x: V) -> V {
        var y = -x
        y = y.replacing(with: 80, where: y .> 80)
        y = y.replacing(with: -80, where: y .< -80)
        let (scale, fraction) = expParts(y)
        return 1 / (1 + scale + scale * fraction)
    }

    /// tanh x = sign(x)·(e²ᵃ − 1)/(e²ᵃ + 1) with a = min(|x|, 9) (tanh 9 is 1 to float precision).
    @inline(__always) static func tanh(_ x: V) -> V {
        var a = SIMDMath.abs(x)
        a = a.replacing(with: 9, where: a .> 9)
        let (scale, fraction) = expParts(a + a)
        let em1 = scale * fraction + (scale - 1)
        let t = em1 / (em1 + 2)
        return SIMDMath.float(SIMDMath.bits(t) | (SIMDMath.bits(x) & Int32(bitPattern: 0x8000_0000)))
    }

    /// p[0..<n] = σ(p[0..<n] + bias[0..<n]) in place.
    static func sigmoidInPlace(_ p: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, _ n: Int) {
        var j = 0
        while j + 8 <= n { sigmoid(V.load(p + j) + V.load(bias + j)).store(p + j); j += 8 }
        if j < n { let l = PartialLanes(count: n - j); l.store(sigmoid(l.load(p + j) + l.load(bias + j)), p + j) }
    }

    /// p[0..<n] = tanh(p[0..<n] + bias[0..<n]) in place.
    static func tanhInPlace(_ p: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, _ n: Int) {
        var j = 0
        while j + 8 <= n { tanh(V.load(p + j) + V.load(bias + j)).store(p + j); j += 8 }
        if j < n { let l = PartialLanes(count: n - j); l.store(tanh(l.load(p + j) + l.load(bias + j)), p + j) }
    }

    // MARK: Elman

    /// h = tanh(z + b) (or relu) for every row of z [batch, hidden]; backward needs only h.
    static func rnnForward(_ z: UnsafePointer<Float>, bias: UnsafePointer<Float>, h: UnsafeMutablePointer<Float>,
                           relu: Bool, batch: Int, hidden: Int) {
        for row in 0..<batch {
            let s = row * hidden
            if relu {
                Loops.zip(BiasReLU(), z + s, 1, bias, 1, h + s, hidden)
            } else {
                Loops.zip(BiasTanh(), z + s, 1, bias, 1, h + s, hidden)
            }
        }
    }

    // MARK: LSTM

    /// i = σ(zᵢ), f = σ(z_f), g = tanh(z_g), o = σ(z_o); c = f⊙c₋ + i⊙g; h = o⊙tanh(c), where z is the sum
    /// of `gates` (W_ih·x + W_hh·h₋) and `bias` [4·hidden] (b_ih + b_hh).
    ///
    /// `gates` holds the products on entry and the activations i, f, g, o on return (what the backward
    /// step needs, with c₋ and c). The activations of a row are computed first, block by block (short,
    /// independent iterations pipeline better than one long body), then the state.
    static func lstmForward(gates: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, cPrev: UnsafePointer<Float>,
                            c: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>, batch: Int, hidden: Int) {
        for row in 0..<batch {
            let z = gates + row * 4 * hidden, s = row * hidden
            sigmoidInPlace(z, bias: bias, 2 * hidden)
            tanhInPlace(z + 2 * hidden, bias: bias + 2 * hidden, hidden)
            sigmoidInPlace(z + 3 * hidden, bias: bias + 3 * hidden, hidden)
            var j = 0
            while j + 8 <= hidden {
                lstmCell(FullLanes(), z + j, cPrev + s + j, c + s + j, h + s + j, hidden)
                j += 8
            }
            if j < hidden { lstmCell(PartialLanes(count: hidden - j), z + j, cPrev + s + j, c + s + j, h + s + j, hidden) }
        }
    }

    @inline(__always) static func lstmCell<L: Lanes>(_ l: L, _ a: UnsafePointer<Float>, _ cPrev: UnsafePointer<Float>,
                                                     _ c: UnsafeMutablePointer<Float>, _ h: UnsafeMutablePointer<Float>,
                                                     _ hidden: Int) {
        let cNew = l.load(a + hidden) * l.load(cPrev) + l.load(a) * l.load(a + 2 * hidden)
        l.store(cNew, c)
        l.store(l.load(a + 3 * hidden) * tanh(cNew), h)
    }

    /// The adjoint of ``lstmForward``. With τ = tanh(c) and dc̃ = dc + dh⊙o⊙(1 − τ²):
    /// dz_o = dh⊙τ⊙o(1 − o), dzᵢ = dc̃⊙g⊙i(1 − i), dz_f = dc̃⊙c₋⊙f(1 − f), dz_g = dc̃⊙i⊙(1 − g²), dc₋ = dc̃⊙f.
    ///
    /// `acts` are the saved activations; `dc` holds the gradient of c on entry and that of c₋ on return.
    static func lstmBackward(acts: UnsafePointer<Float>, cPrev: UnsafePointer<Float>, c: UnsafePointer<Float>,
                             dh: UnsafePointer<Float>, dc: UnsafeMutablePointer<Float>, dGates: UnsafeMutablePointer<Float>,
                             batch: Int, hidden: Int) {
        for row in 0..<batch {
            let a = acts + row * 4 * hidden, d = dGates + row * 4 * hidden, s = row * hidden
            var j = 0
            while j + 8 <= hidden {
                lstmCellBackward(FullLanes(), a + j, cPrev + s + j, c + s + j, dh + s + j, dc + s + j, d + j, hidden)
                j += 8
            }
            if j < hidden {
                lstmCellBackward(PartialLanes(count: hidden - j), a + j, cPrev + s + j, c + s + j, dh + s + j, dc + s + j, d + j, hidden)
            }
        }
    }

    @inline(__always) static func lstmCellBackward<L: Lanes>(_ l: L, _ a: UnsafePointer<Float>, _ cPrev: UnsafePointer<Float>,
                                                             _ c: UnsafePointer<Float>, _ dh: UnsafePointer<Float>,
                                                             _ dc: UnsafeMutablePointer<Float>, _ d: UnsafeMutablePointer<Float>,
                                                             _ hidden: Int) {
        let i = l.load(a), f = l.load(a + hidden), g = l.load(a + 2 * hidden), o = l.load(a + 3 * hidden)
        let tau = tanh(l.load(c))
        let dhv = l.load(dh)
        let dcTotal = l.load(dc) + dhv * o * (1 - tau * tau)
        l.store(dcTotal * g * i * (1 - i), d)
        l.store(dcTotal * l.load(cPrev) * f * (1 - f), d + hidden)
        l.store(dcTotal * i * (1 - g * g), d + 2 * hidden)
        l.store(dhv * tau * o * (1 - o), d + 3 * hidden)
        l.store(dcTotal * f, dc)
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
        for row in 0..<batch {
            let a = gi + row * 3 * hidden, b = gh + row * 3 * hidden, s = row * hidden
            Loops.zip(AddKernel(), a, 1, b, 1, a, 2 * hidden)
            sigmoidInPlace(a, bias: bias, 2 * hidden)
            var j = 0
            while j + 8 <= hidden {
                gruCell(FullLanes(), a + j, b + j, bias + j, hPrev + s + j, h + s + j, hidden)
                j += 8
            }
            if j < hidden { gruCell(PartialLanes(count: hidden - j), a + j, b + j, bias + j, hPrev + s + j, h + s + j, hidden) }
        }
    }

    @inline(__always) static func gruCell<L: Lanes>(_ l: L, _ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>,
                                                    _ bias: UnsafePointer<Float>, _ hPrev: UnsafePointer<Float>,
                                                    _ h: UnsafeMutablePointer<Float>, _ hidden: Int) {
        let bn = l.load(b + 2 * hidden) + l.load(bias + 3 * hidden)
        let n = tanh(l.load(a + 2 * hidden) + l.load(bias + 2 * hidden) + l.load(a) * bn)
        l.store(bn, b + 2 * hidden)
        l.store(n, a + 2 * hidden)
        l.store(n + l.load(a + hidden) * (l.load(hPrev) - n), h)
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
            while j + 8 <= hidden {
                gruCellBackward(FullLanes(), a + j, b + j, hPrev + s + j, dh + s + j, da + j, db + j, dhPrev + s + j, hidden)
                j += 8
            }
            if j < hidden {
                gruCellBackward(PartialLanes(count: hidden - j), a + j, b + j, hPrev + s + j, dh + s + j, da + j, db + j,
                                dhPrev + s + j, hidden)
            }
        }
    }

    @inline(__always) static func gruCellBackward<L: Lanes>(_ l: L, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                                            _ hPrev: UnsafePointer<Float>, _ dh: UnsafePointer<Float>,
                                                            _ da: UnsafeMutablePointer<Float>, _ db: UnsafeMutablePointer<Float>,
                                                            _ dhPrev: UnsafeMutablePointer<Float>, _ hidden: Int) {
        let r = l.load(a), z = l.load(a + hidden), n = l.load(a + 2 * hidden)
        let dhv = l.load(dh)
        let dn = dhv * (1 - z) * (1 - n * n)
        let dr = dn * l.load(b + 2 * hidden) * r * (1 - r)
        let dz = dhv * (l.load(hPrev) - n) * z * (1 - z)
        l.store(dr, da)
        l.store(dz, da + hidden)
        l.store(dn, da + 2 * hidden)
        l.store(dr, db)
        l.store(dz, db + hidden)
        l.store(dn * r, db + 2 * hidden)
        l.store(dhv * z, dhPrev)
    }
}

/// tanh(a + b), for an Elman cell's pre-activation and bias.
struct BiasTanh: BinaryKernel { @inline(__always) func apply(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { Gates.tanh(a + b) } }

/// max(a + b, 0).
struct BiasReLU: BinaryKernel {
    @inline(__always) func apply(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        let x = a + b
        return x.replacing(with: 0, where: x .< 0)
    }
}

