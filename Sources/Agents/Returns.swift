import DeepLearning

// Returns and advantages from a rollout: what every policy-gradient and actor-critic method regresses on.
//
// Rollouts are stored time-major: step t of environment i at index t·N + i (N = 1 for a single environment).
// An episode ends at a step by `terminated` (a terminal state, whose value is 0) or by `truncated` (the time
// limit, after which the state still has a future). On truncation we bootstrap from the value of the state the
// episode was cut at (`nextValues`), as Pardo et al. (2018, "Time limits in reinforcement learning") show one
// must; on termination we do not. Either way nothing flows back across the episode boundary.

/// Discounted returns Gₜ = rₜ + γ Gₜ₊₁ within each episode, for REINFORCE (Williams, 1992).
///
/// At a terminated step Gₜ = rₜ; at a truncated step, and at the rollout's last step when its episode goes
/// on, Gₜ = rₜ + γ V(sₜ₊₁) with V(sₜ₊₁) = `nextValues[t·N + i]` (pass zeros to ignore the future there).
/// - Parameters: `rewards`, `terminated`, `truncated`, `nextValues`: T·N entries, time-major.
/// - Returns: T·N returns, time-major.
public func discountedReturns(rewards: [Float], terminated: [Bool], truncated: [Bool], nextValues: [Float],
                              gamma: Float, environmentCount n: Int = 1) -> [Float] {
    checkRollout("discountedReturns", rewards.count, [terminated.count, truncated.count, nextValues.count], n)
    var returns = [Float](repeating: 0, count: rewards.count)
    let steps = rewards.count / n
    for i in 0..<n {
        var future: Float = 0  // Gₜ₊₁ of the episode still running
        for t in stride(from: steps - 1, through: 0, by: -1) {
            let k = t * n + i
            if terminated[k] {
                future = 0
            } else if truncated[k] || t == steps - 1 {
                future = nextValues[k]
            }
            returns[k] = rewards[k] + gamma * future
            future = returns[k]
        }
    }
    return returns
}

/// Generalized advantage estimates (Schulman et al., 2016, "High-dimensional continuous control using
/// generalized advantage estimation"), as PPO uses them:
///
///     δₜ = rₜ + γ V(sₜ₊₁)·(1 − terminatedₜ) − V(sₜ)
///     Âₜ = δₜ + γλ (1 − doneₜ) Âₜ₊₁,        doneₜ = terminatedₜ ∨ truncatedₜ
///
/// `values[k]` is V(sₜ) and `nextValues[k]` is V(sₜ₊₁), the value of the observation that followed step t:
/// of the final observation when the episode was truncated, of the rollout's bootstrap observation at its
/// last step. λ = 1 gives the discounted return minus the baseline; λ = 0 the one-step TD error.
/// - Parameters: every array T·N entries, time-major.
/// - Returns: the advantages Â and the value targets Â + V (PPO's "returns"), time-major.
public func generalizedAdvantageEstimates(rewards: [Float], values: [Float], nextValues: [Float], terminated: [Bool],
                                          truncated: [Bool], gamma: Float, lambda: Float,
                                          environmentCount n: Int = 1) -> (advantages: [Float], returns: [Float]) {
    checkRollout("generalizedAdvantageEstimates", rewards.count, [values.count, nextValues.count, terminated.count, truncated.count], n)
    var advantages = [Float](repeating: 0, count: rewards.count)
    let steps = rewards.count / n
    for i in 0..<n {
        var next: Float = 0  // Âₜ₊₁
        for t in stride(from: steps - 1, through: 0, by: -1) {
            let k = t * n + i
            let delta = rewards[k] + gamma * (terminated[k] ? 0 : nextValues[k]) - values[k]
            let continues: Float = terminated[k] || truncated[k] || t == steps - 1 ? 0 : 1
            advantages[k] = delta + gamma * lambda * continues * next
            next = advantages[k]
        }
    }
    return (advantages, zip(advantages, values).map { $0 + $1 })
}

private func checkRollout(_ name: String, _ count: Int, _ others: [Int], _ n: Int) {
    require(n > 0 && count % n == 0 && others.allSatisfy { $0 == count },
            "\(name): \(count) rewards and arrays of \(others) entries for \(n) environments; all need T·N entries")
}
