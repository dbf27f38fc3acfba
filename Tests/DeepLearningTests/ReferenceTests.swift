import Testing
@testable import DeepLearning

/// Every fused or fast path against its composed reference (Sources: `Reference`), on random shapes from a
/// seeded generator: the outputs, and the gradients of every input and parameter of Σ outputs ⊙ r for fixed
/// random r. The optimizers: several steps of each against its tensor-op formula.
@Suite struct ReferenceTests {
    /// Runs `fused` and `reference` on fresh leaves holding `inputs` and compares outputs and gradients.
    static func expectSame(_ what: String, _ inputs: [Tensor], rtol: Float = 1e-4, atol: Float = 1e-5,
                           sourceLocation: SourceLocation = #_sourceLocation,
                           fused: ([Tensor]) -> [Tensor], reference: ([Tensor]) -> [Tensor]) {
        func run(_ f: ([Tensor]) -> [Tensor]) -> (outputs: [Tensor], grads: [Tensor?]) {
            let leaves = inputs.map { Tensor(copying: $0).requiringGrad() }
            let outputs = f(leaves)
            var total = Tensor(0)
            for (k, y) in outputs.enumerated() { total = total + (y * Tensor.randn(y.shape, seed: 100 + UInt64(k))).sum() }
            total.backward()
            return (outputs.map { $0.detached() }, leaves.map(\.grad))
        }
        let (fy, fg) = run(fused), (ry, rg) = run(reference)
        #expect(fy.count == ry.count, "\(what): \(fy.count) outputs, reference \(ry.count)", sourceLocation: sourceLocation)
        for (k, (a, b)) in zip(fy, ry).enumerated() {
            expectClose(a, b, rtol: rtol, atol: atol, "\(what): output \(k)", sourceLocation: sourceLocation)
        }
        for (k, (a, b)) in zip(fg, rg).enumerated() {
            guard let b else { Issue.record("\(what): reference has no gradient for input \(k)", sourceLocation: sourceLocation); continue }
            expectClose(a, b, rtol: rtol, atol: atol, "\(what): gradient of input \(k)", sourceLocation: sourceLocation)
        }
    }

    /// A random size in `range` from `g`.
    static func size(_ range: ClosedRange<Int>, _ g: inout RandomGenerator) -> Int {
        range.lowerBound + Int(Tensor.rand([], using: &g).item * Float(range.count)) % range.count
    }

    @Test(arguments: [1, 2, 3]) func linear(seed: UInt64) {
        var g = RandomGenerator(seed: seed)
        let (n, i, o) = (Self.size(1...9, &g), Self.size(1...20, &g), Self.size(1...17, &g))
        let lead = seed == 3 ? [2, n] : [n]  // a batched input [..., in] too
        let inputs = [Tensor.randn(lead + [i], using: &g), Tensor.randn([o, i], using: &g), Tensor.randn([o], using: &g)]
        Self.expectSame("linear \(lead + [i]) → \(o)", inputs,
                        fused: { [DeepLearning.linear($0[0], weight: $0[1], bias: $0[2])] },
                        reference: { [Reference.linear($0[0], weight: $0[1], bias: $0[2])] })
        Self.expectSame("linear without bias", Array(inputs.prefix(2)),
                        fused: { [DeepLearning.linear($0[0], weight: $0[1])] },
                        reference: { [Reference.linear($0[0], weight: $0[1])] })
    }

    /// An activation fused into linear's product (a Transformer's feed-forward block) against `linear` then
    /// `.relu()` / `.gelu()`: outputs and gradients bit for bit. [1024, 128] → 512 is split by rows across
    /// cores (the activation runs per block of rows), [64, 256] → 1024 by columns (it runs over all rows after
    /// the product), the rest is one BLAS call; with ∂x and ∂W, the two products run side by side on two
    /// cores; the ReLU input holds NaN and −0.
    struct Fused: Sendable, CustomTestStringConvertible {
        let shape: [Int], outFeatures: Int, activation: TransformerActivation, bias: Bool, inputGrad: Bool
        var testDescription: String { "\(shape) → \(outFeatures) \(activation) bias \(bias) ∂x \(inputGrad)" }
    }

    @Test(arguments: [Fused(shape: [1024, 128], outFeatures: 512, activation: .relu, bias: true, inputGrad: true),
                      Fused(shape: [1024, 128], outFeatures: 512, activation: .gelu, bias: true, inputGrad: true),
                      Fused(shape: [1024, 128], outFeatures: 512, activation: .relu, bias: false, inputGrad: false),
                      Fused(shape: [64, 256], outFeatures: 1024, activation: .relu, bias: true, inputGrad: true),
                      Fused(shape: [3, 30, 64], outFeatures: 96, activation: .gelu, bias: false, inputGrad: true),
                      Fused(shape: [7, 5], outFeatures: 3, activation: .relu, bias: true, inputGrad: true),
                      Fused(shape: [0, 5], outFeatures: 3, activation: .gelu, bias: true, inputGrad: true)])
    func linearActivation(_ c: Fused) {
        var g = RandomGenerator(seed: UInt64(c.shape.reduce(c.outFeatures, *) % 1000))
        let inFeatures = c.shape.last!
        var x = Tensor.randn(c.shape, using: &g)
        if c.activation == .relu && x.count > 2 * inFeatures {  // a NaN row, and a zero row (z = b or −0 without)
            var s = x.scalars
            for j in 0..<inFeatures { (s[j], s[inFeatures + j]) = (.nan, -0.0) }
            x = Tensor(s, shape: c.shape)
        }
        let weight = Tensor.randn([c.outFeatures, inFeatures], using: &g), bias = Tensor.randn([c.outFeatures], using: &g)
        let r = Tensor.randn(Array(c.shape.dropLast()) + [c.outFeatures], using: &g)
        func run(_ fused: Bool) -> [[UInt32]] {
            let leaves = [c.inputGrad ? Tensor(copying: x).requiringGrad() : x, Tensor(copying: weight).requiringGrad(),
                          Tensor(copying: bias).requiringGrad()]
            let b = c.bias ? leaves[2] : nil
            let y = fused ? DeepLearning.linear(leaves[0], weight: leaves[1], bias: b, activation: c.activation)
                          : (c.activation == .relu ? DeepLearning.linear(leaves[0], weight: leaves[1], bias: b).relu()
                                                   : DeepLearning.linear(leaves[0], weight: leaves[1], bias: b).gelu())
            (y * r).sum().backward()
            let grads = (c.inputGrad ? [leaves[0]] : []) + [leaves[1]] + (c.bias ? [leaves[2]] : [])
            return [y.scalars.map(\.bitPattern)] + grads.map { ($0.grad?.scalars ?? [.infinity]).map(\.bitPattern) }
        }
        let fused = run(true), composed = run(false)
        #expect(fused.count == composed.count)
        for (k, (a, b)) in zip(fused, composed).enumerated() {
            let same = a == b  // (not the arrays: they would fill the log)
            #expect(same, "\(c.testDescription): \(k == 0 ? "output" : "gradient \(k)") differs from the composed ops")
        }
        if c.activation == .relu && x.count > 2 * inFeatures {
            #expect(fused[0].prefix(c.outFeatures).allSatisfy { Float(bitPattern: $0).isNaN }, "a NaN row stays NaN through ReLU")
        }
    }

    /// (stride, padding, dilation, groups) per case, on random sizes.
    @Test(arguments: [(1, 0, 1, 1), (2, 1, 1, 1), (1, 2, 2, 1), (2, 1, 1, 2), (1, 1, 1, 4)])
    func conv2d(_ options: (Int, Int, Int, Int)) {
        let (s, p, d, groups) = options
        var g = RandomGenerator(seed: UInt64(11 + s + 3 * p + 5 * d + 7 * groups))
        let (n, cg, og) = (Self.size(1...3, &g), Self.size(1...3, &g), Self.size(1...3, &g))
        let (kh, kw) = (Self.size(1...3, &g), Self.size(1...3, &g))
        let (h, w) = (Self.size(d * (kh - 1) + 1...9, &g), Self.size(d * (kw - 1) + 1...9, &g))
        let inputs = [Tensor.randn([n, cg * groups, h, w], using: &g), Tensor.randn([og * groups, cg, kh, kw], using: &g),
                      Tensor.randn([og * groups], using: &g)]
        Self.expectSame("conv2d x \(inputs[0].shape) w \(inputs[1].shape) s\(s) p\(p) d\(d) g\(groups)", inputs,
                        fused: { [DeepLearning.conv2d($0[0], weight: $0[1], bias: $0[2], stride: (s, s), padding: (p, p),
                                                      dilation: (d, d), groups: groups)] },
                        reference: { [Reference.conv2d($0[0], weight: $0[1], bias: $0[2], stride: (s, s), padding: (p, p),
                                                       dilation: (d, d), groups: groups)] })
    }

    /// The direct stride-1 kernels (Kernels/DirectConvolution.swift) and the im2col path beside them, on the
    /// channel counts and sizes where the two meet: (N, C, O, kh, kw, stride, padding, dilation, H, W).
    @Test(arguments: [
        (2, 3, 16, 3, 3, 1, 1, 1, 11, 13), (3, 16, 16, 3, 3, 1, 1, 1, 9, 7), (2, 17, 17, 3, 3, 1, 0, 1, 8, 10),
        (1, 1, 1, 3, 3, 1, 1, 1, 5, 6), (2, 64, 64, 3, 3, 1, 1, 1, 6, 5), (2, 16, 3, 5, 5, 1, 2, 1, 9, 9),
        (2, 3, 17, 3, 3, 2, 1, 1, 9, 11), (2, 16, 16, 3, 3, 2, 0, 1, 8, 8), (2, 16, 16, 3, 3, 1, 2, 2, 10, 9),
        (3, 16, 16, 3, 3, 1, 2, 1, 7, 7), (2, 5, 9, 3, 1, 1, 1, 1, 6, 4), (2, 17, 16, 1, 1, 1, 0, 1, 5, 5),
        (5, 16, 16, 3, 3, 1, 1, 1, 32, 32), (2, 64, 17, 3, 3, 1, 1, 1, 8, 8),
    ])
    func conv2dChannels(_ shape: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int)) {
        let (n, c, o, kh, kw, s, p, d, h, w) = shape
        var g = RandomGenerator(seed: UInt64(n * 7 + c * 3 + o + kh * 11 + p * 5 + h))
        let inputs = [Tensor.randn([n, c, h, w], using: &g), Tensor.randn([o, c, kh, kw], using: &g), Tensor.randn([o], using: &g)]
        let padding = (kh == kw ? p : (kh - 1) / 2 * p, kh == kw ? p : (kw - 1) / 2 * p)
        Self.expectSame("conv2d x \(inputs[0].shape) w \(inputs[1].shape) s\(s) p\(padding) d\(d)", inputs, atol: 1e-4,
                        fused: { [DeepLearning.conv2d($0[0], weight: $0[1], bias: $0[2], stride: (s, s), padding: padding,
                                                      dilation: (d, d))] },
                        reference: { [Reference.conv2d($0[0], weight: $0[1], bias: $0[2], stride: (s, s), padding: padding,
                                                       dilation: (d, d))] })
    }

    @Test(arguments: [[5, 3], [4, 2, 7], [2, 3, 4, 5]])
    func batchNorm(shape: [Int]) {
        var g = RandomGenerator(seed: UInt64(shape.reduce(0, +)))
        let c = shape[1]
        let inputs = [Tensor.randn(shape, using: &g) * 2 + 1, Tensor.randn([c], using: &g), Tensor.randn([c], using: &g)]
        // Training, updating running statistics: the outputs, the gradients and the new statistics agree.
        let running = (0..<2).map { _ in (Tensor.randn([c], using: &g), Tensor.rand([c], using: &g) + 0.5) }
        let stats = running.map { (Tensor(copying: $0.0), Tensor(copying: $0.1)) }
        let stats2 = running.map { (Tensor(copying: $0.0), Tensor(copying: $0.1)) }
        Self.expectSame("batchNorm training \(shape)", inputs,
                        fused: { [DeepLearning.batchNorm($0[0], runningMean: stats[0].0, runningVar: stats[0].1, weight: $0[1],
                                                         bias: $0[2], training: true, momentum: 0.3)] },
                        reference: { [Reference.batchNorm($0[0], runningMean: stats2[0].0, runningVar: stats2[0].1, weight: $0[1],
                                                          bias: $0[2], training: true, momentum: 0.3)] })
        expectClose(stats[0].0, stats2[0].0, rtol: 1e-4, atol: 1e-5, "batchNorm running mean")
        expectClose(stats[0].1, stats2[0].1, rtol: 1e-4, atol: 1e-5, "batchNorm running variance")
        // Evaluation with running statistics.
        Self.expectSame("batchNorm eval \(shape)", inputs,
                        fused: { [DeepLearning.batchNorm($0[0], runningMean: stats[1].0, runningVar: stats[1].1, weight: $0[1],
                                                         bias: $0[2])] },
                        reference: { [Reference.batchNorm($0[0], runningMean: stats[1].0, runningVar: stats[1].1, weight: $0[1],
                                                          bias: $0[2])] })
        // No affine parameters, batch statistics only.
        Self.expectSame("batchNorm plain \(shape)", [inputs[0]],
                        fused: { [DeepLearning.batchNorm($0[0], runningMean: nil, runningVar: nil, training: true)] },
                        reference: { [Reference.batchNorm($0[0], runningMean: nil, runningVar: nil, training: true)] })
    }

    /// Self-attention over packed projections (MultiheadAttention's fast path: heads split and merged in
    /// place, one gradient for the packed [.., .., 3E]) against the split–attend–merge of public ops, in both
    /// layouts, with no mask, a causal mask, an additive [L, L] mask and a key-padding mask [N, 1, 1, L];
    /// a noncontiguous qkv too; with dropout, both sides drawing the same mask.
    @Test(arguments: [false, true])
    func packedSelfAttention(batchFirst: Bool) {
        var g = RandomGenerator(seed: batchFirst ? 11 : 12)
        let (n, l, heads, d) = (Self.size(1...3, &g), Self.size(1...7, &g), Self.size(1...3, &g), Self.size(1...5, &g))
        let e = heads * d
        let qkv = Tensor.randn(batchFirst ? [n, l, 3 * e] : [l, n, 3 * e], using: &g)
        let padding = Tensor((0..<(n * l)).map { Float($0 % l == l - 1 && $0 > l ? 1 : 0) }, shape: [n, 1, 1, l])
        let masks: [(String, AttentionMask?, Bool)] = [("none", nil, false), ("causal", nil, true),
                                                       ("additive", .additive(Tensor.randn([l, l], using: &g)), false),
                                                       ("padding", .blocked(padding), false)]
        for (name, mask, causal) in masks {
            Self.expectSame("packedSelfAttention n \(n) l \(l) heads \(heads) d \(d) batchFirst \(batchFirst) mask \(name)", [qkv],
                            fused: { [DeepLearning.packedSelfAttention($0[0], heads: heads, batchFirst: batchFirst, attentionMask: mask,
                                                                       isCausal: causal, dropoutP: 0)] },
                            reference: { [Reference.packedSelfAttention($0[0], heads: heads, batchFirst: batchFirst,
                                                                        attentionMask: mask, isCausal: causal)] })
        }
        Self.expectSame("packedSelfAttention of a transposed qkv", [qkv.transposed(0, 1)],
                        fused: { [DeepLearning.packedSelfAttention($0[0].transposed(0, 1), heads: heads, batchFirst: batchFirst,
                                                                   attentionMask: nil, isCausal: false, dropoutP: 0)] },
                        reference: { [Reference.packedSelfAttention($0[0].transposed(0, 1), heads: heads, batchFirst: batchFirst)] })
        Self.expectSame("packedSelfAttention with dropout", [qkv],
                        fused: { Tensor.manualSeed(5)
                                 return [DeepLearning.packedSelfAttention($0[0], heads: heads, batchFirst: batchFirst, attentionMask: nil,
                                                                          isCausal: true, dropoutP: 0.3)] },
                        reference: { Tensor.manualSeed(5)
                                     return [Reference.packedSelfAttention($0[0], heads: heads, batchFirst: batchFirst, isCausal: true,
                                                                           dropoutP: 0.3)] })
    }

    @Test(arguments: [[6, 4], [3, 5, 2], [1, 3]])
    func crossEntropy(shape: [Int]) {
        var g = RandomGenerator(seed: UInt64(shape.reduce(7, *)))
        let c = shape[1]
        let targetShape = [shape[0]] + shape.dropFirst(2)
        let logits = Tensor.randn(shape, using: &g) * 2
        let target = Tensor((0..<targetShape.reduce(1, *)).map { Float(($0 * 7 + 3) % c) }, shape: targetShape)
        let weight = Tensor.rand([c], using: &g) + 0.5
        for reduction in [Reduction.mean, .sum, .none] {
            for (w, eps, ignore) in [(nil, Float(0), nil), (weight, 0.2, nil), (weight, 0, 1 as Int?)] as [(Tensor?, Float, Int?)] {
                Self.expectSame("crossEntropy \(shape) \(reduction) weighted \(w != nil) ε \(eps) ignore \(ignore ?? -1)", [logits],
                                fused: { [DeepLearning.crossEntropy($0[0], target, weight: w, labelSmoothing: eps, ignoreIndex: ignore,
                                                                    reduction: reduction)] },
                                reference: { [Reference.crossEntropy($0[0], target, weight: w, labelSmoothing: eps, ignoreIndex: ignore,
                                                                     reduction: reduction)] })
            }
        }
    }

    @Test(arguments: [[7], [3, 4], [2, 3, 5]])
    func binaryCrossEntropyWithLogits(shape: [Int]) {
        var g = RandomGenerator(seed: UInt64(shape.reduce(3, *)))
        let inputs = [Tensor.randn(shape, using: &g) * 3, Tensor.rand(shape, using: &g),
                      Tensor.rand(shape, using: &g) + 0.5, Tensor.rand([shape.last!], using: &g) + 0.5]
        for reduction in [Reduction.mean, .sum, .none] {
            Self.expectSame("bceWithLogits \(shape) \(reduction)", inputs,
                            fused: { [DeepLearning.binaryCrossEntropyWithLogits($0[0], $0[1], weight: $0[2], posWeight: $0[3],
                                                                                reduction: reduction)] },
                            reference: { [Reference.binaryCrossEntropyWithLogits($0[0], $0[1], weight: $0[2], posWeight: $0[3],
                                                                                 reduction: reduction)] })
            Self.expectSame("bceWithLogits \(shape) \(reduction) unweighted", Array(inputs.prefix(2)),
                            fused: { [DeepLearning.binaryCrossEntropyWithLogits($0[0], $0[1], reduction: reduction)] },
                            reference: { [Reference.binaryCrossEntropyWithLogits($0[0], $0[1], reduction: reduction)] })
        }
    }

    /// The fused recurrence over a whole sequence (the RNN/LSTM/GRU layers, forward and reverse) against a
    /// loop of the composed cells: outputs, final states and every gradient (BPTT through the loop).
    @Test(arguments: ["rnn_tanh", "rnn_relu", "lstm", "gru"])
    func recurrentLayers(kind: String) {
        var g = RandomGenerator(seed: UInt64(kind.count))
        let (steps, batch, inputSize, hidden) = (Self.size(1...5, &g), Self.size(1...4, &g), Self.size(1...6, &g), Self.size(1...9, &g))
        let kindCase: RecurrentKind = ["rnn_tanh": .rnnTanh, "rnn_relu": .rnnReLU, "lstm": .lstm, "gru": .gru][kind]!
        let width = kindCase.gateCount * hidden
        let inputs = [Tensor.randn([steps, batch, inputSize], using: &g), Tensor.randn([batch, hidden], using: &g),
                      Tensor.randn([batch, hidden], using: &g), Tensor.randn([width, inputSize], using: &g) * 0.5,
                      Tensor.randn([width, hidden], using: &g) * 0.5, Tensor.randn([width], using: &g), Tensor.randn([width], using: &g)]
        for reverse in [false, true] {
            Self.expectSame("\(kind) T=\(steps) N=\(batch) I=\(inputSize) H=\(hidden) reverse \(reverse)",
                            kindCase == .lstm ? inputs : inputs.enumerated().filter { $0.offset != 2 }.map(\.element),
                            fused: { t in
                                let c0: Tensor? = kindCase == .lstm ? t[2] : nil
                                let o = kindCase == .lstm ? 1 : 0
                                let pass = Tensor.recurrence(kindCase, input: t[0], h0: t[1], c0: c0, weightIh: t[2 + o], weightHh: t[3 + o],
                                                             biasIh: t[4 + o], biasHh: t[5 + o], reverse: reverse)
                                return [pass.output, pass.hN] + (kindCase == .lstm ? [pass.cN] : [])
                            },
                            reference: { t in
                                let o = kindCase == .lstm ? 1 : 0
                                let (wih, whh, bih, bhh) = (t[2 + o], t[3 + o], t[4 + o], t[5 + o])
                                var h = t[1], c = kindCase == .lstm ? t[2] : t[1]
                                var outputs = [Tensor?](repeating: nil, count: steps)
                                for s in 0..<steps {
                                    let time = reverse ? steps - 1 - s : s
                                    let x = t[0].sliced(alongAxis: 0, time..<time + 1).squeezed(axis: 0)
                                    switch kindCase {
                                    case .rnnTanh, .rnnReLU:
                                        h = Reference.rnnCell(x, h, weightIh: wih, weightHh: whh, biasIh: bih, biasHh: bhh,
                                                              relu: kindCase == .rnnReLU)
                                    case .lstm:
                                        (h, c) = Reference.lstmCell(x, (h, c), weightIh: wih, weightHh: whh, biasIh: bih, biasHh: bhh)
                                    case .gru:
                                        h = Reference.gruCell(x, h, weightIh: wih, weightHh: whh, biasIh: bih, biasHh: bhh)
                                    }
                                    outputs[time] = h
                                }
                                return [Tensor.stacked(outputs.map { $0! }), h] + (kindCase == .lstm ? [c] : [])
                            })
        }
    }

    /// The public cells (one step, no bias and no initial state too) against the composed cells.
    @Test func cells() {
        var g = RandomGenerator(seed: 5)
        let x = Tensor.randn([3, 4], using: &g), h = Tensor.randn([3, 6], using: &g), c = Tensor.randn([3, 6], using: &g)
        Tensor.manualSeed(9)
        let lstm = LSTMCell(4, 6), gru = GRUCell(4, 6, bias: false), rnn = RNNCell(4, 6, nonlinearity: .relu)
        Self.expectSame("LSTMCell", [x, h, c],
                        fused: { let s = lstm($0[0], ($0[1], $0[2])); return [s.h, s.c] },
                        reference: { let s = Reference.lstmCell($0[0], ($0[1], $0[2]), weightIh: lstm.weightIh, weightHh: lstm.weightHh,
                                                                biasIh: lstm.biasIh, biasHh: lstm.biasHh); return [s.h, s.c] })
        Self.expectSame("GRUCell without bias, h = 0", [x],
                        fused: { [gru($0[0])] },
                        reference: { [Reference.gruCell($0[0], Tensor.zeros([3, 6]), weightIh: gru.weightIh, weightHh: gru.weightHh,
                                                        biasIh: nil, biasHh: nil)] })
        Self.expectSame("RNNCell relu", [x, h],
                        fused: { [rnn($0[0], $0[1])] },
                        reference: { [Reference.rnnCell($0[0], $0[1], weightIh: rnn.weightIh, weightHh: rnn.weightHh, biasIh: rnn.biasIh,
                                                        biasHh: rnn.biasHh, relu: true)] })
    }

    // MARK: Optimizers

    /// Five steps of `optimizer` over two parameters (one with a length that is not a multiple of the vector
    /// width) against `reference`, which maps (parameter index, step, θ, g) to the new θ with its own state.
    static func expectSameSteps(_ what: String, make: ([Tensor]) -> Optimizer,
                                reference: @escaping (Int, Int, Tensor, Tensor) -> Tensor,
                                sourceLocation: SourceLocation = #_sourceLocation) {
        var g = RandomGenerator(seed: UInt64(what.count))
        let start = [Tensor.randn([5, 7], using: &g), Tensor.randn([16], using: &g)]
        let params = start.map { Tensor(copying: $0).requiringGrad() }
        var expected = start
        let optimizer = make(params)
        for step in 1...5 {
            for (i, p) in params.enumerated() {
                let grad = Tensor.randn(p.shape, using: &g)
                p.grad = grad
                expected[i] = reference(i, step, expected[i], grad)
            }
            optimizer.step()
            for (i, p) in params.enumerated() {
                expectClose(p.detached(), expected[i], rtol: 1e-5, atol: 1e-6, "\(what): parameter \(i) after step \(step)",
                            sourceLocation: sourceLocation)
            }
        }
    }

    @Test(arguments: [(false, false, Float(0)), (false, true, 0.1), (true, false, 0.05), (true, true, 0.01)])
    func adam(_ options: (Bool, Bool, Float)) {
        let (decoupled, amsgrad, wd) = options
        var state: [Int: (m: Tensor, v: Tensor, vMax: Tensor?)] = [:]
        Self.expectSameSteps("Adam decoupled \(decoupled) amsgrad \(amsgrad) λ \(wd)", make: { p in
            decoupled ? AdamW(p, lr: 0.01, betas: (0.8, 0.95), weightDecay: wd, amsgrad: amsgrad)
                      : Adam(p, lr: 0.01, betas: (0.8, 0.95), weightDecay: wd, amsgrad: amsgrad)
        }, reference: { i, t, theta, grad in
            let s = state[i] ?? (Tensor.zeros(like: theta), Tensor.zeros(like: theta), amsgrad ? Tensor.zeros(like: theta) : nil)
            let r = Reference.adam(theta: theta, gradient: grad, m: s.m, v: s.v, vMax: s.vMax, step: t, lr: 0.01, betas: (0.8, 0.95),
                                   weightDecay: wd, decoupled: decoupled)
            state[i] = (r.m, r.v, r.vMax)
            return r.theta
        })
    }

    @Test(arguments: [(Float(0), Float(0), false, Float(0)), (0.9, 0, false, 0.1), (0.9, 0.3, false, 0), (0.8, 0, true, 0.05)])
    func sgd(_ options: (Float, Float, Bool, Float)) {
        let (mu, damp, nesterov, wd) = options
        var buffers: [Int: Tensor] = [:]
        Self.expectSameSteps("SGD μ \(mu) τ \(damp) nesterov \(nesterov) λ \(wd)", make: { p in
            SGD(p, lr: 0.1, momentum: mu, dampening: damp, weightDecay: wd, nesterov: nesterov)
        }, reference: { i, _, theta, grad in
            let r = Reference.sgd(theta: theta, gradient: grad, momentumBuffer: buffers[i], lr: 0.1, momentum: mu, dampening: damp,
                                  weightDecay: wd, nesterov: nesterov)
            buffers[i] = r.momentumBuffer
            return r.theta
        })
    }

    @Test(arguments: [(false, Float(0), Float(0)), (true, 0, 0.1), (false, 0.9, 0), (true, 0.5, 0.05)])
    func rmsprop(_ options: (Bool, Float, Float)) {
        let (centered, mu, wd) = options
        var state: [Int: (v: Tensor, gAvg: Tensor?, b: Tensor?)] = [:]
        Self.expectSameSteps("RMSProp centered \(centered) μ \(mu) λ \(wd)", make: { p in
            RMSProp(p, lr: 0.01, alpha: 0.9, weightDecay: wd, momentum: mu, centered: centered)
        }, reference: { i, _, theta, grad in
            let s = state[i] ?? (Tensor.zeros(like: theta), centered ? Tensor.zeros(like: theta) : nil, mu > 0 ? Tensor.zeros(like: theta) : nil)
            let r = Reference.rmsprop(theta: theta, gradient: grad, squareAvg: s.v, gradAvg: s.gAvg, momentumBuffer: s.b, lr: 0.01,
                                      alpha: 0.9, weightDecay: wd, momentum: mu)
            state[i] = (r.squareAvg, r.gradAvg, r.momentumBuffer)
            return r.theta
        })
    }

    @Test(arguments: [(Float(0), Float(0), Float(0)), (0.1, 0.05, 0.2)])
    func adagrad(_ options: (Float, Float, Float)) {
        let (decay, wd, initial) = options
        var sums: [Int: Tensor] = [:]
        Self.expectSameSteps("AdaGrad δ \(decay) λ \(wd) s₀ \(initial)", make: { p in
            AdaGrad(p, lr: 0.1, lrDecay: decay, weightDecay: wd, initialAccumulatorValue: initial)
        }, reference: { i, t, theta, grad in
            let r = Reference.adagrad(theta: theta, gradient: grad, sum: sums[i] ?? Tensor.full(theta.shape, initial), step: t, lr: 0.1,
                                      lrDecay: decay, weightDecay: wd)
            sums[i] = r.sum
            return r.theta
        })
    }
}
