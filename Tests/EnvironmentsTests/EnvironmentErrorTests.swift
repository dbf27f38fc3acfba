import Testing
@testable import Environments

/// Bad use stops the program with a message naming the environment: an action outside the action space,
/// stepping an ended episode, stepping before the first reset. Each case runs in a child process.
@Suite struct EnvironmentErrorTests {
    static func expectMessage(_ result: ExitTest.Result?, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains(message), "expected \"\(message)\" in: \(stderr)", sourceLocation: sourceLocation)
    }

    @Test func discreteActionOutsideTheSpace() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var env = CartPole()
            _ = env.reset(seed: 0)
            _ = env.step(2)
        }
        Self.expectMessage(result, "CartPole-v1: action 2 is outside the action space Discrete(2)")
    }

    @Test func boxActionOutsideTheSpace() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var env = Pendulum()
            _ = env.reset(seed: 0)
            _ = env.step([3])
        }
        Self.expectMessage(result, "Pendulum-v1: action [3.0] is outside the action space Box([-2.0], [2.0], (1,), float32)")
    }

    @Test func stepAfterTheEpisodeEnded() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var env = CartPole()
            _ = env.reset(seed: 0)
            while !env.step(1).done {}
            _ = env.step(1)
        }
        Self.expectMessage(result, "CartPole-v1: step(_:) called after the episode ended (terminated at step")
    }

    @Test func stepBeforeReset() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var env = MountainCar()
            _ = env.step(1)
        }
        Self.expectMessage(result, "MountainCar-v0: step(_:) called before reset(); call reset(seed:) first")
    }
}
