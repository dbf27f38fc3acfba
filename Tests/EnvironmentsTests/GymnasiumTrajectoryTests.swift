import Foundation
import Testing
@testable import Environments

/// Trajectories of our environments against Gymnasium's (Scripts/fixtures/gym_envs.py): from the same
/// initial state and actions, every observation, reward and flag agrees to 1e-6.
@Suite struct GymnasiumTrajectoryTests {
    struct Case {
        let id: String, state: [Double], initialObservation: [Float], actions: [Double]
        let observations: [[Float]], rewards: [Double], terminated: [Bool], truncated: [Bool]
    }

    static let cases: [String: Case] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/gym_envs.json")
        let json = try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        return (json["cases"] as! [String: [String: Any]]).mapValues { c in
            Case(id: c["id"] as! String, state: c["state"] as! [Double],
                 initialObservation: (c["initial_observation"] as! [Double]).map { Float($0) },
                 actions: (c["actions"] as! [NSNumber]).map(\.doubleValue),
                 observations: (c["observations"] as! [[Double]]).map { $0.map { Float($0) } },
                 rewards: c["rewards"] as! [Double], terminated: c["terminated"] as! [Bool], truncated: c["truncated"] as! [Bool])
        }
    }()

    static func names(_ prefix: String) -> [String] { cases.keys.filter { $0.hasPrefix(prefix) }.sorted() }

    /// Replays case `name` in `env` (whose state is set by `setState`) and compares each step.
    func replay<E: Environment>(_ name: String, _ env: E, setState: (inout E, [Double]) -> Void,
                                observation: (E) -> [Float], action: (Double) -> E.Action) {
        let c = Self.cases[name]!
        var env = env
        #expect(E.id == c.id)
        _ = env.reset(seed: 0)
        setState(&env, c.state)
        expectClose(observation(env), c.initialObservation, "\(name): initial observation")
        for (t, a) in c.actions.enumerated() {
            let step = env.step(action(a))
            expectClose(step.observation, c.observations[t], "\(name): observation after step \(t + 1)")
            #expect(abs(step.reward - c.rewards[t]) <= 1e-6, "\(name): reward of step \(t + 1) is \(step.reward), expected \(c.rewards[t])")
            #expect(step.terminated == c.terminated[t] && step.truncated == c.truncated[t],
                    "\(name): step \(t + 1) terminated \(step.terminated) truncated \(step.truncated), expected \(c.terminated[t]) \(c.truncated[t])")
            if step.terminated != c.terminated[t] || step.truncated != c.truncated[t] { return }
        }
    }

    func expectClose(_ a: [Float], _ e: [Float], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let worst = zip(a, e).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
        #expect(a.count == e.count && worst <= 1e-6, "\(what): \(a), expected \(e)", sourceLocation: sourceLocation)
    }

    @Test(arguments: names("cartpole")) func cartPole(_ name: String) {
        replay(name, CartPole(), setState: { $0.state = $1 }, observation: \.observation, action: { Int($0) })
    }

    @Test(arguments: names("acrobot")) func acrobot(_ name: String) {
        replay(name, Acrobot(), setState: { $0.state = $1 }, observation: \.observation, action: { Int($0) })
    }

    @Test(arguments: names("mountaincar")) func mountainCar(_ name: String) {
        replay(name, MountainCar(), setState: { $0.state = $1 }, observation: \.observation, action: { Int($0) })
    }

    @Test(arguments: names("pendulum")) func pendulum(_ name: String) {
        replay(name, Pendulum(), setState: { $0.state = $1 }, observation: \.observation, action: { [Float($0)] })
    }

    /// The fixture covers termination and truncation of every environment that has them.
    @Test func casesCoverBothEndings() {
        for prefix in ["cartpole", "acrobot", "mountaincar"] {
            #expect(Self.names(prefix).contains { Self.cases[$0]!.terminated.last == true }, "\(prefix): no terminated case")
        }
        for prefix in ["cartpole", "mountaincar", "pendulum"] {
            let truncatedCase = Self.names(prefix).first { Self.cases[$0]!.truncated.last == true }
            #expect(truncatedCase != nil, "\(prefix): no truncated case")
        }
    }
}
