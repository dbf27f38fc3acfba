import Testing
@testable import Agents

/// Returns and GAE on a rollout small enough to compute by hand, with a termination, a truncation and a
/// rollout that ends mid-episode.
@Suite struct ReturnsTests {
    // One environment, 6 steps, γ = 0.5:
    //   t:          0    1    2(terminated)  3    4(truncated)  5 (rollout ends)
    //   r:          1    2    3              4    5             6
    //   V(sₜ):      0.5  1    1.5            2    2.5           3
    //   V(sₜ₊₁):    1    1.5  9 (ignored)    2.5  10 (final obs) 7 (bootstrap obs)
    let rewards: [Float] = [1, 2, 3, 4, 5, 6]
    let values: [Float] = [0.5, 1, 1.5, 2, 2.5, 3]
    let nextValues: [Float] = [1, 1.5, 9, 2.5, 10, 7]
    let terminated = [false, false, true, false, false, false]
    let truncated = [false, false, false, false, true, false]

    @Test func discountedReturnsStopAtTerminationAndBootstrapOnTruncation() {
        let g = discountedReturns(rewards: rewards, terminated: terminated, truncated: truncated, nextValues: nextValues, gamma: 0.5)
        // G₂ = 3; G₁ = 2 + 0.5·3 = 3.5; G₀ = 1 + 0.5·3.5 = 2.75.
        // G₄ = 5 + 0.5·10 = 10; G₃ = 4 + 0.5·10 = 9.   G₅ = 6 + 0.5·7 = 9.5.
        #expect(g == [2.75, 3.5, 3, 9, 10, 9.5])
    }

    @Test func gaeMatchesTheHandComputation() {
        let (a, ret) = generalizedAdvantageEstimates(rewards: rewards, values: values, nextValues: nextValues, terminated: terminated,
                                                     truncated: truncated, gamma: 0.5, lambda: 0.5)
        // δ = [1 + 0.5·1 − 0.5, 2 + 0.5·1.5 − 1, 3 − 1.5, 4 + 0.5·2.5 − 2, 5 + 0.5·10 − 2.5, 6 + 0.5·7 − 3]
        //   = [1, 1.75, 1.5, 3.25, 7.5, 6.5];  γλ = 0.25
        // Â₅ = 6.5; Â₄ = 7.5 (truncated: no recursion); Â₃ = 3.25 + 0.25·7.5 = 5.125;
        // Â₂ = 1.5; Â₁ = 1.75 + 0.25·1.5 = 2.125; Â₀ = 1 + 0.25·2.125 = 1.53125.
        let expected: [Float] = [1.53125, 2.125, 1.5, 5.125, 7.5, 6.5]
        #expect(a == expected)
        #expect(ret == zip(expected, values).map { $0 + $1 })
    }

    @Test func lambdaOneGivesReturnsMinusValues() {
        let (a, _) = generalizedAdvantageEstimates(rewards: rewards, values: values, nextValues: nextValues, terminated: terminated,
                                                   truncated: truncated, gamma: 0.5, lambda: 1)
        let g = discountedReturns(rewards: rewards, terminated: terminated, truncated: truncated, nextValues: nextValues, gamma: 0.5)
        #expect(a == zip(g, values).map { $0 - $1 })
    }

    @Test func environmentsAreInterleavedTimeMajor() {
        // Two environments: the hand case in column 0, its reverse-flagged twin in column 1.
        let n = 2
        func interleave<T>(_ a: [T], _ b: [T]) -> [T] { zip(a, b).flatMap { [$0, $1] } }
        let r2: [Float] = [1, 1, 1, 1, 1, 1], v2: [Float] = [0, 0, 0, 0, 0, 0], nv2: [Float] = [0, 0, 0, 0, 0, 4]
        let none = [Bool](repeating: false, count: 6)
        let (a, _) = generalizedAdvantageEstimates(rewards: interleave(rewards, r2), values: interleave(values, v2),
                                                   nextValues: interleave(nextValues, nv2), terminated: interleave(terminated, none),
                                                   truncated: interleave(truncated, none), gamma: 0.5, lambda: 0.5, environmentCount: n)
        #expect(stride(from: 0, to: 12, by: 2).map { a[$0] } == [1.53125, 2.125, 1.5, 5.125, 7.5, 6.5])
        // Column 1: δ = 1 everywhere but δ₅ = 1 + 0.5·4 = 3; Âₜ = 1 + 0.25 Âₜ₊₁.
        var expected = [Float](repeating: 0, count: 6)
        expected[5] = 3
        for t in stride(from: 4, through: 0, by: -1) { expected[t] = 1 + 0.25 * expected[t + 1] }
        #expect(stride(from: 1, to: 12, by: 2).map { a[$0] } == expected)
    }
}
