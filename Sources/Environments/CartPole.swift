import Foundation

/// CartPole-v1 (Barto, Sutton and Anderson, 1983, "Neuronlike adaptive elements that can solve difficult
/// learning control problems"), with Gymnasium's dynamics and constants (`classic_control/cartpole.py`).
///
/// A pole is hinged to a cart on a frictionless track; the agent pushes the cart left (action 0) or right
/// (action 1) with a force of 10 N. Observation [x, ẋ, θ, θ̇] (cart position in m, velocity, pole angle
/// in rad, angular velocity). Reward +1 for every step, including the terminating one. The episode
/// terminates when |θ| > 12° or |x| > 2.4, and is truncated after 500 steps. Initial state: each component
/// uniform in [−0.05, 0.05]. Integration: explicit Euler with τ = 0.02 s.
public struct CartPole: Environment {
    public static let id = "CartPole-v1"

    public let gravity = 9.8, massCart = 1.0, massPole = 0.1
    /// Half the pole's length (m).
    public let length = 0.5
    public let forceMagnitude = 10.0
    /// Seconds between state updates.
    public let tau = 0.02
    public let thetaThresholdRadians = 12 * 2 * Double.pi / 360
    public let xThreshold = 2.4
    public var totalMass: Double { massPole + massCart }
    public var poleMassLength: Double { massPole * length }

    public let observationSpace: Box
    public let actionSpace = Discrete(2)
    public let maxEpisodeSteps: Int

    /// The physical state [x, ẋ, θ, θ̇] in float64, as Gymnasium's `env.unwrapped.state`; a test may set it
    /// after `reset` to start from a chosen state.
    public var state: [Double] = [0, 0, 0, 0]
    public private(set) var clock = EpisodeClock()
    private var generator = SeededGenerator.unseeded()

    /// - Parameter maxEpisodeSteps: the time limit (Gymnasium registers CartPole-v1 with 500).
    public init(maxEpisodeSteps: Int = 500) {
        self.maxEpisodeSteps = maxEpisodeSteps
        let high = [Float(xThreshold * 2), .greatestFiniteMagnitude, Float(thetaThresholdRadians * 2), .greatestFiniteMagnitude]
        observationSpace = Box(low: high.map { -$0 }, high: high)
    }

    public mutating func reset(seed: UInt64? = nil) -> [Float] {
        if let seed { generator = SeededGenerator(seed: seed) }
        state = (0..<4).map { _ in generator.uniform(-0.05, 0.05) }
        clock.begin()
        return observation
    }

    public var observation: [Float] { state.map { Float($0) } }

    public mutating func step(_ action: Int) -> Transition {
        actionSpace.check(action, in: Self.id)
        clock.checkRunning(Self.id)
        var (x, xDot, theta, thetaDot) = (state[0], state[1], state[2], state[3])
        let force = action == 1 ? forceMagnitude : -forceMagnitude
        let cosTheta = cos(theta), sinTheta = sin(theta)
        let temp = (force + poleMassLength * (thetaDot * thetaDot) * sinTheta) / totalMass
        let thetaAcc = (gravity * sinTheta - cosTheta * temp) / (length * (4.0 / 3.0 - massPole * (cosTheta * cosTheta) / totalMass))
        let xAcc = temp - poleMassLength * thetaAcc * cosTheta / totalMass
        x += tau * xDot
        xDot += tau * xAcc
        theta += tau * thetaDot
        thetaDot += tau * thetaAcc
        state = [x, xDot, theta, thetaDot]
        let terminated = x < -xThreshold || x > xThreshold || theta < -thetaThresholdRadians || theta > thetaThresholdRadians
        let truncated = clock.advance(terminated: terminated, limit: maxEpisodeSteps)
        return Transition(observation: observation, reward: 1, terminated: terminated, truncated: truncated)
    }

    /// A 600 × 400 frame as Gymnasium draws it: the track, the cart (black), the pole and its axle.
    public func render() -> RGBImage {
        var image = RGBImage(width: 600, height: 400)
        let scale = 600 / (xThreshold * 2)
        let poleWidth = 10.0, poleLength = scale * 2 * length, cartWidth = 50.0, cartHeight = 30.0
        let cartX = state[0] * scale + 300, cartY = 100.0, axleOffset = cartHeight / 4
        image.fillPolygon(rectangle(-cartWidth / 2, cartWidth / 2, -cartHeight / 2, cartHeight / 2)
            .map { Point($0.x + cartX, $0.y + cartY) }, color: .black)
        image.fillPolygon(rectangle(-poleWidth / 2, poleWidth / 2, -poleWidth / 2, poleLength - poleWidth / 2)
            .map { $0.rotated(by: -state[2]) + Point(cartX, cartY + axleOffset) }, color: RGB(202, 152, 101))
        image.fillCircle(center: Point(cartX, cartY + axleOffset), radius: poleWidth / 2, color: RGB(129, 132, 203))
        image.drawLine(from: Point(0, cartY), to: Point(600, cartY), color: .black)
        return image
    }
}
