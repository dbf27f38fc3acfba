import Testing
@testable import DeepLearning

@Suite struct BatchNormTests {
    static let fixture = try! Fixture.load("conv")

    /// Trains for the case's steps, then evaluates once, checking every output, gradient and running
    /// statistic against PyTorch.
    @Test(arguments: ["bn2d", "bn2d_momentum_none", "bn2d_no_affine", "bn1d_2d", "bn1d_3d"])
    func matchesPyTorch(_ name: String) throws {
        let c = Self.fixture.case(name)
        let shape = c.tensor("step0_x").shape
        let momentum: Float? = c.number("momentum") < 0 ? nil : Float(c.number("momentum"))
        let affine = c.bool("affine")
        let bn: BatchNorm = shape.count == 4 ? BatchNorm2d(shape[1], momentum: momentum, affine: affine)
                                             : BatchNorm1d(shape[1], momentum: momentum, affine: affine)
        if affine {
            bn.weight!.assign(c.tensor("weight"))
            bn.bias!.assign(c.tensor("bias"))
        }
        let steps = c.int("steps")
        for step in 0...steps {
            let p = "step\(step)_"
            bn.train(step < steps)
            bn.zeroGrad()
            let x = c.tensor(p + "x").requiringGrad()
            let y = (bn as! any Layer)(x)
            expectClose(y, c.tensor(p + "y"), "\(name) \(p)y")
            (y * c.tensor(p + "g")).sum().backward()
            expectClose(x.grad, c.tensor(p + "gx"), "\(name) \(p)∂x")
            if affine {
                expectClose(bn.weight!.grad, c.tensor(p + "gweight"), "\(name) \(p)∂weight")
                expectClose(bn.bias!.grad, c.tensor(p + "gbias"), "\(name) \(p)∂bias")
            }
            expectClose(bn.runningMean!, c.tensor(p + "running_mean"), "\(name) \(p)running_mean")
            expectClose(bn.runningVar!, c.tensor(p + "running_var"), "\(name) \(p)running_var")
            #expect(bn.numBatchesTracked!.item == Float(c.int(p + "num_batches_tracked")))
        }
    }

    @Test func stateDictFollowsPyTorch() throws {
        let bn = BatchNorm2d(3)
        #expect(bn.namedState().map(\.0) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"])
        #expect(bn.namedParameters().map(\.0) == ["weight", "bias"])
        #expect(bn.numBatchesTracked!.shape == [])
        #expect(bn.weight!.scalars == [1, 1, 1] && bn.bias!.scalars == [0, 0, 0])
        #expect(bn.runningMean!.scalars == [0, 0, 0] && bn.runningVar!.scalars == [1, 1, 1])
        let net = Sequential(Linear(4, 5), BatchNorm1d(5, affine: false))
        #expect(net.namedBuffers().map(\.0) == ["1.running_mean", "1.running_var", "1.num_batches_tracked"])
        #expect(BatchNorm1d(5, trackRunningStats: false).namedState().map(\.0) == ["weight", "bias"])

        var state = Dictionary(uniqueKeysWithValues: bn.namedState().map { ($0.0, $0.1) })
        state["running_mean"] = Tensor([1, 2, 3])
        state["num_batches_tracked"] = Tensor(7)
        try bn.loadState(state)
        #expect(bn.runningMean!.scalars == [1, 2, 3] && bn.numBatchesTracked!.item == 7)
    }

    @Test func withoutRunningStatisticsEvaluationUsesTheBatch() {
        let bn = BatchNorm2d(2, affine: false, trackRunningStats: false)
        bn.eval()
        let x = Tensor.randn([3, 2, 4, 4], seed: 1) * 3 + 1
        let y = bn(x)
        let mean = x.mean(alongAxes: [0, 2, 3], keepDims: true)
        let variance = x.variance(alongAxes: [0, 2, 3], keepDims: true, unbiased: false)
        expectClose(y, (x - mean) / (variance + 1e-5).sqrt(), rtol: 1e-4, atol: 1e-5, "batch statistics in eval")
    }

    @Test func fusedBackwardMatchesComposedOps() {
        // The same normalization built from primitive ops, whose gradients come from their own rules.
        let x = Tensor.randn([5, 3, 2, 3], seed: 2) * 2 + 0.5, g = Tensor.randn([5, 3, 2, 3], seed: 3)
        let w = Tensor([0.5, 1.5, -1]), b = Tensor([0.1, 0.2, 0.3])
        let (x1, w1, b1) = (x.requiringGrad(), w.requiringGrad(), b.requiringGrad())
        (batchNorm(x1, runningMean: nil, runningVar: nil, weight: w1, bias: b1, training: true) * g).sum().backward()
        let (x2, w2, b2) = (x.requiringGrad(), w.requiringGrad(), b.requiringGrad())
        let mean = x2.mean(alongAxes: [0, 2, 3], keepDims: true)
        let variance = x2.variance(alongAxes: [0, 2, 3], keepDims: true, unbiased: false)
        let y = (x2 - mean) / (variance + 1e-5).sqrt() * w2.reshaped(to: [1, 3, 1, 1]) + b2.reshaped(to: [1, 3, 1, 1])
        (y * g).sum().backward()
        expectClose(x1.grad, x2.grad!, rtol: 1e-4, atol: 1e-5, "∂x")
        expectClose(w1.grad, w2.grad!, rtol: 1e-4, atol: 1e-5, "∂weight")
        expectClose(b1.grad, b2.grad!, rtol: 1e-4, atol: 1e-5, "∂bias")
    }

    @Test func gradchecks() {
        let x = Tensor.randn([4, 3, 2, 2], seed: 4), w = Tensor([0.5, 1.5, -1]), b = Tensor([0.1, 0.2, 0.3])
        expectGradcheck([x, w, b], "batchNorm training [N, C, H, W]") { t in
            batchNorm(t[0], runningMean: nil, runningVar: nil, weight: t[1], bias: t[2], training: true)
        }
        let rm = Tensor([0.2, -0.1, 0.4]), rv = Tensor([0.5, 2, 1])
        expectGradcheck([x, w, b], "batchNorm eval") { t in
            batchNorm(t[0], runningMean: rm, runningVar: rv, weight: t[1], bias: t[2], training: false)
        }
        let x2 = Tensor.randn([6, 5], seed: 5), w2 = Tensor.randn([5], seed: 6), b2 = Tensor.randn([5], seed: 7)
        expectGradcheck([x2, w2, b2], "batchNorm training [N, C]") { t in
            batchNorm(t[0], runningMean: nil, runningVar: nil, weight: t[1], bias: t[2], training: true)
        }
        let x3 = Tensor.randn([3, 2, 11], seed: 8)
        expectGradcheck([x3], "batchNorm training [N, C, L] without affine") { t in
            batchNorm(t[0], runningMean: nil, runningVar: nil, training: true)
        }
    }

    @Test func wideInputsTakeTheVectorPaths() {
        // 19 channels: two full vectors and a tail on the [N, C] path; 37 positions on the [N, C, L] path.
        for shape in [[16, 19], [4, 3, 37]] {
            let x = Tensor.randn(shape, seed: 9) * 2 + 3
            let axes = shape.count == 2 ? [0] : [0, 2]
            let mean = x.mean(alongAxes: axes, keepDims: true)
            let variance = x.variance(alongAxes: axes, keepDims: true, unbiased: false)
            let y = batchNorm(x, runningMean: nil, runningVar: nil, training: true)
            expectClose(y, (x - mean) / (variance + 1e-5).sqrt(), rtol: 1e-4, atol: 1e-5, "\(shape)")
        }
    }

    @Test func wrongChannelCountStopsWithAMessage() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = BatchNorm2d(3)(Tensor.zeros([2, 4, 5, 5]))
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("BatchNorm2d(3): input of shape [2, 4, 5, 5] has 4 channels, expected 3"))
    }
}
