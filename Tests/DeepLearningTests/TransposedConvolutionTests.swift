import Testing
@testable import DeepLearning

/// convTranspose2d, ConvTranspose2d, interpolate and Upsample against PyTorch (Scripts/fixtures/conv_transpose.py),
/// finite differences, and the messages of bad arguments.
@Suite struct TransposedConvolutionTests {
    static let fixture = try! Fixture.load("conv_transpose")
    static let convCases = ["convt_basic", "convt_stride2", "convt_output_padding", "convt_rect", "convt_dilation",
                            "convt_dilation_stride", "convt_op_under_dilation", "convt_op_under_dilation_s2", "convt_groups",
                            "convt_depthwise", "convt_pointwise", "convt_dcgan_first", "convt_dcgan_up"]
    static let interpolationCases = ["interp_nearest_2x", "interp_nearest_size", "interp_nearest_down", "interp_bilinear_2x",
                                     "interp_bilinear_size", "interp_bilinear_down", "interp_bilinear_align",
                                     "interp_bilinear_align_scale", "interp_bilinear_align_one"]

    static func convTranspose(_ c: FixtureCase, _ x: Tensor, _ w: Tensor, _ b: Tensor?) -> Tensor {
        convTranspose2d(x, weight: w, bias: b, stride: c.pair("stride"), padding: c.pair("padding"),
                        outputPadding: c.pair("output_padding"), groups: c.int("groups"), dilation: c.pair("dilation"))
    }

    @Test(arguments: convCases)
    func convTransposeMatchesPyTorch(_ name: String) {
        let c = Self.fixture.case(name)
        let x = c.tensor("x").requiringGrad(), w = c.tensor("weight").requiringGrad()
        let b = c.has("bias") ? c.tensor("bias").requiringGrad() : nil
        let y = Self.convTranspose(c, x, w, b)
        expectClose(y, c.tensor("y"), atol: 1e-5, "\(name) y")
        (y * c.tensor("g")).sum().backward()
        expectClose(x.grad, c.tensor("gx"), atol: 1e-5, "\(name) ∂x")
        expectClose(w.grad, c.tensor("gweight"), atol: 1e-5, "\(name) ∂weight")
        if let b { expectClose(b.grad, c.tensor("gbias"), atol: 1e-5, "\(name) ∂bias") }
    }

    @Test(arguments: ["convt_stride2", "convt_op_under_dilation_s2", "convt_groups", "convt_dilation_stride"])
    func convTransposeGradcheck(_ name: String) {
        let c = Self.fixture.case(name)
        let inputs = [c.tensor("x"), c.tensor("weight")] + (c.has("bias") ? [c.tensor("bias")] : [])
        expectGradcheck(inputs, name) { t in Self.convTranspose(c, t[0], t[1], t.count > 2 ? t[2] : nil) }
    }

    /// The defining property: ⟨conv2d(y, W), x⟩ = ⟨y, convTranspose2d(x, W)⟩ for every x and y.
    @Test func isTheAdjointOfConv2d() {
        let w = Tensor.randn([6, 2, 3, 3], seed: 1)  // conv2d: 4 → 6 channels, groups 2; transposed: 6 → 4
        let y = Tensor.randn([2, 4, 9, 8], seed: 2)
        let cy = conv2d(y, weight: w, stride: 2, padding: 1, groups: 2)
        let x = Tensor.randn(cy.shape, seed: 3)
        let tx = convTranspose2d(x, weight: w, stride: (2, 2), padding: (1, 1), outputPadding: (0, 1), groups: 2)
        #expect(tx.shape == y.shape)
        let lhs = (cy * x).sum().item, rhs = (y * tx).sum().item
        #expect(Swift.abs(lhs - rhs) <= 1e-4 * Swift.abs(lhs))
    }

    @Test func layerMatchesTheFunctionAndInitialisesAsPyTorch() throws {
        let c = Self.fixture.case("convt_groups")
        let layer = ConvTranspose2d(4, 6, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, groups: 2)
        #expect(layer.weight.shape == [4, 3, 3, 3])
        #expect(layer.namedParameters().map(\.0) == ["weight", "bias"])
        // PyTorch: U(±1/√fanIn), fanIn = outChannels / groups · kh · kw = 27.
        let bound = 1 / Float(27).squareRoot()
        #expect(layer.weight.abs().max().item <= bound && layer.weight.abs().max().item > 0.8 * bound)
        #expect(layer.bias!.abs().max().item <= bound)
        try layer.loadState(["weight": c.tensor("weight"), "bias": c.tensor("bias")])
        expectClose(layer(c.tensor("x")), c.tensor("y"), atol: 1e-5, "layer y")
        expectClose(layer(c.tensor("x")[0]), c.tensor("y")[0], atol: 1e-5, "unbatched y")
    }

    @Test(arguments: interpolationCases)
    func interpolateMatchesPyTorch(_ name: String) {
        let c = Self.fixture.case(name)
        let x = c.tensor("x").requiringGrad()
        let mode = InterpolationMode(rawValue: c.string("mode"))!
        let size = c.has("size") ? c.pair("size") : nil
        let scale = c.has("scale_factor") ? (c.values["scale_factor"] as! [Double]) : nil
        let y = interpolate(x, size: size, scaleFactor: scale.map { ($0[0], $0[1]) }, mode: mode, alignCorners: c.bool("align_corners"))
        expectClose(y, c.tensor("y"), atol: 1e-5, "\(name) y")
        (y * c.tensor("g")).sum().backward()
        expectClose(x.grad, c.tensor("gx"), atol: 1e-5, "\(name) ∂x")
        let layer = Upsample(size: size, scaleFactor: scale.map { ($0[0], $0[1]) }, mode: mode, alignCorners: c.bool("align_corners"))
        expectClose(layer(c.tensor("x")), c.tensor("y"), atol: 1e-5, "\(name) Upsample")
    }

    @Test func interpolateGradcheck() {
        let x = Tensor.randn([1, 2, 3, 4], seed: 5)
        expectGradcheck([x], "bilinear") { t in interpolate(t[0], size: (5, 7), mode: .bilinear) }
        expectGradcheck([x], "bilinear aligned") { t in interpolate(t[0], size: (6, 5), mode: .bilinear, alignCorners: true) }
        expectGradcheck([x], "nearest") { t in interpolate(t[0], scaleFactor: 2) }
    }

    @Test func outputPaddingNotUnderStrideOrDilation() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ConvTranspose2d(4, 2, kernelSize: 3, stride: 2, outputPadding: 2)
        }
        ShapeErrorTests.expectMessage(result,
            "ConvTranspose2d(4, 2): output padding (2, 2) must be smaller than either the stride (2, 2) or the dilation (1, 1)")
        let functional = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = convTranspose2d(Tensor.zeros([1, 2, 3, 3]), weight: Tensor.zeros([2, 1, 3, 3]), stride: (1, 2), outputPadding: (1, 1))
        }
        ShapeErrorTests.expectMessage(functional,
            "convTranspose2d: output padding (1, 1) must be smaller than either the stride (1, 2) or the dilation (1, 1)")
    }

    @Test func channelsNotDivisibleByGroups() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ConvTranspose2d(6, 3, kernelSize: 3, groups: 2)
        }
        ShapeErrorTests.expectMessage(result, "ConvTranspose2d(6, 3): outChannels 3 is not divisible by groups 2")
        let input = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ConvTranspose2d(5, 4, kernelSize: 3, groups: 2)
        }
        ShapeErrorTests.expectMessage(input, "ConvTranspose2d(5, 4): inChannels 5 is not divisible by groups 2")
        let functional = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = convTranspose2d(Tensor.zeros([1, 3, 3, 3]), weight: Tensor.zeros([3, 1, 3, 3]), groups: 2)
        }
        ShapeErrorTests.expectMessage(functional, "convTranspose2d: input of shape [1, 3, 3, 3] has 3 channels, not divisible by groups 2")
    }

    @Test func wrongInputChannels() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ConvTranspose2d(4, 2, kernelSize: 3)(Tensor.zeros([1, 3, 5, 5]))
        }
        ShapeErrorTests.expectMessage(result, "ConvTranspose2d(4, 2): input of shape [1, 3, 5, 5] has 3 channels, expected 4")
    }
}
