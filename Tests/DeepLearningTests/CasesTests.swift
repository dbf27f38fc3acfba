import Foundation
import Testing
@testable import Cases
@testable import DeepLearning

/// The practice-case machinery end to end on small settings: training, run directories, checkpoint,
/// evaluation, summary, option validation, the NaN stop, and the character models with sampling.
@Suite struct CasesTests {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("dl-cases-\(UUID().uuidString)").path

    @Test func classifierCaseTrainsAndWritesItsRun() throws {
        var options = DigitsMLP.info.defaults
        options.epochs = 5
        options.outputDirectory = out
        options.quiet = true
        let summary = try DigitsMLP.train(options)
        #expect(summary.hasPrefix("digits-mlp: test accuracy"))
        let run = out + "/digits-mlp/1"
        for file in ["model.safetensors", "metrics.csv", "loss.png", "accuracy.png"] {
            #expect(FileManager.default.fileExists(atPath: run + "/" + file), "\(file) missing")
        }
        let csv = try String(contentsOfFile: run + "/metrics.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 6)
        #expect(csv[0] == "epoch,train_loss,test_loss,train_accuracy,test_accuracy,seconds")
        let lastAccuracy = Float(csv[5].split(separator: ",")[4])!
        #expect(lastAccuracy > 0.85)
        // The checkpoint reproduces the final evaluation, read through `latest`.
        let model = DigitsMLP.makeModel()
        try model.load(from: Report.latestRun(of: "digits-mlp", in: out) + "/model.safetensors")
        let test = try DigitsMLP.data(options).test
        let again = evaluate(model, on: test, classes: 10, transform: DigitsMLP.transform)
        #expect(abs(again.accuracy - lastAccuracy) < 1e-5)
        #expect(again.confusion.flatMap { $0 }.reduce(0, +) == test.count)
        #expect(DeepLearning.summary(model, inputShape: [1] + DigitsMLP.inputShape).totalParameters == model.parameterCount)
        // A second run never overwrites the first: it gets the next number and `latest` follows it.
        options.epochs = 1
        try DigitsMLP.train(options)
        #expect(FileManager.default.fileExists(atPath: out + "/digits-mlp/2/metrics.csv"))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: out + "/digits-mlp/latest") == "2")
        #expect(try String(contentsOfFile: run + "/metrics.csv", encoding: .utf8).split(separator: "\n").count == 6)
    }

    @Test func characterModelTrainsAndSamples() throws {
        var o = CharRecurrent.defaults
        (o.epochs, o.batchSize, o.sequenceLength, o.hiddenSize, o.layers) = (2, 8, 25, 32, 1)
        (o.limit, o.outputDirectory, o.quiet) = (30_000, out, true)
        try CharGRU.train(o)
        let csv = try String(contentsOfFile: out + "/char-gru/latest/metrics.csv", encoding: .utf8).split(separator: "\n")
        let loss = Float(csv[2].split(separator: ",")[2])!
        #expect(loss < 3.4)  // below the uniform 4.17 nats over 65 characters: it learned the letter frequencies at least
        #expect(FileManager.default.fileExists(atPath: out + "/char-models.png"))
        let checkpoint = out + "/char-gru/latest/model.safetensors"
        let text = try CharRecurrent.sample(.gru, checkpoint: checkpoint, prompt: "ROMEO:", length: 50, temperature: 0.8, seed: 1, options: o)
        #expect(text.hasPrefix("ROMEO:") && text.count == 56)
        let again = try CharRecurrent.sample(.gru, checkpoint: checkpoint, prompt: "ROMEO:", length: 50, temperature: 0.8, seed: 1, options: o)
        #expect(text == again)
    }

    static func badOptions() -> [(TrainOptions, String)] {
        let d = MNISTMLP.info.defaults
        var cases: [(TrainOptions, String)] = []
        func bad(_ message: String, _ change: (inout TrainOptions) -> Void) {
            var o = d
            change(&o)
            cases.append((o, message))
        }
        bad("--epochs must be at least 1, got 0") { $0.epochs = 0 }
        bad("--batch-size must be at least 1, got -3") { $0.batchSize = -3 }
        bad("--lr must be a positive number, got -1.0") { $0.learningRate = -1 }
        bad("--limit must be at least 1, got 0") { $0.limit = 0 }
        bad("unknown optimizer lbfgs; choose sgd, adam, adamw, rmsprop or adagrad") { $0.optimizer = "lbfgs" }
        bad("--data-dir /no/such/folder is not a directory") { $0.dataDirectory = "/no/such/folder" }
        return cases
    }

    @Test(arguments: badOptions())
    func badOptionsAreRefused(options: TrainOptions, message: String) {
        #expect(throws: CaseError.self) { try options.validate() }
        do { try options.validate() } catch { #expect("\(error)" == message) }
    }

    @Test func lossThatTurnsNaNStopsTheRun() throws {
        var o = DigitsMLP.info.defaults
        (o.outputDirectory, o.quiet) = (out, true)
        let report = try Report(DigitsMLP.info, o, columns: ["epoch", "train_loss", "seconds"], plots: [])
        _ = report.batches(of: 0..<3, count: 3, epoch: 1)
        try report.batch(loss: 2.5, samples: 4)
        do {
            try report.batch(loss: .nan, samples: 4)
            Issue.record("a NaN loss did not stop the run")
        } catch {
            #expect("\(error)".contains("the loss became nan at step 2 (epoch 1); the last finite loss was 2.5"))
            #expect("\(error)".contains("--lr"))
        }
    }
}
