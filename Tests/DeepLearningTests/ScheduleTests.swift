import Testing
@testable import DeepLearning

/// Learning-rate schedules against torch.optim.lr_scheduler (Scripts/fixtures/optim.py): the rate after
/// 0, 1, 2, … calls of `scheduler.step()`, from an initial rate of 0.1.
@Suite struct ScheduleTests {
    static let expected = LossTests.fixture.cases["schedules"]!

    func check(_ key: String, _ schedule: some LearningRateSchedule) {
        let values = (Self.expected[key] as! [Double]).map { Float($0) }
        expectClose(Tensor(values.indices.map { schedule($0) }), Tensor(values), key)
    }

    @Test func stepLR() { check("step", StepLR(initial: 0.1, stepSize: 3, gamma: 0.5)) }
    @Test func exponentialLR() { check("exponential", ExponentialLR(initial: 0.1, gamma: 0.9)) }
    @Test func cosineAnnealingLR() { check("cosine", CosineAnnealingLR(initial: 0.1, tMax: 10, etaMin: 0.001)) }
    @Test func warmupThenCosine() {
        check("warmup_cosine", LinearWarmup(steps: 4, startFactor: 0.25, then: CosineAnnealingLR(initial: 0.1, tMax: 10, etaMin: 0.001)))
    }
    @Test func warmupThenStepWithDefaultStartFactor() {
        check("warmup_step", LinearWarmup(steps: 5, then: StepLR(initial: 0.1, stepSize: 2, gamma: 0.5)))
    }

    @Test func scheduleDrivesTheOptimizer() {
        let p = Tensor([1]).requiringGrad()
        let sgd = SGD([p], lr: 1)
        let schedule = StepLR(initial: 0.5, stepSize: 1, gamma: 0.5)
        for t in 0..<3 {
            sgd.lr = schedule(t)
            p.grad = Tensor([1])
            sgd.step()
        }
        #expect(p.scalars == [1 - 0.5 - 0.25 - 0.125])
    }
}
