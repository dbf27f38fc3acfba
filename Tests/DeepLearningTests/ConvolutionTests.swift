import Testing
@testable import DeepLearning

extension FixtureCase {
    /// A two-element list as a pair, e.g. `stride: [2, 1]`.
    func pair(_ key: String) -> (Int, Int) {
        let v = ints(key)
        return (v[0], v[1])
    }
}

@Suite struct ConvolutionTests {
    static let fixture = try! Fixture.load("conv")
    static let cases = ["conv_basic", "conv_stride_pad_rect", "conv_stride_w", "conv_dilation", "conv_dilation_stride",
                        "conv_stride2_dilation2", "conv_tall_kernel", "conv_one_row", "conv_groups",
                        "conv_depthwise", "conv_pointwise", "conv_pointwise_groups", "conv_lenet1", "conv_lenet2"]

    @Test(arguments: cases)
    func matchesPyTorch(_ name: String) {
        let c = Self.fixture.case(name)
        let x = c.tensor("x").requiringGrad(), w = c.tensor("weight").requiringGrad()
        let b = c.has("bias") ? c.tensor("bias").requiringGrad() : nil
        let y = conv2d(x, weight: w, bias: b, stride: c.pair("stride"), padding: c.pair("padding"), dilation: c.pair("dilation"),
                       groups: c.int("groups"))
        // Sums of up to 150 float32 products: 1e-5 relative, and 1e-5 absolute for results near 0.
        expectClose(y, c.tensor("y"), atol: 1e-5, "\(name) y")
        (y * c.tensor("g")).sum().backward()
        expectClose(x.grad, c.tensor("gx"), atol: 1e-5, "\(name) ∂x")
        expectClose(w.grad, c.tensor("gweight"), atol: 1e-5, "\(name) ∂weight")
        if let b { expectClose(b.grad, c.tensor("gbias"), atol: 1e-5, "\(name) ∂bias") }
    }

    @Test func gradientsAccumulateOverTwoBackwardPasses() {
        let c = Self.fixture.case("conv_groups")
        let x = c.tensor("x").requiringGrad(), w = c.tensor("weight").requiringGrad(), b = c.tensor("bias").requiringGrad()
        for _ in 0..<2 {
            let y = conv2d(x, weight: w, bias: b, padding: 1, groups: 2)
            (y * c.tensor("g")).sum().backward()
        }
        expectClose(w.grad, c.tensor("gweight") * 2, atol: 2e-5, "∂weight after two passes")
        expectClose(x.grad, c.tensor("gx") * 2, atol: 2e-5, "∂x after two passes")
    }

    @Test func onlyTheInputsThatRequireGradReceiveOne() {
        let c = Self.fixture.case("conv_lenet1")
        let w = c.tensor("weight").requiringGrad(), b = c.tensor("bias")
        let y = conv2d(c.tensor("x"), weight: w, bias: b, padding: 2)
        (y * c.tensor("g")).sum().backward()
        expectClose(w.grad, c.tensor("gweight"), atol: 1e-5, "∂weight")
        #expect(b.grad == nil)
    }

    @Test func unbatchedInputAndNoGradMode() {
        let c = Self.fixture.case("conv_basic")
        let x = c.tensor("x"), w = c.tensor("weight"), b = c.tensor("bias")
        let y = withNoGrad { conv2d(x[1], weight: w.requiringGrad(), bias: b) }
        #expect(!y.requiresGrad)
        expectClose(y, c.tensor("y")[1], atol: 1e-5, "unbatched y")
    }

    @Test func singleImageAndLargeBatchAgree() {
        // The batch is split across cores when large; every image must come out as when alone.
        let x = Tensor.randn([9, 3, 10, 10], seed: 1), w = Tensor.randn([8, 3, 3, 3], seed: 2)
        let all = conv2d(x, weight: w, padding: 1)
        for i in [0, 4, 8] {
            expectClose(all[.index(i)], conv2d(x[i..<(i + 1)], weight: w, padding: 1)[0], "image \(i)")
        }
    }

    @Test func nonContiguousInput() {
        let x = Tensor.randn([2, 5, 6, 3], seed: 3).permuted([0, 3, 1, 2])  // [2, 3, 5, 6], not contiguous
        let w = Tensor.randn([4, 3, 2, 2], seed: 4)
        expectClose(conv2d(x, weight: w, stride: 2), conv2d(x.contiguous(), weight: w, stride: 2), "permuted input")
    }

    @Test(arguments: [
        (stride: 1, padding: 0, dilation: 1, groups: 1, bias: true),
        (stride: 2, padding: 1, dilation: 1, groups: 1, bias: true),
        (stride: 1, padding: 2, dilation: 2, groups: 2, bias: false),
        (stride: 2, padding: 1, dilation: 1, groups: 4, bias: true),
    ])
    func gradcheckConv(_ p: (stride: Int, padding: Int, dilation: Int, groups: Int, bias: Bool)) {
        let x = Tensor.randn([2, 4, 5, 5], seed: 5), w = Tensor.randn([4, 4 / p.groups, 3, 3], seed: 6) * 0.5
        let b = Tensor.randn([4], seed: 7)
        expectGradcheck(p.bias ? [x, w, b] : [x, w], "conv2d \(p)") { t in
            conv2d(t[0], weight: t[1], bias: p.bias ? t[2] : nil, stride: p.stride, padding: p.padding, dilation: p.dilation, groups: p.groups)
        }
    }

    /// The stride-2 im2col and col2im (a zero-bordered plane, vector reads and adds) against the row-by-row
    /// ones with edge tests: the same floats, bit for bit, for rows shorter than 8 outputs, of 8, and longer
    /// with a partial vector; with and without padding, dilation and vertical stride.
    @Test(arguments: [
        (c: 3, h: 14, w: 14, kh: 4, kw: 4, sh: 2, ph: 1, pw: 1, dh: 1, dw: 1),   // DCGAN's 14×14 → 7×7
        (c: 2, h: 28, w: 28, kh: 4, kw: 4, sh: 2, ph: 1, pw: 1, dh: 1, dw: 1),   // → 14×14
        (c: 2, h: 9, w: 33, kh: 3, kw: 3, sh: 1, ph: 0, pw: 1, dh: 1, dw: 1),    // 17 outputs a row, stride 1 down
        (c: 1, h: 11, w: 16, kh: 3, kw: 5, sh: 3, ph: 2, pw: 3, dh: 2, dw: 2),   // dilated, wide padding
        (c: 4, h: 8, w: 8, kh: 1, kw: 1, sh: 2, ph: 0, pw: 0, dh: 1, dw: 1),     // ResNet's 1×1 shortcut
        (c: 2, h: 5, w: 2, kh: 3, kw: 3, sh: 2, ph: 2, pw: 2, dh: 1, dw: 1),     // padding wider than the image
    ])
    func strideTwoRowsMatchTheGeneralRows(_ p: (c: Int, h: Int, w: Int, kh: Int, kw: Int, sh: Int, ph: Int, pw: Int, dh: Int, dw: Int)) {
        let g = WindowGeometry(channels: p.c, height: p.h, width: p.w, kernelHeight: p.kh, kernelWidth: p.kw, strideH: p.sh, strideW: 2,
                               padH: p.ph, padW: p.pw, dilationH: p.dh, dilationW: p.dw)
        let x = Tensor.randn([p.c * p.h * p.w], seed: 21).scalars
        let col = Tensor.randn([g.patchSize * g.outPlane], seed: 22).scalars
        var fast = [Float](repeating: .nan, count: g.patchSize * g.outPlane), plain = fast
        x.withUnsafeBufferPointer { x in
            fast.withUnsafeMutableBufferPointer { Im2col.im2colStrideTwo(g, x.baseAddress!, $0.baseAddress!) }
            plain.withUnsafeMutableBufferPointer { Im2col.im2colByRows(g, x.baseAddress!, $0.baseAddress!) }
        }
        #expect(fast.elementsEqual(plain) { $0.bitPattern == $1.bitPattern }, "im2col \(p)")
        var fastX = [Float](repeating: 0, count: x.count), plainX = fastX
        col.withUnsafeBufferPointer { col in
            fastX.withUnsafeMutableBufferPointer { Im2col.col2imStrideTwo(g, col.baseAddress!, $0.baseAddress!) }
            plainX.withUnsafeMutableBufferPointer { Im2col.col2imByRows(g, col.baseAddress!, $0.baseAddress!) }
        }
        #expect(fastX.elementsEqual(plainX) { $0.bitPattern == $1.bitPattern }, "col2im \(p)")
    }

    @Test func layerFollowsPyTorch() {
        Tensor.manualSeed(0)
        let conv = Conv2d(3, 8, kernelSize: 3, padding: 1)
        #expect(conv.namedParameters().map(\.0) == ["weight", "bias"])
        #expect(conv.weight.shape == [8, 3, 3, 3] && conv.bias?.shape == [8])
        let bound = 1 / Float(27).squareRoot()
        #expect(conv.weight.scalars.allSatisfy { Swift.abs($0) <= bound })
        #expect(conv.bias!.scalars.allSatisfy { Swift.abs($0) <= bound })
        #expect(conv.weight.scalars.max()! > 0.8 * bound && conv.weight.scalars.min()! < -0.8 * bound)

        let depthwise = Conv2d(6, 6, kernelSize: (3, 5), stride: (2, 1), groups: 6, bias: false)
        #expect(depthwise.namedParameters().map(\.0) == ["weight"])
        #expect(depthwise.weight.shape == [6, 1, 3, 5])
        #expect(depthwise.weight.scalars.allSatisfy { Swift.abs($0) <= 1 / Float(15).squareRoot() })

        let x = Tensor.randn([2, 3, 6, 6], seed: 8)
        let y = conv(x)
        #expect(y.shape == [2, 8, 6, 6])
        expectClose(y, conv2d(x, weight: conv.weight, bias: conv.bias, padding: 1), "layer = functional")
        #expect(Sequential(conv, ReLU()).namedParameters().map(\.0) == ["0.weight", "0.bias"])
    }

    @Test func smallCNNLearnsAFixedBatch() {
        let model = Sequential(Conv2d(1, 4, kernelSize: 3, padding: 1), BatchNorm2d(4), ReLU(), MaxPool2d(kernelSize: 2),
                               Dropout(p: 0.1), Flatten(), Linear(4 * 4 * 4, 3))
        #expect(model.namedState().map(\.0) == ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                                                "1.num_batches_tracked", "6.weight", "6.bias"])
        let x = Tensor.randn([12, 1, 8, 8], seed: 11)
        let labels = Tensor((0..<12).map { Float($0 % 3) }, shape: [12, 1])
        func loss() -> Tensor { -model(x).logSoftmax(alongAxis: 1).gathering(alongAxis: 1, indices: labels).mean() }
        let first = loss().item
        for _ in 0..<40 {
            model.zeroGrad()
            loss().backward()
            for p in model.parameters() {
                let g = p.grad!.scalars
                p.withUnsafeMutableElements { for i in $0.indices { $0[i] -= 0.1 * g[i] } }
            }
        }
        model.eval()
        let last = loss().item
        #expect(last < 0.3 * first, "loss \(first) → \(last)")
    }

    @Test func wrongChannelCountStopsWithAMessage() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let conv = Conv2d(3, 8, kernelSize: 3)
            _ = conv(Tensor.zeros([2, 4, 5, 5]))
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("Conv2d(3, 8): input of shape [2, 4, 5, 5] has 4 channels, expected 3"))
    }
}
