import Agents
import DeepLearning
import Environments

/// `deep bench rl`: CartPole-v1 environment steps per second (one environment, and 16 stepped as a vector),
/// and DQN training updates per second (batch 128, MLP 4→128→128→2, as `dqn_update` in
/// Benchmarks/reference/torch_bench.py).
enum RLBench {
    static func run() {
        var env = CartPole()
        _ = env.reset(seed: 0)
        var g = SeededGenerator(seed: 0)
        let single = 1 / bestTime(minimumSeconds: 0.5) {
            if env.step(Int(g.next() & 1)).done { _ = env.reset() }
        }
        report("ours", "cartpole steps envs=1", [("steps_per_s", single)], digits: 0)

        var vector = VectorEnvironment(count: 16) { _ in CartPole() }
        _ = vector.reset(seed: 0)
        let vectorized = 16 / bestTime(minimumSeconds: 0.5) {
            _ = vector.step((0..<16).map { _ in Int(g.next() & 1) })
        }
        report("ours", "cartpole steps envs=16", [("steps_per_s", vectorized)], digits: 0)

        var c = DQN.Configuration()
        c.hiddenSizes = [128, 128]
        c.batchSize = 128
        c.learningRate = 1e-3
        c.bufferSize = 10_000
        let agent = DQN(observationSize: 4, actionCount: 2, configuration: c, seed: 0)
        var r = RandomGenerator(seed: 0)
        for _ in 0..<c.bufferSize {
            let s = (0..<4).map { _ in r.nextNormal() }, s2 = (0..<4).map { _ in r.nextNormal() }
            agent.remember(observation: s, action: r.nextInt(below: 2), reward: 1, nextObservation: s2, terminated: r.nextUniform() < 0.05)
        }
        let updates = 1 / bestTime(minimumSeconds: 1) { agent.update() }
        report("ours", "dqn update batch=128 mlp=4-128-128-2", [("updates_per_s", updates), ("threads", Double(Parallel.threadCount))], digits: 1)
    }
}
