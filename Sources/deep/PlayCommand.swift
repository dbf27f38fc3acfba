import ArgumentParser
import Cases
import DeepLearning
import Environments
import Foundation

/// `deep play <case> --checkpoint … --episodes 3 --gif out.gif`: plays a trained agent's greedy policy and
/// writes the episodes as an animated GIF and/or PNG frames.
struct Play: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Play a trained reinforcement-learning agent and render its episodes.")
    @Argument(help: "The case: cartpole-dqn, cartpole-ppo, cartpole-pg, acrobot-dqn or pendulum-ppo.") var name: String
    @Option(help: "The agent's model.safetensors (default: runs/<case>/latest/model.safetensors).") var checkpoint: String?
    @Option(help: "Episodes to play.") var episodes: Int = 3
    @Option(help: "Seed of the first episode (episode k uses seed + k).") var seed: UInt64 = 0
    @Option(help: "Write the episodes as an animated GIF to this file.") var gif: String?
    @Option(name: .customLong("frames-dir"), help: "Write every frame as a PNG file into this folder.") var framesDir: String?
    @Option(name: .customLong("frame-every"), help: "Keep one frame in this many steps.") var frameEvery: Int = 2
    @Option(help: "GIF: hundredths of a second each frame is shown (4: CartPole in real time with --frame-every 2).") var delay: Int = 4

    func run() throws {
        let cases = PracticeCases.all.compactMap { $0 as? any ReinforcementLearningCase.Type }
        guard let c = cases.first(where: { $0.info.name == name }) else {
            throw ValidationError("unknown case \(name); deep play takes \(cases.map { $0.info.name }.joined(separator: ", "))")
        }
        guard episodes >= 1, frameEvery >= 1 else { throw ValidationError("--episodes and --frame-every must be at least 1") }
        let path = Report.checkpoint(checkpoint, of: name)
        try reportingErrors {
            let (frames, returns) = try c.play(checkpoint: path, episodes: episodes, seed: seed, frameEvery: frameEvery)
            for (k, r) in returns.enumerated() { print(String(format: "episode %d (seed %llu): return %.1f", k + 1, seed + UInt64(k), r)) }
            let first = frames[0]
            if let gif {
                try GIF.write(frames: frames.map(\.pixels), width: first.width, height: first.height, delay: delay, toPath: gif)
                print("wrote \(gif): \(frames.count) frames of \(first.width)×\(first.height)")
            }
            if let framesDir {
                for (k, frame) in frames.enumerated() {
                    try PNG.write(rgb: frame.pixels, width: frame.width, height: frame.height, toPath: framesDir + String(format: "/frame%05d.png", k))
                }
                print("wrote \(frames.count) PNG frames to \(framesDir)/")
            }
        }
    }
}
