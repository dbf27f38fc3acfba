import Testing
@testable import DeepLearning

@Suite struct PoolingTests {
    static let fixture = try! Fixture.load("conv")
    static let cases = ["pool_max_2", "pool_max_odd", "pool_max_3s2p1", "pool_max_rect", "pool_max_ties", "pool_max_ties_2",
                        "pool_max_wide", "pool_max_wide_ties",
                        "pool_avg_2", "pool_avg_3s2p1", "pool_avg_rect", "pool_avg_edge",
                        "pool_adaptive_3", "pool_adaptive_rect", "pool_adaptive_global", "pool_adaptive_up"]

    static func pooled(_ c: FixtureCase, _ x: Tensor) -> Tensor {
        switch c.string("kind") {
        case "max":
            return maxPool2d(x, kernelSize: c.pair("kernel_size"), stride: c.has("stride") ? c.pair("stride") : nil,
                             padding: c.has("padding") ? c.pair("padding") : (0, 0))
        case "avg":
            return avgPool2d(x, kernelSize: c.pair("kernel_size"), stride: c.has("stride") ? c.pair("stride") : nil,
                             padding: c.has("padding") ? c.pair("padding") : (0, 0))
        default:
            return adaptiveAvgPool2d(x, outputSize: c.pair("output_size"))
        }
    }

    @Test(arguments: cases)
    func matchesPyTorch(_ name: String) {
        let c = Self.fixture.case(name)
        let x = c.tensor("x").requiringGrad()
        let y = Self.pooled(c, x)
        expectClose(y, c.tensor("y"), "\(name) y")
        (y * c.tensor("g")).sum().backward()
        expectClose(x.grad, c.tensor("gx"), "\(name) ∂x")
    }

    @Test func maxPoolGradientGoesToTheFirstMaximum() {
        let x = Tensor([[[[1, 3, 3, 0], [3, 2, 0, 0]]]]).requiringGrad()  // [1, 1, 2, 4]
        let y = maxPool2d(x, kernelSize: 2)
        #expect(y.scalars == [3, 3])
        y.sum().backward()
        #expect(x.grad!.scalars == [0, 1, 1, 0, 0, 0, 0, 0])
    }

    @Test func maxPoolPropagatesNaN() {
        // A NaN wins its window, as in PyTorch; both the vector (2×2) and the general kernel.
        var values = (0..<(2 * 20)).map { Float($0) }
        values[3] = .nan
        values[25] = .nan
        let x = Tensor(values, shape: [1, 1, 2, 20]).requiringGrad()
        for y in [maxPool2d(x, kernelSize: 2), maxPool2d(x, kernelSize: 2, stride: 2, padding: 1)] {
            #expect(y.scalars.filter(\.isNaN).count == 2)
            y.sum().backward()
            #expect(x.grad!.scalars[3] == 1 && x.grad!.scalars[25] == 1)
            x.zeroGrad()
        }
    }

    @Test func layersMatchFunctions() {
        let x = Tensor.randn([2, 3, 9, 8], seed: 1)
        expectClose(MaxPool2d(kernelSize: 3, stride: 2, padding: 1)(x), maxPool2d(x, kernelSize: 3, stride: 2, padding: 1), "MaxPool2d")
        expectClose(AvgPool2d(kernelSize: 2)(x), avgPool2d(x, kernelSize: 2), "AvgPool2d")
        expectClose(AdaptiveAvgPool2d(outputSize: (4, 3))(x), adaptiveAvgPool2d(x, outputSize: (4, 3)), "AdaptiveAvgPool2d")
        #expect(MaxPool2d(kernelSize: 2)(x).shape == [2, 3, 4, 4])
        #expect(AdaptiveAvgPool2d(outputSize: 1)(x).shape == [2, 3, 1, 1])
        expectClose(AdaptiveAvgPool2d(outputSize: 1)(x).flattened(from: 1), x.mean(alongAxes: [2, 3]), "global average")
        #expect(maxPool2d(x[0], kernelSize: 2).shape == [3, 4, 4])
        #expect(MaxPool2d(kernelSize: 2).namedState().isEmpty)
    }

    @Test func gradchecks() {
        // Distinct values spaced well beyond the finite-difference step, so no window's maximum changes.
        let n = 2 * 2 * 7 * 7
        var order = Array(0..<n)
        var g = RandomGenerator(seed: 3)
        order.shuffle(using: &g)
        let x = Tensor(order.map { Float($0) * 0.1 }, shape: [2, 2, 7, 7])
        expectGradcheck([x], "maxPool2d") { maxPool2d($0[0], kernelSize: 3, stride: 2, padding: 1) }
        expectGradcheck([x], "maxPool2d 2") { maxPool2d($0[0], kernelSize: 2) }
        let r = Tensor.randn([2, 2, 7, 6], seed: 4)
        expectGradcheck([r], "avgPool2d") { avgPool2d($0[0], kernelSize: (3, 2), stride: (2, 1), padding: (1, 1)) }
        expectGradcheck([r], "avgPool2d exclude pad") { avgPool2d($0[0], kernelSize: 3, stride: 2, padding: 1, countIncludePad: false) }
        expectGradcheck([r], "adaptiveAvgPool2d") { adaptiveAvgPool2d($0[0], outputSize: (3, 4)) }
    }
}
