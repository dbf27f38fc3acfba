import Testing
@testable import DeepLearning

/// Schedulers bound to an optimizer against torch.optim.lr_scheduler (Scripts/fixtures/schedulers.py,
/// PyTorch 2.13): getLastLR() and the optimizer's lr after 0, 1, 2, … calls of step(), from lr = 0.1.
@Suite struct LRSchedulerTests {
    static let fixture = try! Fixture.load("schedulers")

    static func optimizer() -> SGD { SGD([Tensor([0]).requiringGrad()], lr: 0.1) }

    /// Steps `scheduler` as often as the fixture says and compares each rate.
    func check(_ key: String, _ optimizer: Optimizer, _ scheduler: some LRScheduler) {
        let expected = (Self.fixture.cases[key]!["lr"] as! [Double]).map { Float($0) }
        var rates = scheduler.getLastLR()
        #expect(optimizer.lr == rates[0], "\(key): the optimizer's rate after construction")
        for _ in 1..<expected.count {
            optimizer.step()
            scheduler.step()
            rates += scheduler.getLastLR()
            #expect(optimizer.lr == rates.last!)
        }
        expectClose(Tensor(rates), Tensor(expected), rtol: 1e-5, atol: 1e-9, key)
        #expect(scheduler.lastEpoch == expected.count - 1)
    }

    @Test func stepLR() { let o = Self.optimizer(); check("step", o, StepLR(o, stepSize: 3, gamma: 0.5)) }
    @Test func multiStepLR() { let o = Self.optimizer(); check("multistep", o, MultiStepLR(o, milestones: [2, 5, 9], gamma: 0.3)) }
    @Test func exponentialLR() { let o = Self.optimizer(); check("exponential", o, ExponentialLR(o, gamma: 0.9)) }
    @Test func cosineAnnealingLR() { let o = Self.optimizer(); check("cosine", o, CosineAnnealingLR(o, tMax: 10, etaMin: 0.001)) }
    @Test func linearLR() {
        let o = Self.optimizer(); check("linear", o, LinearLR(o, startFactor: 0.25, endFactor: 1, totalIters: 4))
        let d = Self.optimizer(); check("linear_default", d, LinearLR(d))
    }
    @Test func oneCycleLR() {
        let o = Self.optimizer(); check("onecycle", o, OneCycleLR(o, maxLR: 0.5, totalSteps: 20))
        let t = Self.optimizer()
        check("onecycle_linear_three_phase", t, OneCycleLR(t, maxLR: 0.5, totalSteps: 20, annealStrategy: .linear, threePhase: true))
    }
    @Test func sequentialLR() {
        let o = Self.optimizer()
        check("sequential", o, SequentialLR(o, schedulers: [LinearLR(o, startFactor: 0.1, totalIters: 3), ExponentialLR(o, gamma: 0.9)],
                                            milestones: [3]))
        let c = Self.optimizer()
        check("sequential_cosine", c, SequentialLR(c, schedulers: [LinearLR(c, startFactor: 0.5, totalIters: 2),
                                                                   CosineAnnealingLR(c, tMax: 6, etaMin: 0.01)], milestones: [4]))
    }

    @Test func reduceLROnPlateau() {
        for (key, make) in [
            ("plateau_min", { (o: Optimizer) in ReduceLROnPlateau(o, mode: .min, factor: 0.5, patience: 2, threshold: 1e-4, cooldown: 1, minLR: 0.01) }),
            ("plateau_max_abs", { (o: Optimizer) in ReduceLROnPlateau(o, mode: .max, factor: 0.1, patience: 1, threshold: 0.01, thresholdMode: .abs) }),
        ] {
            let o = Self.optimizer(), scheduler = make(o)
            let c = Self.fixture.cases[key]!
            let metrics = (c["metrics"] as! [Double]).map { Float($0) }, expected = (c["lr"] as! [Double]).map { Float($0) }
            var rates: [Float] = []
            for m in metrics {
                scheduler.step(m)
                rates += scheduler.getLastLR()
            }
            expectClose(Tensor(rates), Tensor(expected), rtol: 1e-5, atol: 1e-12, key)
        }
    }

    /// The closed forms and the bound schedulers agree; a closed-form schedule still works without an optimizer.
    @Test func boundAndClosedFormAgree() {
        let o = Self.optimizer()
        let bound = CosineAnnealingLR(o, tMax: 7, etaMin: 0.01), free = CosineAnnealingLR(initial: 0.1, tMax: 7, etaMin: 0.01)
        for t in 1...10 {
            bound.step()
            #expect(o.lr == free(t))
        }
        #expect(free.binding == nil && free.lastEpoch == 0)
    }
}
