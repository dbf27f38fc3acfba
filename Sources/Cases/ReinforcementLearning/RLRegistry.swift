import Environments

/// The reinforcement-learning cases, by name: how to train each, and how to play its saved policy.
public enum ReinforcementLearningCases {
    public typealias Play = (_ checkpoint: String, _ episodes: Int, _ seed: UInt64, _ frameEvery: Int) throws -> (frames: [RGBImage], returns: [Double])

    public static let all: [String: (train: (RLOptions) throws -> RLResult, play: Play)] = [
        CartPoleDQN.name: (CartPoleDQN.train, CartPoleDQN.play),
        CartPolePPO.name: (CartPolePPO.train, CartPolePPO.play),
        CartPolePG.name: (CartPolePG.train, CartPolePG.play),
        AcrobotDQN.name: (AcrobotDQN.train, AcrobotDQN.play),
        PendulumPPO.name: (PendulumPPO.train, PendulumPPO.play),
    ]
}
