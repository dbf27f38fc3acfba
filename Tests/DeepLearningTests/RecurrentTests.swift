import Foundation
import Testing
@testable import DeepLearning

/// RNN, LSTM, GRU and their cells against PyTorch (Fixtures/rnn.json, written by Scripts/fixtures/rnn.py):
/// outputs, final states and the gradients of every input and parameter.
@Suite struct RecurrentTests {
    static let fixture = try! Fixture.load("rnn")
    static let sequenceCases = fixture.cases.keys.filter { !$0.hasPrefix("cell_") && !$0.hasPrefix("embedding") }.sorted()
    static let cellCases = fixture.cases.keys.filter { $0.hasPrefix("cell_") }.sorted()

    /// The fixture's state dict, by key.
    static func state(_ c: FixtureCase) -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: (c.values["keys"] as! [String]).map { ($0, c.tensor("param." + $0)) })
    }

    static func layer(_ c: FixtureCase) -> RecurrentLayer {
        let (i, h) = (c.tensor("x").shape.last!, c.tensor("param.weight_hh_l0").shape[1])
        let (layers, bidirectional, batchFirst, bias) = (c.int("layers"), c.bool("bidirectional"), c.bool("batch_first"), c.bool("bias"))
        switch c.string("mode") {
        case "rnn_tanh", "rnn_relu":
            return RNN(i, h, numLayers: layers, nonlinearity: c.string("mode") == "rnn_relu" ? .relu : .tanh, bias: bias,
                       batchFirst: batchFirst, bidirectional: bidirectional)
        case "lstm": return LSTM(i, h, numLayers: layers, bias: bias, batchFirst: batchFirst, bidirectional: bidirectional)
        default: return GRU(i, h, numLayers: layers, bias: bias, batchFirst: batchFirst, bidirectional: bidirectional)
        }
    }

    /// Compares the gradient of every parameter with the fixture's.
    static func expectParameterGradients(_ m: Module, _ c: FixtureCase) {
        for (key, p) in m.namedParameters() {
            expectClose(p.grad, c.tensor("grad." + key), "\(c.name): gradient of \(key)")
        }
    }

    @Test(arguments: sequenceCases)
    func sequenceMatchesPyTorch(_ name: String) throws {
        let c = Self.fixture.case(name)
        let m = Self.layer(c)
        #expect(m.namedState().map(\.0) == c.values["keys"] as! [String], "\(name): state-dict keys")
        try m.loadState(Self.state(c))
        let x = c.tensor("x").requiringGrad()
        let h0 = c.has("h0") ? c.tensor("h0").requiringGrad() : nil
        let c0 = c.has("c0") ? c.tensor("c0").requiringGrad() : nil
        let output: Tensor, hN: Tensor, cN: Tensor?
        switch m {
        case let lstm as LSTM:
            let r = lstm(x, h0.map { ($0, c0!) })
            (output, hN, cN) = (r.output, r.state.h, r.state.c)
        case let rnn as RNN:
            (output, hN) = rnn(x, h0)
            cN = nil
        default:
            (output, hN) = (m as! GRU)(x, h0)
            cN = nil
        }
        expectClose(output, c.tensor("output"), "\(name): output")
        expectClose(hN, c.tensor("h_n"), "\(name): h_n")
        var loss = (output * c.tensor("r_out")).sum() + (hN * c.tensor("r_h")).sum()
        if let cN {
            expectClose(cN, c.tensor("c_n"), "\(name): c_n")
            loss = loss + (cN * c.tensor("r_c")).sum()
        }
        loss.backward()
        expectClose(x.grad, c.tensor("grad.x"), "\(name): gradient of the input")
        if let h0 { expectClose(h0.grad, c.tensor("grad.h0"), "\(name): gradient of h0") }
        if let c0 { expectClose(c0.grad, c.tensor("grad.c0"), "\(name): gradient of c0") }
        Self.expectParameterGradients(m, c)
    }

    @Test(arguments: cellCases)
    func cellMatchesPyTorch(_ name: String) throws {
        let c = Self.fixture.case(name)
        let (i, h) = (c.tensor("param.weight_ih").shape[1], c.tensor("param.weight_hh").shape[1])
        let x = c.tensor("x").requiringGrad()
        let h0 = c.has("h") ? c.tensor("h").requiringGrad() : nil
        let c0 = c.has("c") ? c.tensor("c").requiringGrad() : nil
        let cell: RecurrentCell
        var loss: Tensor
        switch c.string("mode") {
        case "lstm":
            let lstm = LSTMCell(i, h)
            try lstm.loadState(Self.state(c))
            let (h1, c1) = lstm(x, h0.map { ($0, c0!) })
            expectClose(h1, c.tensor("h1"), "\(name): h'")
            expectClose(c1, c.tensor("c1"), "\(name): c'")
            loss = (h1 * c.tensor("r_h")).sum() + (c1 * c.tensor("r_c")).sum()
            cell = lstm
        case "gru":
            let gru = GRUCell(i, h)
            try gru.loadState(Self.state(c))
            let h1 = gru(x, h0)
            expectClose(h1, c.tensor("h1"), "\(name): h'")
            loss = (h1 * c.tensor("r_h")).sum()
            cell = gru
        default:
            let rnn = RNNCell(i, h, nonlinearity: c.string("mode") == "rnn_relu" ? .relu : .tanh)
            try rnn.loadState(Self.state(c))
            let h1 = rnn(x, h0)
            expectClose(h1, c.tensor("h1"), "\(name): h'")
            loss = (h1 * c.tensor("r_h")).sum()
            cell = rnn
        }
        #expect(cell.namedState().map(\.0) == c.values["keys"] as! [String], "\(name): state-dict keys")
        loss.backward()
        expectClose(x.grad, c.tensor("grad.x"), "\(name): gradient of the input")
        if let h0 { expectClose(h0.grad, c.tensor("grad.h"), "\(name): gradient of h") }
        if let c0 { expectClose(c0.grad, c.tensor("grad.c"), "\(name): gradient of c") }
        Self.expectParameterGradients(cell, c)
    }

    /// The outputs of one pass flattened into one tensor (h_init's slot in `packed` is not an output).
    static func outputs(of pass: RecurrentPass, _ kind: RecurrentKind) -> Tensor {
        Tensor.concatenated([pass.output.flattened(), pass.hN.flattened()] + (kind == .lstm ? [pass.cN.flattened()] : []))
    }

    @Test(arguments: [RecurrentKind.rnnTanh, .rnnReLU, .lstm, .gru], [1, 3])
    func gradcheckOfStepsAndSequences(_ kind: RecurrentKind, _ steps: Int) {
        let (n, i, h) = (2, 3, 4), g = kind.gateCount * h
        var inputs = [Tensor.randn([steps, n, i], seed: 1), Tensor.randn([n, h], seed: 2) * 0.5,
                      Tensor.randn([g, i], seed: 3) * 0.5, Tensor.randn([g, h], seed: 4) * 0.5,
                      Tensor.randn([g], seed: 5) * 0.5, Tensor.randn([g], seed: 6) * 0.5]
        if kind == .lstm { inputs.append(Tensor.randn([n, h], seed: 7)) }
        for reverse in [false, true] where steps > 1 || !reverse {
            expectGradcheck(inputs, "\(kind) over \(steps) steps\(reverse ? ", reversed" : "")") { t in
                let pass = Tensor.recurrence(kind, input: t[0], h0: t[1], c0: kind == .lstm ? t[6] : nil,
                                             weightIh: t[2], weightHh: t[3], biasIh: t[4], biasHh: t[5], reverse: reverse)
                return Self.outputs(of: pass, kind)
            }
        }
    }

    /// The backward pass overwrites the saved gate activations with their gradients; a second backward
    /// through the same graph (kept by `retainGraph: true`) must recompute them and add the same gradients again.
    @Test(arguments: [RecurrentKind.rnnTanh, .lstm, .gru])
    func secondBackwardThroughTheSameGraphAddsTheSameGradients(_ kind: RecurrentKind) {
        let (n, i, h) = (3, 5, 20), g = kind.gateCount * h
        let x = Tensor.randn([4, n, i], seed: 1).requiringGrad()
        let wih = (Tensor.randn([g, i], seed: 2) * 0.3).requiringGrad(), whh = (Tensor.randn([g, h], seed: 3) * 0.3).requiringGrad()
        let pass = Tensor.recurrence(kind, input: x, h0: nil, c0: nil, weightIh: wih, weightHh: whh, biasIh: nil, biasHh: nil,
                                     reverse: false)
        let loss = (Self.outputs(of: pass, kind) * Tensor.randn([kind == .lstm ? 6 * n * h : 5 * n * h], seed: 4)).sum()
        loss.backward(retainGraph: true)
        let first = [x.grad!, wih.grad!, whh.grad!].map { $0 * 2 }
        loss.backward()
        for (twice, expected) in zip([x.grad!, wih.grad!, whh.grad!], first) {
            expectClose(twice, expected, "\(kind): gradients after two backward passes")
        }
    }

    /// A batch big enough for the steps to be walked in parallel over its rows (Ops/Recurrence.swift) gives
    /// what each of its sequences gives alone.
    @Test(arguments: [RecurrentKind.rnnTanh, .lstm, .gru], [false, true])
    func batchRowsWalkedApartMatchEachSequenceAlone(_ kind: RecurrentKind, _ reverse: Bool) {
        let (steps, n, i, h) = (12, 32, 8, 64), g = kind.gateCount * h
        let x = Tensor.randn([steps, n, i], seed: 1), h0 = Tensor.randn([n, h], seed: 2) * 0.5, c0 = Tensor.randn([n, h], seed: 3)
        let weights = [Tensor.randn([g, i], seed: 4) * 0.2, Tensor.randn([g, h], seed: 5) * 0.2,
                       Tensor.randn([g], seed: 6) * 0.2, Tensor.randn([g], seed: 7) * 0.2]
        let r = Tensor.randn([steps + (kind == .lstm ? 2 : 1), n, h], seed: 8)
        /// Loss Σ r ⊙ (outputs, h_n, c_n) for the batch elements `rows`, and the gradients of x, h0 and the weights.
        func run(_ rows: Range<Int>) -> (outputs: Tensor, dx: Tensor, dh0: Tensor, dw: [Tensor]) {
            let xs = Tensor(copying: x.sliced(alongAxis: 1, rows).contiguous()).requiringGrad()
            let h0s = Tensor(copying: h0.sliced(alongAxis: 0, rows).contiguous()).requiringGrad()
            let c0s = Tensor(copying: c0.sliced(alongAxis: 0, rows).contiguous())
            let w = weights.map { Tensor(copying: $0).requiringGrad() }
            let pass = Tensor.recurrence(kind, input: xs, h0: h0s, c0: kind == .lstm ? c0s : nil, weightIh: w[0], weightHh: w[1],
                                         biasIh: w[2], biasHh: w[3], reverse: reverse)
            var states = [pass.output, pass.hN.unsqueezed(at: 0)]
            if kind == .lstm { states.append(pass.cN.unsqueezed(at: 0)) }
            let outputs = Tensor.concatenated(states, alongAxis: 0)
            (outputs * r.sliced(alongAxis: 1, rows).contiguous()).sum().backward()
            return (outputs.detached(), xs.grad!, h0s.grad!, w.map { $0.grad! })
        }
        let batched = run(0..<n)
        let alone = (0..<n).map { run($0..<($0 + 1)) }
        let name = "\(kind)\(reverse ? " reversed" : "")"
        expectClose(batched.outputs, Tensor.concatenated(alone.map(\.outputs), alongAxis: 1), "\(name): states")
        expectClose(batched.dx, Tensor.concatenated(alone.map(\.dx), alongAxis: 1), "\(name): gradient of x")
        expectClose(batched.dh0, Tensor.concatenated(alone.map(\.dh0), alongAxis: 0), "\(name): gradient of h0")
        // The weight gradients sum 384 rows' contributions, in another order than the 32 sums of 12 rows
        // added up: cancellation between them leaves a few 1e-5 of relative difference.
        for k in 0..<4 {
            expectClose(batched.dw[k], alone.map { $0.dw[k] }.dropFirst().reduce(alone[0].dw[k], +), rtol: 2e-4, atol: 1e-5,
                        "\(name): gradient of weight \(k)")
        }
    }

    @Test func torchStateDictOfTwoLayerBidirectionalLSTMLoads() throws {
        let c = Self.fixture.case("lstm_2layer_bidir_bf_init")
        let lstm = LSTM(4, 9, numLayers: 2, batchFirst: true, bidirectional: true)
        #expect(lstm.namedState().map(\.0) == c.values["keys"] as! [String])
        try lstm.loadState(Self.state(c))
        for (key, t) in lstm.namedState() { #expect(t.scalars == c.tensor("param." + key).scalars, "\(key)") }
        let (output, (hN, cN)) = lstm(c.tensor("x"), (c.tensor("h0"), c.tensor("c0")))
        expectClose(output, c.tensor("output"), "output")
        expectClose(hN, c.tensor("h_n"), "h_n")
        expectClose(cN, c.tensor("c_n"), "c_n")
        // A state dict of the wrong architecture is refused.
        #expect(throws: ModuleError.self) { try LSTM(4, 9, numLayers: 2).loadState(Self.state(c)) }
    }

    @Test func parametersFollowPyTorchNamesShapesAndInitialisation() {
        Tensor.manualSeed(1)
        let gru = GRU(5, 6, numLayers: 2, bidirectional: true)
        #expect(gru.namedParameters().map(\.0) == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                                                   "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
                                                   "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
                                                   "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse"])
        #expect(gru.namedParameters().map(\.1.shape) == [[18, 5], [18, 6], [18], [18], [18, 5], [18, 6], [18], [18],
                                                         [18, 12], [18, 6], [18], [18], [18, 12], [18, 6], [18], [18]])
        let bound = 1 / Float(6).squareRoot()
        let all = gru.parameters().flatMap(\.scalars)
        #expect(all.allSatisfy { Swift.abs($0) <= bound })
        #expect(all.max()! > 0.9 * bound && all.min()! < -0.9 * bound)
        #expect(LSTM(3, 2, bias: false).namedParameters().map(\.0) == ["weight_ih_l0", "weight_hh_l0"])
        #expect(LSTMCell(3, 2).namedParameters().map(\.1.shape) == [[8, 3], [8, 2], [8], [8]])
        #expect(RNNCell(3, 2, bias: false).namedParameters().map(\.0) == ["weight_ih", "weight_hh"])
        #expect("\(LSTM(32, 64, numLayers: 2, batchFirst: true))" == "LSTM(32, 64, num_layers=2, batch_first=True)")
        #expect("\(RNN(3, 4, nonlinearity: .relu))" == "RNN(3, 4)")
        #expect(RNN(3, 4, nonlinearity: .relu).nonlinearity == .relu)
    }

    @Test func dropoutActsBetweenLayersInTrainingOnly() {
        Tensor.manualSeed(2)
        let x = Tensor.randn([6, 3, 4], seed: 3)
        let deep = LSTM(4, 5, numLayers: 2, dropout: 0.5)
        let plain = LSTM(4, 5, numLayers: 2)
        try! plain.loadState(Dictionary(uniqueKeysWithValues: deep.namedState()))
        deep.eval()
        #expect(deep(x).output.scalars == plain(x).output.scalars)
        deep.train()
        let a = deep(x).output
        #expect(a.scalars != plain(x).output.scalars)
        #expect(a.scalars != deep(x).output.scalars, "a new mask for every call")
        // Not after the last layer.
        let single = GRU(4, 5, dropout: 0.5)
        let train = single(x).output.scalars
        single.eval()
        #expect(train == single(x).output.scalars)
    }

    @Test func outputsAreStatesOfTheLastLayer() {
        let gru = GRU(3, 4, numLayers: 2, batchFirst: true, bidirectional: true)
        let (output, hN) = gru(Tensor.randn([2, 5, 3], seed: 1))
        #expect(output.shape == [2, 5, 8] && hN.shape == [4, 2, 4])
        // Forward direction: its last step; reverse direction: its first step.
        #expect(output[.all, 4, .range(0..<4, step: 1)].scalars == hN[2].scalars)
        #expect(output[.all, 0, .range(4..<8, step: 1)].scalars == hN[3].scalars)
        // Feeding the final state back continues the sequence.
        let lstm = LSTM(3, 4)
        let x = Tensor.randn([6, 2, 3], seed: 2)
        let whole = lstm(x).output
        let first = lstm(x[0..<3])
        let second = lstm(x[3..<6], first.state)
        expectClose(second.output, whole[3..<6], "continued sequence")
    }

    @Test func wrongFeatureSizeStopsNamingLayerAndSizes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let lstm = LSTM(32, 64)
            _ = lstm(Tensor.zeros([50, 4, 16]))
        }
        let text = result.map { String(decoding: $0.standardErrorContent, as: UTF8.self) } ?? ""
        #expect(text.contains("LSTM(32, 64): input of shape [50, 4, 16] has 16 features, expected 32"), "\(text)")
    }

    @Test func wrongStateShapeStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = GRUCell(3, 4)(Tensor.zeros([2, 3]), Tensor.zeros([3, 4]))
        }
        let text = result.map { String(decoding: $0.standardErrorContent, as: UTF8.self) } ?? ""
        #expect(text.contains("GRUCell(3, 4): hidden state of shape [3, 4]"), "\(text)")
    }
}

@Suite struct GateActivationTests {
    /// SIMDMath's σ and tanh (the gate kernels use them) against double precision, over the whole range (relative error).
    @Test func sigmoidAndTanhAreAccurate() {
        var worst = (sigmoid: 0.0, tanh: 0.0)
        var x: Float = -100
        while x < 100 {
            let v = SIMDMath.V((0..<SIMDMath.V.scalarCount).map { x + Float($0) * 1e-3 })
            let s = SIMDMath.sigmoid(v), t = SIMDMath.tanh(v)
            for i in v.indices {
                let d = Double(v[i])
                let es = 1 / (1 + Foundation.exp(-d)), et = Foundation.tanh(d)
                // Below −80, σ is < 2e-35 and is computed as σ(−80): compare absolutely there.
                worst.sigmoid = Swift.max(worst.sigmoid, Swift.abs(Double(s[i]) - es) / (d < -80 ? 1e-28 : es))
                worst.tanh = Swift.max(worst.tanh, Swift.abs(Double(t[i]) - et) / Swift.max(Swift.abs(et), 1e-30))
            }
            x = x.magnitude < 1 ? x + 0.0137 : x + 0.173
        }
        #expect(worst.sigmoid < 5e-7 && worst.tanh < 5e-7, "worst relative errors \(worst)")
        let tiny = SIMDMath.tanh(SIMDMath.V(repeating: 1e-6)), zero = SIMDMath.tanh(SIMDMath.V(repeating: -0.0))
        #expect(Swift.abs(tiny[0] - 1e-6) < 1e-12 && zero[0] == 0 && zero[0].sign == .minus)
        let extremes = SIMDMath.sigmoid(SIMDMath.V([-1000, -80, 80, 1000, .infinity, -.infinity, 0, 1] + Array(repeating: 0, count: SIMDMath.V.scalarCount - 8)))
        #expect(extremes[0] < 1e-34 && extremes[3] == 1 && extremes[4] == 1 && extremes[5] < 1e-34 && extremes[6] == 0.5)
    }
}
