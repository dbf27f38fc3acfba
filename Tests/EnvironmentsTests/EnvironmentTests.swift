import Foundation
import Testing
@testable import Environments

/// Seeding, spaces, the vectorized form and its autoreset, and rendering.
@Suite struct EnvironmentTests {
    @Test func sameSeedSameInitialState() {
        var a = CartPole(), b = CartPole()
        #expect(a.reset(seed: 7) == b.reset(seed: 7))
        #expect(a.reset(seed: 7) != a.reset(seed: 8))
        var p = Pendulum(), q = Pendulum()
        #expect(p.reset(seed: 3) == q.reset(seed: 3))
        // Without a seed the stream continues: two resets differ.
        #expect(p.reset() != p.reset())
    }

    @Test func initialStatesLieInGymnasiumsRanges() {
        var cart = CartPole(), acro = Acrobot(), car = MountainCar(), pend = Pendulum()
        for seed in 0..<50 as Range<UInt64> {
            _ = cart.reset(seed: seed); _ = acro.reset(seed: seed); _ = car.reset(seed: seed); _ = pend.reset(seed: seed)
            #expect(cart.state.allSatisfy { abs($0) <= 0.05 })
            #expect(acro.state.allSatisfy { abs($0) <= 0.1 } && acro.state.allSatisfy { Double(Float($0)) == $0 })
            #expect(car.state[0] >= -0.6 && car.state[0] <= -0.4 && car.state[1] == 0)
            #expect(abs(pend.state[0]) <= Double.pi && abs(pend.state[1]) <= 1)
            #expect(cart.observationSpace.contains(cart.observation) && acro.observationSpace.contains(acro.observation))
        }
    }

    @Test func spaces() {
        let d = Discrete(3), box = Box(low: [-2], high: [2])
        #expect(d.contains(0) && d.contains(2) && !d.contains(3) && !d.contains(-1))
        #expect(box.contains([1.5]) && !box.contains([2.5]) && !box.contains([0, 0]))
        var g = SeededGenerator(seed: 1)
        for _ in 0..<100 {
            #expect(d.contains(d.sample(using: &g)))
            #expect(box.contains(box.sample(using: &g)))
        }
    }

    @Test func stepsAreCountedToTheTimeLimit() {
        var env = Pendulum(maxEpisodeSteps: 5)
        _ = env.reset(seed: 0)
        let flags = (0..<5).map { _ in env.step([0]).truncated }
        #expect(flags == [false, false, false, false, true])
        #expect(env.clock.needsReset)
    }

    /// Gymnasium's default (next-step) autoreset: the step after an episode ends resets that copy, ignores
    /// its action, and returns the first observation with reward 0 and no flags; other copies step on.
    @Test func nextStepAutoresetMatchesSingleEnvironments() {
        var vector = VectorEnvironment(count: 3) { _ in CartPole() }
        var singles = (0..<3).map { _ in CartPole() }
        let first = vector.reset(seed: 10)
        #expect(first == (0..<3).flatMap { singles[$0].reset(seed: 10 + UInt64($0)) })
        var ended = Array(repeating: false, count: 3), sawAutoreset = false
        var g = SeededGenerator(seed: 0)
        for _ in 0..<60 {
            // Copy 0 always pushes right and falls quickly; the others act at random.
            let actions = [1, Int.random(in: 0...1, using: &g), Int.random(in: 0...1, using: &g)]
            let t = vector.step(actions)
            for i in 0..<3 {
                let row = Array(t.observations[(4 * i)..<(4 * i + 4)])
                if ended[i] {
                    sawAutoreset = true
                    #expect(t.rewards[i] == 0 && !t.terminated[i] && !t.truncated[i])
                    #expect(row == singles[i].reset())
                    ended[i] = false
                } else {
                    let s = singles[i].step(actions[i])
                    #expect(row == s.observation && t.rewards[i] == s.reward && t.terminated[i] == s.terminated && t.truncated[i] == s.truncated)
                    ended[i] = s.done
                }
                #expect(t.finalObservations[i] == nil)
            }
        }
        #expect(sawAutoreset)
    }

    /// Same-step autoreset: the ending step returns the new episode's first observation and keeps the last
    /// one in `finalObservations`.
    @Test func sameStepAutoresetKeepsTheFinalObservation() {
        var vector = VectorEnvironment(count: 2, autoresetMode: .sameStep) { _ in CartPole() }
        var singles = [CartPole(), CartPole()]
        _ = vector.reset(seed: 4)
        for i in 0..<2 { _ = singles[i].reset(seed: 4 + UInt64(i)) }
        var ends = 0
        for _ in 0..<40 {
            let t = vector.step([1, 0])
            for i in 0..<2 {
                let s = singles[i].step(i == 0 ? 1 : 0)
                #expect(t.terminated[i] == s.terminated && t.rewards[i] == s.reward)
                let row = Array(t.observations[(4 * i)..<(4 * i + 4)])
                if s.done {
                    ends += 1
                    #expect(t.finalObservations[i] == s.observation)
                    #expect(row == singles[i].reset())
                } else {
                    #expect(row == s.observation && t.finalObservations[i] == nil)
                }
            }
        }
        #expect(ends >= 2)
    }

    @Test func framesShowTheCartAndPole() {
        var env = CartPole()
        _ = env.reset(seed: 0)
        env.state = [0, 0, 0, 0]
        let frame = env.render()
        #expect(frame.width == 600 && frame.height == 400 && frame.pixels.count == 600 * 400 * 3)
        // Cart centred at x = 300, y = 100 (row 299); the upright pole above the axle; the track at y = 100.
        #expect(frame.pixel(x: 300, row: 299) == .black)
        #expect(frame.pixel(x: 300, row: 200) == RGB(202, 152, 101))
        #expect(frame.pixel(x: 300, row: 100) == .white)
        #expect(frame.pixel(x: 20, row: 299) == .black)
        #expect(frame.pixel(x: 20, row: 250) == .white)
        // Tilting the pole moves it: at θ = 0.2 rad (to the right) the pole's top is right of the centre.
        env.state = [0, 0, 0.2, 0]
        let tilted = env.render()
        #expect(tilted.pixel(x: 300, row: 150) == .white)
        // 100 px along the pole from the axle (300, 107.5): (300 + 100 sin 0.2, 107.5 + 100 cos 0.2) = (319.9, 205.5).
        #expect(tilted.pixel(x: 319, row: 400 - 206) == RGB(202, 152, 101))
    }

    @Test func everyEnvironmentRenders() {
        var a = Acrobot(), m = MountainCar(), p = Pendulum()
        _ = a.reset(seed: 0); _ = m.reset(seed: 0); _ = p.reset(seed: 0)
        for (frame, w, h, color) in [(a.render(), 500, 500, RGB(0, 204, 204)), (m.render(), 600, 400, RGB(204, 204, 0)),
                                     (p.render(), 500, 500, RGB(204, 77, 77))] {
            #expect(frame.width == w && frame.height == h)
            let colored = (0..<(w * h)).filter { frame.pixel(x: $0 % w, row: $0 / w) == color }.count
            #expect(colored > 100, "expected pixels of \(color)")
        }
    }
}
