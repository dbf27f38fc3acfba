import Foundation

/// Pendulum-v1, the inverted-pendulum swing-up with continuous torque, with Gymnasium's dynamics and
/// constants (`classic_control/pendulum.py`).
///
/// Action [u], a torque in [−2, 2] N·m (a value outside is an error here; Gymnasium clips it, and so does
/// this environment when `clipsActions` is set, for a Gaussian policy's raw samples). Observation
/// [cos θ, sin θ, θ̇] with θ = 0 upright. Reward −(θ_n² + 0.1 θ̇² + 0.001 u²) with θ_n the angle normalized to
/// [−π, π), so between −16.27 and 0. Dynamics, with g = 10, m = l = 1, dt = 0.05:
/// θ̇ ← clip(θ̇ + (3g/(2l) sin θ + 3/(m l²) u) dt, ±8), θ ← θ + θ̇ dt. Never terminates; truncated after 200
/// steps. Initial state: θ uniform in [−π, π], θ̇ uniform in [−1, 1].
public struct Pendulum: Environment {
    public static let id = "Pendulum-v1"

    public let maxSpeed = 8.0, maxTorque: Float = 2, dt = 0.05
    public let g: Double, m = 1.0, l = 1.0

    public let observationSpace = Box(low: [-1, -1, -8], high: [1, 1, 8])
    public let actionSpace = Box(low: [-2], high: [2])
    public let maxEpisodeSteps: Int
    /// Clip actions into the action space instead of stopping on one outside it.
    public var clipsActions = false

    /// The state [θ, θ̇] in float64; a test may set it after `reset`.
    public var state: [Double] = [0, 0]
    public private(set) var clock = EpisodeClock()
    private var generator = SeededGenerator.unseeded()

    /// - Parameters:
    ///   - g: gravity (Gymnasium's default 10).
    ///   - maxEpisodeSteps: the time limit (Gymnasium registers Pendulum-v1 with 200).
    public init(g: Double = 10, maxEpisodeSteps: Int = 200) {
        self.g = g
        self.maxEpisodeSteps = maxEpisodeSteps
    }

    public mutating func reset(seed: UInt64? = nil) -> [Float] {
        if let seed { generator = SeededGenerator(seed: seed) }
        state = [generator.uniform(-Double.pi, Double.pi), generator.uniform(-1, 1)]
        clock.begin()
        return observation
    }

    public var observation: [Float] { [cos(state[0]), sin(state[0]), state[1]].map { Float($0) } }

    public mutating func step(_ action: [Float]) -> Transition {
        if !clipsActions { actionSpace.check(action, in: Self.id) }
        if action.count != 1 { environmentFailure("\(Self.id): action \(action) must have one component") }
        clock.checkRunning(Self.id)
        let (theta, thetaDot) = (state[0], state[1])
        // u stays float32 as in Gymnasium, where NumPy computes 0.001·u² and 3/(m l²)·u in the action's dtype.
        let u = min(max(action[0], -maxTorque), maxTorque)
        let costs = angleNormalize(theta) * angleNormalize(theta) + 0.1 * (thetaDot * thetaDot) + Double(Float(0.001) * (u * u))
        var newThetaDot = thetaDot + (3 * g / (2 * l) * sin(theta) + Double(Float(3.0 / (m * l * l)) * u)) * dt
        newThetaDot = min(max(newThetaDot, -maxSpeed), maxSpeed)
        state = [theta + newThetaDot * dt, newThetaDot]
        let truncated = clock.advance(terminated: false, limit: maxEpisodeSteps)
        return Transition(observation: observation, reward: -costs, terminated: false, truncated: truncated)
    }

    /// A 500 × 500 frame as Gymnasium draws it: the rod (red) with rounded ends and the black axle.
    public func render() -> RGBImage {
        var image = RGBImage(width: 500, height: 500)
        let scale = 500 / 4.4, offset = Point(250, 250)
        let rodLength = l * scale, rodWidth = 0.2 * scale, angle = state[0] + Double.pi / 2
        let color = RGB(204, 77, 77)
        image.fillPolygon(rectangle(0, rodLength, -rodWidth / 2, rodWidth / 2).map { $0.rotated(by: angle) + offset }, color: color)
        image.fillCircle(center: offset, radius: rodWidth / 2, color: color)
        image.fillCircle(center: Point(rodLength, 0).rotated(by: angle) + offset, radius: rodWidth / 2, color: color)
        image.fillCircle(center: offset, radius: 0.05 * scale, color: .black)
        return image
    }
}

/// x mapped to [−π, π): ((x + π) mod 2π) − π with Python's floored modulo (Gymnasium's `angle_normalize`).
func angleNormalize(_ x: Double) -> Double {
    let period = 2 * Double.pi
    var r = (x + Double.pi).truncatingRemainder(dividingBy: period)
    if r < 0 { r += period }
    return r - Double.pi
}
