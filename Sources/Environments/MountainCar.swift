import Foundation

/// MountainCar-v0 (Moore, 1990, "Efficient memory-based learning for robot control"), with Gymnasium's
/// dynamics and constants (`classic_control/mountain_car.py`).
///
/// A car in a valley, too weak to drive up the right hill directly, must rock back and forth. Actions:
/// accelerate left (0), do nothing (1), accelerate right (2). Observation [position, velocity]. Each step:
/// v ← clip(v + (a − 1)·0.001 − 0.0025·cos(3p), ±0.07), p ← clip(p + v, [−1.2, 0.6]), and v ← 0 when the car
/// hits the left wall moving left. Reward −1 per step; the episode terminates when p ≥ 0.5 (and v ≥ 0) and is
/// truncated after 200 steps. Initial state: p uniform in [−0.6, −0.4], v = 0.
public struct MountainCar: Environment {
    public static let id = "MountainCar-v0"

    public let minPosition = -1.2, maxPosition = 0.6, maxSpeed = 0.07
    public let goalPosition = 0.5, goalVelocity = 0.0
    public let force = 0.001, gravity = 0.0025

    public let observationSpace: Box
    public let actionSpace = Discrete(3)
    public let maxEpisodeSteps: Int

    /// The state [position, velocity] in float64; a test may set it after `reset`.
    public var state: [Double] = [0, 0]
    public private(set) var clock = EpisodeClock()
    private var generator = SeededGenerator.unseeded()

    /// - Parameter maxEpisodeSteps: the time limit (Gymnasium registers MountainCar-v0 with 200).
    public init(maxEpisodeSteps: Int = 200) {
        self.maxEpisodeSteps = maxEpisodeSteps
        observationSpace = Box(low: [Float(minPosition), Float(-maxSpeed)], high: [Float(maxPosition), Float(maxSpeed)])
    }

    public mutating func reset(seed: UInt64? = nil) -> [Float] {
        if let seed { generator = SeededGenerator(seed: seed) }
        state = [generator.uniform(-0.6, -0.4), 0]
        clock.begin()
        return observation
    }

    public var observation: [Float] { state.map { Float($0) } }

    public mutating func step(_ action: Int) -> Transition {
        actionSpace.check(action, in: Self.id)
        clock.checkRunning(Self.id)
        var (position, velocity) = (state[0], state[1])
        velocity += Double(action - 1) * force + cos(3 * position) * -gravity
        velocity = min(max(velocity, -maxSpeed), maxSpeed)
        position += velocity
        position = min(max(position, minPosition), maxPosition)
        if position == minPosition && velocity < 0 { velocity = 0 }
        state = [position, velocity]
        let terminated = position >= goalPosition && velocity >= goalVelocity
        let truncated = clock.advance(terminated: terminated, limit: maxEpisodeSteps)
        return Transition(observation: observation, reward: -1, terminated: terminated, truncated: truncated)
    }

    /// The hill's height at `position`: 0.45 sin(3p) + 0.55.
    func height(_ position: Double) -> Double { sin(3 * position) * 0.45 + 0.55 }

    /// A 600 × 400 frame as Gymnasium draws it: the hill, the car (black, grey wheels) and the flag.
    public func render() -> RGBImage {
        var image = RGBImage(width: 600, height: 400)
        let scale = 600 / (maxPosition - minPosition), carWidth = 40.0, carHeight = 20.0, clearance = 10.0
        let curve = (0..<100).map { i -> Point in
            let x = minPosition + (maxPosition - minPosition) * Double(i) / 99
            return Point((x - minPosition) * scale, height(x) * scale)
        }
        for (a, b) in zip(curve, curve.dropFirst()) { image.drawLine(from: a, to: b, color: .black) }
        let position = state[0], angle = cos(3 * position)
        let base = Point((position - minPosition) * scale, clearance + height(position) * scale)
        image.fillPolygon(rectangle(-carWidth / 2, carWidth / 2, 0, carHeight).map { $0.rotated(by: angle) + base }, color: .black)
        for wheel in [Point(carWidth / 4, 0), Point(-carWidth / 4, 0)] {
            image.fillCircle(center: wheel.rotated(by: angle) + base, radius: carHeight / 2.5, color: RGB(128, 128, 128))
        }
        let flagX = (goalPosition - minPosition) * scale, flagY1 = height(goalPosition) * scale, flagY2 = flagY1 + 50
        image.drawLine(from: Point(flagX, flagY1), to: Point(flagX, flagY2), color: .black)
        image.fillPolygon([Point(flagX, flagY2), Point(flagX, flagY2 - 10), Point(flagX + 25, flagY2 - 5)], color: RGB(204, 204, 0))
        return image
    }
}
