import Environments

/// Runs `episodes` episodes, copy i reset with seed `seed + i`, all stepped together with actions from
/// `policy` (a batch of observations [M · d] for the M copies still running → M actions), and returns each
/// episode's undiscounted return. For the greedy evaluation every case ends with.
public func evaluate<E: Environment>(episodes: Int, seed: UInt64, _ make: () -> E, policy: ([Float]) -> [E.Action]) -> [Double] {
    var environments = (0..<episodes).map { _ in make() }
    var observations = environments.indices.map { environments[$0].reset(seed: seed &+ UInt64($0)) }
    var returns = [Double](repeating: 0, count: episodes)
    var running = Array(environments.indices)
    while !running.isEmpty {
        let actions = policy(running.flatMap { observations[$0] })
        var still: [Int] = []
        for (k, i) in running.enumerated() {
            let t = environments[i].step(actions[k])
            returns[i] += t.reward
            observations[i] = t.observation
            if !t.done { still.append(i) }
        }
        running = still
    }
    return returns
}
