import Testing
@testable import DeepLearning

/// Every differentiable op's analytic gradient against central finite differences (`gradcheck`), on the
/// random inputs of Fixtures/ops.json: broadcast shapes, views as operands, and inputs kept ≥ 0.1 away from
/// kinks (relu/abs at 0, ties of max/min, clamp bounds). Edge-value cases are left to OpsForwardTests.
@Suite struct GradcheckTests {
    @Test(arguments: OpCases.gradcheckNames)
    func analyticMatchesNumeric(_ name: String) throws {
        let f = try #require(OpCases.functions[name])
        expectGradcheck(OpCases.fixture.case(name).inputs, name, f)
    }

    /// gradcheck itself catches a wrong rule: a function whose gradient is deliberately wrong fails.
    @Test func detectsAWrongGradient() {
        let x = Tensor.randn([3, 4], seed: 1)
        // x·detached(x) has gradient x, not 2x.
        let result = gradcheck([x]) { t in t[0] * t[0].detached() }
        #expect(!result.passed)
    }
}
