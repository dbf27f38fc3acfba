import Foundation
import Testing
@testable import DeepLearning

/// MultiheadAttention and the Transformer layers against PyTorch (Fixtures/attention.json): outputs, returned
/// weights and gradients of the inputs and of every parameter, with PyTorch's parameters loaded by key; the
/// nn.TransformerEncoder checkpoint in both directions; errors that name the layer and the shapes.
@Suite struct TransformerTests {
    static let fixture = AttentionTests.fixture

    /// Loads the case's "param.<key>" tensors into `m`, checking that the keys are PyTorch's, in order.
    static func load(_ m: Module, _ c: FixtureCase, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(m.namedState().map(\.0) == (c.values["keys"] as! [String]), "\(c.name): state-dict keys", sourceLocation: sourceLocation)
        try m.loadState(Dictionary(uniqueKeysWithValues: (c.values["keys"] as! [String]).map { ($0, c.tensor("param." + $0)) }))
    }

    /// `atol` 1e-5 where the returned weights are in the loss too: then the key bias's exact gradient is 0
    /// (softmax ignores a shift of a row) and float32 sums of terms of size ~10 leave ~3e-6 of it.
    static func expectParameterGradients(_ m: Module, _ c: FixtureCase, atol: Float = 1e-6, sourceLocation: SourceLocation = #_sourceLocation) {
        for (key, p) in m.namedParameters() {
            expectClose(p.grad, c.tensor("grad." + key), atol: atol, "\(c.name) ∂\(key)", sourceLocation: sourceLocation)
        }
    }

    static func blocked(_ c: FixtureCase, _ key: String) -> AttentionMask? { c.has(key) ? .blocked(c.tensor(key)) : nil }

    @Test(arguments: ["mha_self", "mha_self_causal_no_weights", "mha_cross_padding", "mha_cross_padding_no_weights", "mha_kdim_vdim",
                      "mha_per_head_mask"])
    func multiheadAttentionMatchesPyTorch(_ name: String) throws {
        let c = Self.fixture.case(name)
        let m = MultiheadAttention(embedDim: c.int("embed_dim"), numHeads: c.int("num_heads"), kdim: c.int("kdim"), vdim: c.int("vdim"),
                                   batchFirst: c.bool("batch_first"))
        try Self.load(m, c)
        let selfAttention = c.bool("self_attention")
        let query = c.tensor("query").requiringGrad()
        let key = selfAttention ? query : c.tensor("key").requiringGrad()
        let value = selfAttention ? query : c.tensor("value").requiringGrad()
        var attnMask: AttentionMask? = nil
        if c.has("attn_mask") {
            attnMask = c.string("attn_mask_kind") == "blocked" ? .blocked(c.tensor("attn_mask")) : .additive(AttentionTests.mask(c, "attn_mask"))
        }
        let (y, weights) = m(query, key, value, keyPaddingMask: Self.blocked(c, "key_padding_mask"), needWeights: c.bool("need_weights"),
                             attnMask: attnMask, averageAttnWeights: c.bool("average"), isCausal: c.bool("is_causal"))
        expectClose(y, c.tensor("output"), "\(name) output")
        var loss = (y * c.tensor("grad_output")).sum()
        if c.has("weights") {
            expectClose(weights, c.tensor("weights"), "\(name) weights")
            loss = loss + (weights! * c.tensor("grad_output1")).sum()
        } else {
            #expect(weights == nil)
        }
        loss.backward()
        expectClose(query.grad, c.tensor("grad.query"), "\(name) ∂query")
        if !selfAttention {
            expectClose(key.grad, c.tensor("grad.key"), "\(name) ∂key")
            expectClose(value.grad, c.tensor("grad.value"), "\(name) ∂value")
        }
        Self.expectParameterGradients(m, c, atol: c.has("weights") ? 1e-5 : 1e-6)
    }

    @Test(arguments: ["encoder_post_relu", "encoder_pre_gelu_causal", "decoder_post_relu_causal", "decoder_pre_gelu"])
    func transformerLayersMatchPyTorch(_ name: String) throws {
        let c = Self.fixture.case(name)
        let activation = TransformerActivation(rawValue: c.string("activation"))!
        let (d, h, ff, batchFirst, normFirst) = (c.int("d_model"), c.int("nhead"), c.int("dim_feedforward"), c.bool("batch_first"), c.bool("norm_first"))
        let x = c.tensor("x").requiringGrad()
        let causal: AttentionMask? = c.bool("causal") ? .additive(squareSubsequentMask(x.shape[batchFirst ? 1 : 0])) : nil
        let module: Module, y: Tensor
        if name.hasPrefix("encoder") {
            let layer = TransformerEncoderLayer(dModel: d, nhead: h, dimFeedforward: ff, dropout: 0, activation: activation,
                                                batchFirst: batchFirst, normFirst: normFirst)
            try Self.load(layer, c)
            y = layer(x, srcMask: causal, srcKeyPaddingMask: Self.blocked(c, "key_padding_mask"))
            module = layer
        } else {
            let layer = TransformerDecoderLayer(dModel: d, nhead: h, dimFeedforward: ff, dropout: 0, activation: activation,
                                                batchFirst: batchFirst, normFirst: normFirst)
            try Self.load(layer, c)
            let memory = c.tensor("memory").requiringGrad()
            y = layer(x, memory: memory, tgtMask: causal, memoryKeyPaddingMask: Self.blocked(c, "key_padding_mask"))
            (y * c.tensor("grad_output")).sum().backward()
            expectClose(memory.grad, c.tensor("grad.memory"), "\(name) ∂memory")
            module = layer
        }
        expectClose(y, c.tensor("output"), "\(name) output")
        if name.hasPrefix("encoder") { (y * c.tensor("grad_output")).sum().backward() }
        expectClose(x.grad, c.tensor("grad.x"), "\(name) ∂x")
        Self.expectParameterGradients(module, c)
    }

    /// The fused attention inside MultiheadAttention equals the composed one (needWeights) on a training step
    /// with dropout, gradients included.
    @Test func multiheadAttentionFusedEqualsComposedWithDropout() {
        var grads: [[Float]] = []
        var outputs: [Tensor] = []
        for needWeights in [false, true] {
            Tensor.manualSeed(7)
            let m = MultiheadAttention(embedDim: 12, numHeads: 3, dropout: 0.2, batchFirst: true)
            let x = Tensor.randn([2, 5, 12], seed: 8)
            Tensor.manualSeed(9)
            let y = m(x, x, x, needWeights: needWeights, isCausal: true).output
            (y * Tensor.randn(y.shape, seed: 10)).sum().backward()
            outputs.append(y)
            grads.append(m.inProjWeight!.grad!.scalars)
        }
        expectClose(outputs[0], outputs[1], "output")
        expectClose(Tensor(grads[0]), Tensor(grads[1]), "∂in_proj_weight")
    }

    /// An unbatched query [L, E] (and key-padding mask [S]) gives the batched result for a batch of one.
    @Test func unbatchedEqualsABatchOfOne() {
        let m = MultiheadAttention(embedDim: 8, numHeads: 2, kdim: 5, vdim: 3)
        let q = Tensor.randn([4, 8], seed: 1), k = Tensor.randn([6, 5], seed: 2), v = Tensor.randn([6, 3], seed: 3)
        let padding = Tensor([0, 0, 1, 0, 0, 1])
        let (y, w) = m(q, k, v, keyPaddingMask: .blocked(padding))
        let (yb, wb) = m(q.unsqueezed(at: 1), k.unsqueezed(at: 1), v.unsqueezed(at: 1), keyPaddingMask: .blocked(padding.unsqueezed(at: 0)))
        expectClose(y, yb.squeezed(axis: 1), "output")
        expectClose(w, wb!.squeezed(axis: 0), "weights")
        #expect(w!.shape == [4, 6] && w![.all, 2].scalars.allSatisfy { $0 == 0 })
    }

    @Test func initialisationIsPyTorchs() {
        let m = MultiheadAttention(embedDim: 16, numHeads: 4)
        let bound = (6 / Float(16 + 48)).squareRoot()
        #expect(m.inProjWeight!.shape == [48, 16])
        #expect(m.inProjWeight!.scalars.allSatisfy { Swift.abs($0) <= bound })
        #expect(m.inProjWeight!.scalars.contains { Swift.abs($0) > bound * 0.9 })  // Xavier's bound, not Linear's 1/4
        #expect(m.inProjBias!.scalars.allSatisfy { $0 == 0 } && m.outProj.bias!.scalars.allSatisfy { $0 == 0 })
        #expect(m.outProj.weight.scalars.allSatisfy { Swift.abs($0) <= 0.25 })
        let separate = MultiheadAttention(embedDim: 8, numHeads: 2, kdim: 5, vdim: 3)
        #expect(separate.namedState().map(\.0) == ["q_proj_weight", "k_proj_weight", "v_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"])
        let t = Transformer(dModel: 8, nhead: 2, numEncoderLayers: 2, numDecoderLayers: 1, dimFeedforward: 16)
        #expect(t.namedState().map(\.0).contains("decoder.layers.0.multihead_attn.in_proj_weight"))
        #expect(t.namedState().map(\.0).contains("encoder.norm.weight"))
        let y = t(Tensor.randn([6, 2, 8], seed: 1), Tensor.randn([4, 2, 8], seed: 2), tgtMask: .additive(squareSubsequentMask(4)))
        #expect(y.shape == [4, 2, 8])
    }

    @Test func positionalEncodings() {
        let table = sinusoidalPositionalEncoding(length: 3, dModel: 4)
        let expected: [Float] = [0, 1, 0, 1, Foundation.sin(1), Foundation.cos(1), Foundation.sin(0.01), Foundation.cos(0.01),
                                 Foundation.sin(2), Foundation.cos(2), Foundation.sin(0.02), Foundation.cos(0.02)]
        expectClose(table, Tensor(expected, shape: [3, 4]), "table")
        let pe = SinusoidalPositionalEncoding(dModel: 4, maxLen: 10, dropout: 0)
        #expect(pe.namedState().isEmpty)
        expectClose(pe(Tensor.zeros([2, 3, 4]))[1], table, "added")
        let learned = LearnedPositionalEmbedding(maxLen: 10, dModel: 4)
        #expect(learned.namedState().map(\.0) == ["weight"])
        let x = Tensor.zeros([2, 3, 4])
        expectClose(learned(x, offset: 2)[0], learned.weight[2..<5].detached(), "learned")
    }

    // MARK: Checkpoints

    static func makeEncoder() -> TransformerEncoder {
        TransformerEncoder(TransformerEncoderLayer(dModel: 16, nhead: 4, dimFeedforward: 32, dropout: 0, batchFirst: true),
                           numLayers: 2, norm: LayerNorm(16))
    }

    @Test func transformerEncoderWrittenByPyTorchLoads() throws {
        let c = try Fixture.load("transformer_checkpoint").case("torch")
        let encoder = Self.makeEncoder()
        #expect(encoder.namedState().map(\.0) == (c.values["keys"] as! [String]))
        try encoder.load(from: Fixture.directory.appendingPathComponent("torch_transformer_encoder.safetensors").path)
        encoder.eval()
        expectClose(encoder(c.tensor("x")), c.tensor("output"), "output")
    }

    /// Our file, committed so PyTorch can load it (Scripts/fixtures/attention.py does, strictly); reloading it
    /// here reproduces the output recorded beside it. With DEEPLEARNING_WRITE_FIXTURES=1 it is written anew.
    @Test func transformerEncoderCheckpoints() throws {
        let file = Fixture.directory.appendingPathComponent("ours_transformer_encoder.safetensors").path
        let json = Fixture.directory.appendingPathComponent("ours_transformer_encoder.json")
        if ProcessInfo.processInfo.environment["DEEPLEARNING_WRITE_FIXTURES"] != nil {
            let encoder = Self.makeEncoder()
            try encoder.save(to: file)
            let x = Tensor.randn([2, 7, 16], seed: 5)
            let y = encoder(x)
            let record: [String: Any] = ["x": ["shape": x.shape, "data": x.scalars.map(Double.init)],
                                         "output": ["shape": y.shape, "data": y.scalars.map(Double.init)]]
            try JSONSerialization.data(withJSONObject: record).write(to: json)
        }
        let encoder = Self.makeEncoder()
        try encoder.load(from: file)
        #expect(try SafeTensors.read(from: file).tensors.map(\.name).sorted() == encoder.namedState().map(\.0).sorted())
        let c = FixtureCase(name: "ours", values: try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as! [String: Any])
        expectClose(encoder(c.tensor("x")), c.tensor("output"), "our encoder reloaded")
    }

    // MARK: Errors

    @Test func embedDimNotDivisibleByHeads() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = MultiheadAttention(embedDim: 10, numHeads: 4)
        }
        ShapeErrorTests.expectMessage(result, "MultiheadAttention(embedDim: 10, numHeads: 4): embedDim 10 is not divisible by numHeads 4")
    }

    @Test func queryWithTheWrongFeatureSize() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let m = MultiheadAttention(embedDim: 8, numHeads: 2)
            let x = Tensor.zeros([5, 3, 6])
            _ = m(x, x, x)
        }
        ShapeErrorTests.expectMessage(result, "MultiheadAttention(embedDim: 8, numHeads: 2): query of shape [5, 3, 6] has last dimension 6, expected embedDim 8")
    }

    @Test func attentionMaskOfTheWrongShape() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let m = MultiheadAttention(embedDim: 8, numHeads: 2)
            let x = Tensor.zeros([5, 3, 8])
            _ = m(x, x, x, attnMask: .additive(Tensor.zeros([4, 5])))
        }
        ShapeErrorTests.expectMessage(result, "MultiheadAttention(embedDim: 8, numHeads: 2): attnMask of shape [4, 5] for query [5, 3, 8], key [5, 3, 8], value [5, 3, 8], expected [5, 5] or [6, 5, 5]")
    }

    @Test func keyPaddingMaskOfTheWrongShape() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let m = MultiheadAttention(embedDim: 8, numHeads: 2, batchFirst: true)
            let x = Tensor.zeros([3, 5, 8])
            _ = m(x, x, x, keyPaddingMask: .blocked(Tensor.zeros([5, 3])))
        }
        ShapeErrorTests.expectMessage(result, "keyPaddingMask of shape [5, 3] for query [3, 5, 8], key [3, 5, 8], value [3, 5, 8], expected [3, 5]")
    }

    @Test func scaledDotProductAttentionMaskOfTheWrongShape() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = scaledDotProductAttention(Tensor.zeros([2, 4, 8]), Tensor.zeros([2, 6, 8]), Tensor.zeros([2, 6, 3]),
                                          attentionMask: .allowed(Tensor.ones([4, 5])))
        }
        ShapeErrorTests.expectMessage(result, "scaledDotProductAttention: attention mask of shape [4, 5] does not broadcast to the scores' shape [2, 4, 6]")
    }

    @Test func scaledDotProductAttentionFeatureMismatch() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = scaledDotProductAttention(Tensor.zeros([2, 4, 8]), Tensor.zeros([2, 6, 7]), Tensor.zeros([2, 6, 3]))
        }
        ShapeErrorTests.expectMessage(result, "scaledDotProductAttention: query [2, 4, 8], key [2, 6, 7], value [2, 6, 3]: query and key have 8 and 7 features, expected equal")
    }

    @Test func layerNormOfTheWrongShape() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = LayerNorm(8)(Tensor.zeros([2, 6]))
        }
        ShapeErrorTests.expectMessage(result, "LayerNorm([8]): input of shape [2, 6] does not end with [8]")
    }
}
