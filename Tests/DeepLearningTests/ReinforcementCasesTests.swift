import Foundation
import Testing
@testable import Cases
@testable import DeepLearning

/// The reinforcement-learning cases end to end on a few hundred steps: the run directory, the return curve,
/// the checkpoint that `deep play` reads back, the summary of the greedy evaluation.
@Suite struct ReinforcementCasesTests {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("dl-rl-cases-\(UUID().uuidString)").path

    @Test(arguments: [("cartpole-ppo", 512), ("cartpole-dqn", 200), ("cartpole-pg", 200)])
    func caseTrainsWritesItsRunAndPlays(_ name: String, steps: Int) throws {
        let c = try #require(try PracticeCases.named(name) as? any ReinforcementLearningCase.Type)
        var options = c.info.defaults
        (options.epochs, options.steps, options.outputDirectory, options.quiet) = (2, steps, out, true)
        let summary = try c.train(options)
        #expect(summary.hasPrefix("\(c.info.name): greedy return"), "\(summary)")
        #expect(summary.contains("over 100 episodes"))
        let run = Report.latestRun(of: c.info.name, in: out)
        for file in ["model.safetensors", "metrics.csv", "returns.png"] {
            #expect(FileManager.default.fileExists(atPath: run + "/" + file), "\(file) missing")
        }
        let csv = try String(contentsOfFile: run + "/metrics.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 3 && csv[0] == "step,epoch,seconds,train_loss,mean_return,episodes")
        let (frames, returns) = try c.play(checkpoint: run + "/model.safetensors", episodes: 2, seed: 7, frameEvery: 5)
        #expect(returns.count == 2 && returns.allSatisfy { $0 >= 1 && $0 <= 500 })
        #expect(frames.count >= 4 && frames.allSatisfy { $0.width == 600 && $0.height == 400 })
    }

    @Test func stepsOptionIsCheckedAndOnlyForReinforcementCases() {
        var o = CartPolePPO.info.defaults
        o.steps = 5
        #expect(throws: CaseError.self) { try o.validate() }
        #expect(CartPolePPO.info.extras.contains(.steps) && !MNISTMLP.info.extras.contains(.steps))
    }
}
