import Foundation
import Testing
@testable import DeepLearning

/// Mask helpers, scaled dot-product attention (fused and composed), layer norm (fused and composed) against
/// PyTorch (Fixtures/attention.json, made by Scripts/fixtures/attention.py) and finite differences.
@Suite struct AttentionTests {
    static let fixture = try! Fixture.load("attention")

    /// A mask stored as finite values plus "<name>_inf" (1 where −∞), as the script writes it.
    static func mask(_ c: FixtureCase, _ name: String) -> Tensor {
        let values = c.tensor(name)
        return c.has(name + "_inf") ? values.maskedFill(c.tensor(name + "_inf"), -.infinity) : values
    }

    /// Expects output and input gradients of `f` on the case's named inputs to equal PyTorch's.
    static func expectCase(_ c: FixtureCase, inputs names: [String], outputKey: String = "output", rtol: Float = 1e-5,
                           sourceLocation: SourceLocation = #_sourceLocation, _ f: ([Tensor]) -> Tensor) {
        let inputs = names.map { c.tensor($0).requiringGrad() }
        let y = f(inputs)
        expectClose(y, c.tensor(outputKey), rtol: rtol, "\(c.name) output", sourceLocation: sourceLocation)
        (y * c.tensor("grad_output")).sum().backward()
        for (name, x) in zip(names, inputs) {
            expectClose(x.grad, c.tensor("grad." + name), rtol: rtol, "\(c.name) ∂\(name)", sourceLocation: sourceLocation)
        }
    }

    // MARK: Masks

    @Test(arguments: ["triu_1", "triu_-1", "tril_0", "tril_2"])
    func triangles(_ name: String) {
        let c = Self.fixture.case(name)
        Self.expectCase(c, inputs: ["x"]) { x in
            name.hasPrefix("triu") ? x[0].triu(diagonal: c.int("diagonal")) : x[0].tril(diagonal: c.int("diagonal"))
        }
    }

    @Test func maskedFill() {
        let c = Self.fixture.case("masked_fill")
        Self.expectCase(c, inputs: ["x"]) { x in x[0].maskedFill(c.tensor("mask"), Float(c.number("value"))) }
        expectGradcheck([Tensor.randn([2, 3, 4], seed: 1)], "maskedFill") { x in x[0].maskedFill(c.tensor("mask"), 7).square() }
    }

    @Test func squareSubsequentMaskIsPyTorchs() {
        let expected = Self.mask(Self.fixture.case("square_subsequent_mask"), "mask")
        #expect(Transformer.generateSquareSubsequentMask(4).scalars == expected.scalars)
        #expect(squareSubsequentMask(4).shape == [4, 4])
        // triu keeps infinities where it keeps elements (a multiply by 0/1 would make NaNs).
        #expect(Tensor.full([3, 3], -.infinity).triu(diagonal: 1).scalars == squareSubsequentMask(3).scalars)
    }

    // MARK: Scaled dot-product attention

    static let sdpaCases = ["sdpa_plain", "sdpa_bool_mask", "sdpa_float_mask", "sdpa_causal", "sdpa_causal_rect", "sdpa_scale", "sdpa_unbatched"]

    static func sdpaArguments(_ c: FixtureCase) -> (mask: AttentionMask?, isCausal: Bool, scale: Float?) {
        var mask: AttentionMask? = nil
        if c.has("mask") { mask = c.string("mask_kind") == "allowed" ? .allowed(Self.mask(c, "mask")) : .additive(Self.mask(c, "mask")) }
        return (mask, c.bool("is_causal"), c.has("scale") ? Float(c.number("scale")) : nil)
    }

    @Test(arguments: sdpaCases)
    func fusedAttentionMatchesPyTorch(_ name: String) {
        let c = Self.fixture.case(name)
        let (mask, isCausal, scale) = Self.sdpaArguments(c)
        Self.expectCase(c, inputs: ["q", "k", "v"]) { t in
            scaledDotProductAttention(t[0], t[1], t[2], attentionMask: mask, isCausal: isCausal, scale: scale)
        }
    }

    @Test(arguments: sdpaCases)
    func composedAttentionMatchesPyTorch(_ name: String) {
        let c = Self.fixture.case(name)
        let (mask, isCausal, scale) = Self.sdpaArguments(c)
        Self.expectCase(c, inputs: ["q", "k", "v"]) { t in
            scaledDotProductAttentionComposed(t[0], t[1], t[2], attentionMask: mask, isCausal: isCausal, scale: scale).output
        }
    }

    /// Fully masked rows give zeros and zero gradients, not NaN.
    @Test func allMaskedRowsGiveZeros() {
        let q = Tensor.randn([1, 3, 4], seed: 2).requiringGrad()
        let k = Tensor.randn([1, 5, 4], seed: 3), v = Tensor.randn([1, 5, 2], seed: 4)
        let allowed = Tensor([[1, 1, 0, 0, 0], [0, 0, 0, 0, 0], [1, 1, 1, 1, 1]])
        let y = scaledDotProductAttention(q, k, v, attentionMask: .allowed(allowed))
        #expect(y[0, 1].scalars == [0, 0])
        y.sum().backward()
        #expect(q.grad![0, 1].scalars == [0, 0, 0, 0])
        #expect(q.grad!.scalars.allSatisfy { $0.isFinite })
    }

    @Test func fusedAttentionGradcheck() {
        let inputs = [Tensor.randn([2, 3, 4], seed: 5), Tensor.randn([2, 5, 4], seed: 6), Tensor.randn([2, 5, 3], seed: 7)]
        let mask = Tensor.randn([3, 5], seed: 8)
        expectGradcheck(inputs, "scaledDotProductAttention") { t in
            scaledDotProductAttention(t[0], t[1], t[2], attentionMask: .additive(mask)).square()
        }
        expectGradcheck(inputs, "scaledDotProductAttention causal") { t in
            scaledDotProductAttention(t[0], t[1], t[2], isCausal: true, scale: 0.7).square()
        }
    }

    /// Strided views as operands (the heads of a projection: [N, L, H, D] permuted to [N, H, L, D]), a
    /// broadcast key-padding mask, and dropout: fused and composed agree, values and gradients.
    @Test func fusedEqualsComposedOnViewsWithDropout() {
        let base = (0..<3).map { Tensor.randn([2, 6, 3, 4], seed: UInt64(10 + $0)).requiringGrad() }
        let padding = Tensor([[0, 0, 0, 0, 1, 1], [0, 0, 0, 0, 0, 0]]).reshaped(to: [2, 1, 1, 6])
        var results: [(Tensor, [Tensor])] = []
        for fused in [true, false] {
            for b in base { b.zeroGrad() }
            let heads = base.map { $0.permuted([0, 2, 1, 3]) }
            Tensor.manualSeed(42)
            let y = fused
                ? scaledDotProductAttention(heads[0], heads[1], heads[2], attentionMask: .blocked(padding), dropoutP: 0.3)
                : scaledDotProductAttentionComposed(heads[0], heads[1], heads[2], attentionMask: .blocked(padding), dropoutP: 0.3).output
            (y * Tensor.randn(y.shape, seed: 99)).sum().backward()
            results.append((y, base.map { $0.grad! }))
        }
        expectClose(results[0].0, results[1].0, "output")
        for i in 0..<3 { expectClose(results[0].1[i], results[1].1[i], "gradient \(i)") }
    }

    // MARK: Layer norm

    static let layerNormCases = ["layer_norm", "layer_norm_2d", "layer_norm_no_affine", "layer_norm_no_bias"]

    @Test(arguments: layerNormCases)
    func layerNormMatchesPyTorch(_ name: String) throws {
        let c = Self.fixture.case(name)
        let shape = c.ints("normalized_shape")
        let m = LayerNorm(shape, elementwiseAffine: c.bool("affine"), bias: c.bool("bias"))
        #expect(m.namedState().map(\.0) == (c.values["keys"] as! [String]))
        try m.loadState(Dictionary(uniqueKeysWithValues: m.namedState().map { ($0.0, c.tensor("param." + $0.0)) }))
        Self.expectCase(c, inputs: ["x"]) { x in m(x[0]) }
        for (key, p) in m.namedParameters() { expectClose(p.grad, c.tensor("grad." + key), "\(name) ∂\(key)") }
        let composedWeight = m.weight?.detached().requiringGrad(), composedBias = m.bias?.detached().requiringGrad()
        Self.expectCase(c, inputs: ["x"]) { x in layerNormComposed(x[0], normalizedShape: shape, weight: composedWeight, bias: composedBias) }
        if let composedWeight { expectClose(composedWeight.grad, c.tensor("grad.weight"), "composed ∂weight") }
    }

    @Test func layerNormGradcheck() {
        let inputs = [Tensor.randn([3, 7], seed: 20), Tensor.randn([7], seed: 21), Tensor.randn([7], seed: 22)]
        expectGradcheck(inputs, "layerNorm") { t in layerNorm(t[0], normalizedShape: [7], weight: t[1], bias: t[2]).square() }
    }

    /// Many rows split over the cores: ∂γ and ∂β summed per block equal the composed version's. Rows of
    /// 96 (whole vector pairs), 40 and 21 (vector loops with a scalar tail) and 7 (the tail alone); with γ
    /// and β, with either alone and with neither (LayerNormKernels' optional pointers).
    @Test(arguments: [(96, true, true), (40, true, false), (21, false, false), (21, true, true), (21, false, true), (7, true, true)])
    func layerNormFusedEqualsComposedOnManyRows(_ n: Int, _ hasWeight: Bool, _ hasBias: Bool) {
        let x = Tensor.randn([64, 40, n], seed: 23).requiringGrad(), x2 = x.detached().requiringGrad()
        let w = hasWeight ? Tensor.randn([n], seed: 24).requiringGrad() : nil, w2 = w?.detached().requiringGrad()
        let b = hasBias ? Tensor.randn([n], seed: 25).requiringGrad() : nil, b2 = b?.detached().requiringGrad()
        let r = Tensor.randn([64, 40, n], seed: 26)
        let y = layerNorm(x, normalizedShape: [n], weight: w, bias: b)
        let y2 = layerNormComposed(x2, normalizedShape: [n], weight: w2, bias: b2)
        expectClose(y, y2, rtol: 1e-4, atol: 1e-5, "[\(n)] output")
        (y * r).sum().backward()
        (y2 * r).sum().backward()
        expectClose(x.grad, x2.grad!, rtol: 1e-3, atol: 1e-4, "[\(n)] ∂x")
        if let w, let w2 { expectClose(w.grad, w2.grad!, rtol: 1e-3, atol: 1e-3, "[\(n)] ∂weight") }
        if let b, let b2 { expectClose(b.grad, b2.grad!, rtol: 1e-4, atol: 1e-4, "[\(n)] ∂bias") }
    }
}
