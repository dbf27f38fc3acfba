// Deep reinforcement learning in miniature: REINFORCE (a policy gradient) on CartPole, with the library alone.
import DeepLearning
import Environments

// snippet.show
Tensor.manualSeed(0)
let policy = Sequential(Linear(4, 32), Tanh(), Linear(32, 2))     // π(a|s): observation → logits of left, right
let optimizer = Adam(policy.parameters(), lr: 0.01)
var env = CartPole()                                              // Gymnasium's CartPole-v1: +1 per step, 500 at most
var generator = RandomGenerator(seed: 1)

/// Plays one episode, sampling a ~ π(·|s); returns the observations, actions and rewards.
func episode(seed: UInt64) -> (observations: [Float], actions: [Float], rewards: [Float]) {
    var observation = env.reset(seed: seed), trajectory: (observations: [Float], actions: [Float], rewards: [Float]) = ([], [], [])
    while true {
        let logits = withNoGrad { policy(Tensor(observation, shape: [1, 4])) }
        let action = Int(Categorical(logits: logits).sample(using: &generator).item)
        let t = env.step(action)
        trajectory.observations += observation; trajectory.actions.append(Float(action)); trajectory.rewards.append(Float(t.reward))
        if t.done { return trajectory }
        observation = t.observation
    }
}

var episodeReturns: [Int] = []
for update in 1...150 {
    let (s, a, r) = episode(seed: UInt64(update))
    // Gₜ = rₜ + γ Gₜ₊₁ from the end of the episode backwards (the time limit treated as an end; the Agents
    // bootstrap from V there), then normalised: the mean acts as a baseline.
    var returns = [Float](repeating: 0, count: r.count), future: Float = 0
    for t in r.indices.reversed() { future = r[t] + 0.99 * future; returns[t] = future }
    let g = Tensor(returns), advantage = (g - g.mean()) / (g.std() + 1e-8)
    // ∇J ≈ Σₜ ∇ log π(aₜ|sₜ) · Âₜ: minimise −mean(log π(aₜ|sₜ) · Âₜ).
    let logProb = Categorical(logits: policy(Tensor(s, shape: [r.count, 4]))).logProb(Tensor(a))
    let loss = -(logProb * advantage).mean()
    optimizer.zeroGrad(); loss.backward(); optimizer.step()
    episodeReturns.append(r.count)                                // the return: +1 for each step the pole stayed up
    if update % 25 == 0 { print("episodes", update - 24, "to", update, "mean return", episodeReturns.suffix(25).reduce(0, +) / 25) }
}
