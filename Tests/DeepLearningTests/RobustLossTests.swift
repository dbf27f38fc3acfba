import Testing
@testable import DeepLearning

/// huberLoss and smoothL1Loss against PyTorch (Scripts/fixtures/rl.py) and finite differences.
@Suite struct RobustLossTests {
    static let fixture = try! Fixture.load("rl")

    static func cases(_ fn: String) -> [String] {
        fixture.cases.filter { ($0.value["fn"] as? String) == fn }.map(\.key).sorted()
    }

    func check(_ name: String, _ loss: (Tensor, Tensor, Reduction, Float) -> Tensor, parameter: String) {
        let c = Self.fixture.case(name)
        let reduction: Reduction = ["mean": .mean, "sum": .sum, "none": .none][c.string("reduction")]!
        let x = c.tensor("input").requiringGrad(), y = c.tensor("target").requiringGrad()
        let out = loss(x, y, reduction, Float(c.number(parameter)))
        expectClose(out, c.tensor("out"), "\(name): loss")
        (out * c.tensor("r")).sum().backward()
        expectClose(x.grad, c.tensor("d_input"), "\(name): gradient of input")
        expectClose(y.grad, c.tensor("d_target"), "\(name): gradient of target")
    }

    @Test(arguments: cases("huber_loss")) func huberMatchesPyTorch(_ name: String) {
        check(name, { huberLoss($0, $1, reduction: $2, delta: $3) }, parameter: "delta")
    }

    @Test(arguments: cases("smooth_l1_loss")) func smoothL1MatchesPyTorch(_ name: String) {
        check(name, { smoothL1Loss($0, $1, reduction: $2, beta: $3) }, parameter: "beta")
    }

    @Test func bothFamiliesHaveCases() {
        #expect(Self.cases("huber_loss").count == 9 && Self.cases("smooth_l1_loss").count == 9)
    }

    /// The one-loop path of same-shape inputs equals the composed one (values and gradients), every reduction.
    @Test func fusedEqualsComposed() {
        let x = Tensor.randn([5, 7], seed: 1) * 2, y = Tensor.randn([5, 7], seed: 2)
        for reduction in [Reduction.mean, .sum, .none] {
            for (fast, slow) in [({ huberLoss($0, $1, reduction: reduction, delta: 0.7) }, { composedHuberLoss($0, $1, reduction: reduction, delta: 0.7) }),
                                 ({ smoothL1Loss($0, $1, reduction: reduction, beta: 1.3) }, { composedSmoothL1Loss($0, $1, reduction: reduction, beta: 1.3) })]
                as [((Tensor, Tensor) -> Tensor, (Tensor, Tensor) -> Tensor)] {
                let (x1, y1, x2, y2) = (x.requiringGrad(), y.requiringGrad(), x.requiringGrad(), y.requiringGrad())
                let a = fast(x1, y1), b = slow(x2, y2)
                expectClose(a, b, "forward \(reduction)")
                let up = Tensor.randn(a.shape, seed: 3)
                (a * up).sum().backward()
                (b * up).sum().backward()
                expectClose(x1.grad, x2.grad!, "input gradient \(reduction)")
                expectClose(y1.grad, y2.grad!, "target gradient \(reduction)")
            }
        }
    }

    /// Inputs kept 0.1 away from the kinks |d| = δ (and d = 0).
    @Test func gradcheck() {
        let x = Tensor([0.3, -1.7, 2.4, -0.45, 1.25, 0.8], shape: [2, 3]).requiringGrad()
        let y = Tensor([0.0, 0.2, -0.5, 0.3, 0.1, -0.6], shape: [2, 3]).requiringGrad()
        expectGradcheck([x, y], "huberLoss") { huberLoss($0[0], $0[1], delta: 1) }
        expectGradcheck([x, y], "huberLoss(delta: 0.5)") { huberLoss($0[0], $0[1], reduction: .sum, delta: 0.5) }
        expectGradcheck([x, y], "smoothL1Loss(beta: 2)") { smoothL1Loss($0[0], $0[1], beta: 2) }
        expectGradcheck([x, y], "smoothL1Loss(beta: 0)") { smoothL1Loss($0[0], $0[1], reduction: .sum, beta: 0) }
        expectGradcheck([x, y[0]], "huberLoss, broadcast target") { huberLoss($0[0], $0[1], reduction: .sum, delta: 1) }
    }
}

/// Categorical and Normal against torch.distributions (Scripts/fixtures/rl.py); seeded sampling.
@Suite struct DistributionTests {
    static let fixture = RobustLossTests.fixture

    @Test func categoricalFromLogits() {
        let c = Self.fixture.case("categorical_logits")
        let logits = c.tensor("logits").requiringGrad()
        let d = Categorical(logits: logits)
        expectClose(d.probs, c.tensor("probs"), "probs")
        let logProb = d.logProb(c.tensor("value")), entropy = d.entropy()
        expectClose(logProb, c.tensor("log_prob"), "logProb")
        expectClose(entropy, c.tensor("entropy"), "entropy")
        ((logProb * c.tensor("r_log_prob")).sum() + (entropy * c.tensor("r_entropy")).sum()).backward()
        expectClose(logits.grad, c.tensor("d_logits"), "gradient of logits")
        #expect(d.mode.scalars == (0..<4).map { row in Float(c.tensor("logits")[row].scalars.indices.max { c.tensor("logits")[row].scalars[$0] < c.tensor("logits")[row].scalars[$1] }!) })
    }

    @Test func categoricalFromProbsWithAZero() {
        let c = Self.fixture.case("categorical_probs")
        let d = Categorical(probs: c.tensor("probs_in"))
        expectClose(d.probs, c.tensor("probs"), "probs")
        expectClose(d.entropy(), c.tensor("entropy"), "entropy")
        expectClose(d.logProb(c.tensor("value")), c.tensor("log_prob"), "logProb")
    }

    @Test func normal() {
        let c = Self.fixture.case("normal")
        let loc = c.tensor("loc").requiringGrad(), scale = c.tensor("scale").requiringGrad()
        let d = Normal(loc: loc, scale: scale)
        let logProb = d.logProb(c.tensor("value")), entropy = d.entropy()
        expectClose(logProb, c.tensor("log_prob"), "logProb")
        expectClose(entropy, c.tensor("entropy"), "entropy")
        ((logProb * c.tensor("r_log_prob")).sum() + (entropy * c.tensor("r_entropy")).sum()).backward()
        expectClose(loc.grad, c.tensor("d_loc"), "gradient of loc")
        expectClose(scale.grad, c.tensor("d_scale"), "gradient of scale")
    }

    @Test func samplingIsSeededAndFollowsTheProbabilities() {
        let d = Categorical(probs: Tensor(Array(repeating: [0.1, 0.0, 0.6, 0.3], count: 5000).flatMap { $0 }, shape: [5000, 4]))
        var g1 = RandomGenerator(seed: 9), g2 = RandomGenerator(seed: 9), g3 = RandomGenerator(seed: 10)
        let a = d.sample(using: &g1).scalars
        #expect(a == d.sample(using: &g2).scalars)
        #expect(a != d.sample(using: &g3).scalars)
        let frequency = (0..<4).map { k in Float(a.filter { $0 == Float(k) }.count) / 5000 }
        #expect(frequency[1] == 0)
        for (f, p) in zip(frequency, [Float(0.1), 0, 0.6, 0.3]) { #expect(abs(f - p) < 0.03, "frequency \(f) for p = \(p)") }

        let n = Normal(loc: Tensor.full([4000], 1.5), scale: Tensor.full([4000], 0.5))
        var h1 = RandomGenerator(seed: 3), h2 = RandomGenerator(seed: 3)
        let x = n.sample(using: &h1)
        #expect(x.scalars == n.sample(using: &h2).scalars)
        #expect(abs(x.mean().item - 1.5) < 0.03 && abs(x.variance(alongAxes: [0]).item.squareRoot() - 0.5) < 0.03)
    }
}
