import Foundation

/// Acrobot-v1 (Sutton, 1996, "Generalization in reinforcement learning: successful examples using sparse
/// coarse coding"; Sutton and Barto, 1998), with Gymnasium's dynamics and constants
/// (`classic_control/acrobot.py`, the "book" equations).
///
/// Two links hang from a fixed joint; the agent applies a torque of −1, 0 or +1 N·m (actions 0, 1, 2) to
/// the joint between them. State [θ₁, θ₂, θ̇₁, θ̇₂]; observation [cos θ₁, sin θ₁, cos θ₂, sin θ₂, θ̇₁, θ̇₂].
/// Reward −1 per step and 0 on the step that reaches the goal: the free end above the bar,
/// −cos θ₁ − cos(θ₁ + θ₂) > 1, which terminates the episode; truncated after 500 steps. Each step
/// integrates the equations of motion over dt = 0.2 s with one classical Runge–Kutta (RK4) step, wraps the
/// angles to [−π, π] and clips the velocities to ±4π and ±9π. Initial state: uniform in [−0.1, 0.1]⁴,
/// rounded to float32 (as Gymnasium).
public struct Acrobot: Environment {
    public static let id = "Acrobot-v1"

    public let dt = 0.2
    public let linkLength1 = 1.0, linkLength2 = 1.0
    public let linkMass1 = 1.0, linkMass2 = 1.0
    /// Positions of the links' centres of mass, from their joints (m).
    public let linkCOMPosition1 = 0.5, linkCOMPosition2 = 0.5
    /// The links' moment of inertia.
    public let linkMOI = 1.0
    public let maxVelocity1 = 4 * Double.pi, maxVelocity2 = 9 * Double.pi
    /// The torque of each action.
    public let availableTorque = [-1.0, 0.0, 1.0]
    public let gravity = 9.8

    public let observationSpace: Box
    public let actionSpace = Discrete(3)
    public let maxEpisodeSteps: Int

    /// The state [θ₁, θ₂, θ̇₁, θ̇₂] in float64; a test may set it after `reset`.
    public var state: [Double] = [0, 0, 0, 0]
    public private(set) var clock = EpisodeClock()
    private var generator = SeededGenerator.unseeded()

    /// - Parameter maxEpisodeSteps: the time limit (Gymnasium registers Acrobot-v1 with 500).
    public init(maxEpisodeSteps: Int = 500) {
        self.maxEpisodeSteps = maxEpisodeSteps
        let high: [Float] = [1, 1, 1, 1, Float(maxVelocity1), Float(maxVelocity2)]
        observationSpace = Box(low: high.map { -$0 }, high: high)
    }

    public mutating func reset(seed: UInt64? = nil) -> [Float] {
        if let seed { generator = SeededGenerator(seed: seed) }
        state = (0..<4).map { _ in Double(Float(generator.uniform(-0.1, 0.1))) }
        clock.begin()
        return observation
    }

    public var observation: [Float] {
        [cos(state[0]), sin(state[0]), cos(state[1]), sin(state[1]), state[2], state[3]].map { Float($0) }
    }

    public mutating func step(_ action: Int) -> Transition {
        actionSpace.check(action, in: Self.id)
        clock.checkRunning(Self.id)
        let torque = availableTorque[action]
        var next = rungeKutta4(state, dt: dt) { derivatives($0, torque: torque) }
        next[0] = wrap(next[0], -Double.pi, Double.pi)
        next[1] = wrap(next[1], -Double.pi, Double.pi)
        next[2] = min(max(next[2], -maxVelocity1), maxVelocity1)
        next[3] = min(max(next[3], -maxVelocity2), maxVelocity2)
        state = next
        let terminated = -cos(state[0]) - cos(state[1] + state[0]) > 1
        let truncated = clock.advance(terminated: terminated, limit: maxEpisodeSteps)
        return Transition(observation: observation, reward: terminated ? 0 : -1, terminated: terminated, truncated: truncated)
    }

    /// The time derivative of [θ₁, θ₂, θ̇₁, θ̇₂] under `torque` (Gymnasium's `_dsdt`, "book" variant).
    func derivatives(_ s: [Double], torque a: Double) -> [Double] {
        let (m1, m2, l1, lc1, lc2, i1, i2, g) = (linkMass1, linkMass2, linkLength1, linkCOMPosition1, linkCOMPosition2, linkMOI, linkMOI, gravity)
        let (theta1, theta2, dtheta1, dtheta2) = (s[0], s[1], s[2], s[3])
        let d1 = m1 * (lc1 * lc1) + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * cos(theta2)) + i1 + i2
        let d2 = m2 * (lc2 * lc2 + l1 * lc2 * cos(theta2)) + i2
        let phi2 = m2 * lc2 * g * cos(theta1 + theta2 - Double.pi / 2)
        let phi1 = -m2 * l1 * lc2 * (dtheta2 * dtheta2) * sin(theta2) - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sin(theta2)
            + (m1 * lc1 + m2 * l1) * g * cos(theta1 - Double.pi / 2) + phi2
        let ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * (dtheta1 * dtheta1) * sin(theta2) - phi2) / (m2 * (lc2 * lc2) + i2 - d2 * d2 / d1)
        let ddtheta1 = -(d2 * ddtheta2 + phi1) / d1
        return [dtheta1, dtheta2, ddtheta1, ddtheta2]
    }

    /// A 500 × 500 frame as Gymnasium draws it: the bar, the two links (teal) and their joints (yellow).
    public func render() -> RGBImage {
        var image = RGBImage(width: 500, height: 500, background: .white)
        let bound = linkLength1 + linkLength2 + 0.2, scale = 500 / (bound * 2), offset = 250.0
        let p1 = Point(linkLength1 * sin(state[0]) * scale, -linkLength1 * cos(state[0]) * scale)
        image.drawLine(from: Point(-2.2 * scale + offset, scale + offset), to: Point(2.2 * scale + offset, scale + offset), color: .black)
        let joints = [Point(0, 0), p1], angles = [state[0] - Double.pi / 2, state[0] + state[1] - Double.pi / 2]
        for (joint, angle) in zip(joints, angles) {
            let origin = joint + Point(offset, offset)
            image.fillPolygon(rectangle(0, scale, -0.1 * scale, 0.1 * scale).map { $0.rotated(by: angle) + origin }, color: RGB(0, 204, 204))
            image.fillCircle(center: origin, radius: 0.1 * scale, color: RGB(204, 204, 0))
        }
        return image
    }
}

/// One step of the classical Runge–Kutta method: y + dt/6 (k₁ + 2k₂ + 2k₃ + k₄) (Gymnasium's `rk4` over
/// the times [0, dt]).
func rungeKutta4(_ y: [Double], dt: Double, _ f: ([Double]) -> [Double]) -> [Double] {
    func axpy(_ k: [Double], _ h: Double) -> [Double] { zip(y, k).map { $0 + h * $1 } }
    let k1 = f(y), k2 = f(axpy(k1, dt / 2)), k3 = f(axpy(k2, dt / 2)), k4 = f(axpy(k3, dt))
    return y.indices.map { y[$0] + dt / 6.0 * (k1[$0] + 2 * k2[$0] + 2 * k3[$0] + k4[$0]) }
}

/// x moved into [m, M] by whole periods M − m (Gymnasium's `wrap`).
func wrap(_ x: Double, _ m: Double, _ M: Double) -> Double {
    var x = x
    let diff = M - m
    while x > M { x -= diff }
    while x < m { x += diff }
    return x
}
