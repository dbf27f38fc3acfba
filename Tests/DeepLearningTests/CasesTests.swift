import Foundation
import Testing
@testable import Cases
@testable import DeepLearning

/// The practice-case machinery end to end on small settings: training, run directory, checkpoint, evaluation,
/// summary, and the character models with sampling.
@Suite struct CasesTests {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("dl-cases-\(UUID().uuidString)").path

    @Test func classifierCaseTrainsAndWritesItsRun() throws {
        let spec = try PracticeCases.classifier("digits-mlp")
        var options = spec.defaults
        options.epochs = 5
        options.outputDirectory = out
        let result = try ClassifierTrainer.train(spec, options: options)
        #expect(result.accuracy > 0.85)
        let run = out + "/digits-mlp"
        for file in ["model.safetensors", "metrics.csv", "loss.png", "accuracy.png"] {
            #expect(FileManager.default.fileExists(atPath: run + "/" + file), "\(file) missing")
        }
        let csv = try String(contentsOfFile: run + "/metrics.csv", encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 6)
        // The checkpoint reproduces the final evaluation.
        let model = spec.makeModel()
        try model.load(from: run + "/model.safetensors")
        let test = try spec.loadData(nil).test
        let again = ClassifierTrainer.evaluate(model, on: test, classes: 10, transform: spec.transform)
        #expect(again.accuracy == result.accuracy)
        #expect(again.confusion.flatMap { $0 }.reduce(0, +) == test.count)
        #expect(summaryTable(model, inputShape: spec.inputShape).contains("total"))
    }

    @Test func characterModelTrainsAndSamples() throws {
        var o = CharLanguageModel.Options()
        (o.epochs, o.batchSize, o.sequenceLength, o.hiddenSize, o.layers, o.embeddingSize) = (2, 8, 25, 32, 1, 16)
        o.limit = 30_000
        o.outputDirectory = out
        let loss = try CharLanguageModel.train(.gru, options: o)
        #expect(loss < 3.4)  // below the uniform 4.17 nats over 65 characters: it learned the letter frequencies at least
        #expect(FileManager.default.fileExists(atPath: out + "/char-models.png"))
        let text = try CharLanguageModel.sample(.gru, checkpoint: out + "/char-gru/model.safetensors", prompt: "ROMEO:",
                                                length: 50, temperature: 0.8, seed: 1, options: o)
        #expect(text.hasPrefix("ROMEO:") && text.count == 56)
        let again = try CharLanguageModel.sample(.gru, checkpoint: out + "/char-gru/model.safetensors", prompt: "ROMEO:",
                                                 length: 50, temperature: 0.8, seed: 1, options: o)
        #expect(text == again)
    }
}
