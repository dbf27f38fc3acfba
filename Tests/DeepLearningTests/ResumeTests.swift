import Foundation
import Testing
@testable import Cases
@testable import DeepLearning

/// `deep train <case> --resume runs/<case>/latest`: a run stopped after an epoch and resumed ends with the
/// same weights, bit for bit, and the same metrics as a run that was never stopped.
@Suite struct ResumeTests {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("dl-resume-\(UUID().uuidString)").path

    /// Trains `train` three ways from the same start: without a stop, stopped after epoch `stop`, and resumed
    /// from `latest`; compares the final models (the checkpoint `files` of the run directory) and the metrics
    /// (all but the seconds).
    func expectResumeMatches(_ name: String, _ options: TrainOptions, stop: Int, files: [String] = ["model.safetensors"],
                             _ train: (TrainOptions) throws -> String) throws {
        var o = options
        o.outputDirectory = out
        o.quiet = true
        Tensor.manualSeed(0)
        _ = try train(o)  // run 1: uninterrupted
        var stopped = o
        stopped.stopAfterEpoch = stop
        Tensor.manualSeed(0)
        #expect(throws: CaseError.self) { _ = try train(stopped) }  // run 2: stops after epoch `stop`
        var resumed = o
        resumed.resumeFrom = Report.latestRun(of: name, in: out)
        Tensor.manualSeed(99)  // the generator's state must come from the checkpoint, not from here
        _ = try train(resumed)  // run 3: continues run 2
        for file in files {
            let whole = try SafeTensors.read(from: out + "/\(name)/1/" + file).dictionary
            let continued = try SafeTensors.read(from: out + "/\(name)/3/" + file).dictionary
            #expect(whole.keys.sorted() == continued.keys.sorted())
            for (key, t) in whole { #expect(t.scalars == continued[key]?.scalars, "\(name): \(file) \(key) differs after resuming") }
        }
        func metrics(_ run: Int) throws -> [String] {
            try String(contentsOfFile: out + "/\(name)/\(run)/metrics.csv", encoding: .utf8).split(separator: "\n")
                .map { $0.split(separator: ",").dropLast().joined(separator: ",") }  // without the seconds
        }
        #expect(try metrics(1) == metrics(3))
        #expect(try metrics(1).count == o.epochs + 1)
    }

    /// digits-mlp: Adam's state, a shuffled loader and a cosine schedule over the whole run.
    @Test func classifierResumesBitIdentically() throws {
        var options = DigitsMLP.info.defaults
        (options.epochs, options.limit) = (3, 512)
        try expectResumeMatches("digits-mlp", options, stop: 1, DigitsMLP.train)
    }

    /// char-rnn adds dropout between its two layers: the random generator's state must be restored too.
    @Test func charRNNResumesBitIdentically() throws {
        var options = CharRecurrent.info(.rnn).defaults
        (options.epochs, options.limit, options.hiddenSize, options.sequenceLength, options.batchSize) = (2, 2000, 8, 10, 8)
        try expectResumeMatches("char-rnn", options, stop: 1) { try CharRecurrent.train(.rnn, $0) }
    }

    /// mnist-gan: two models and two Adams, a shuffled loader, dropout in D and the loop's own noise generator.
    @Test func ganResumesBitIdentically() throws {
        var options = MNISTGAN.info.defaults
        (options.epochs, options.limit, options.batchSize, options.scoredSamples) = (2, 256, 32, 100)
        try expectResumeMatches("mnist-gan", options, stop: 1, files: ["generator.safetensors", "discriminator.safetensors"], MNISTGAN.train)
    }

    /// mnist-dcgan: the same loop with batch norm in G, spectral norm (power-iteration buffers) and the code head Q
    /// in D, and the EMA of G (its own part of the checkpoint) that the saved generator is.
    @Test func dcganResumesBitIdentically() throws {
        var options = MNISTDCGAN.info.defaults
        (options.epochs, options.limit, options.batchSize, options.scoredSamples) = (2, 256, 32, 100)
        try expectResumeMatches("mnist-dcgan", options, stop: 1, files: ["generator.safetensors", "discriminator.safetensors"], MNISTDCGAN.train)
    }

    /// char-transformer: AdamW, clipping, a warm-up and cosine schedule over the whole run, and the generator of
    /// its random windows.
    @Test func charTransformerResumesBitIdentically() throws {
        var o = CharTransformer.defaults
        (o.epochs, o.batchSize, o.sequenceLength, o.hiddenSize, o.layers, o.limit, o.dropout) = (2, 4, 16, 32, 1, 3000, 0.1)
        try expectResumeMatches("char-transformer", o, stop: 1, CharTransformer.train)
    }

    @Test func resumingRefusesAFinishedRunAndAnotherCase() throws {
        var o = DigitsMLP.info.defaults
        (o.epochs, o.outputDirectory, o.quiet) = (1, out, true)
        try DigitsMLP.train(o)
        var again = o
        again.resumeFrom = Report.latestRun(of: "digits-mlp", in: out)
        let finished = #expect(throws: CaseError.self) { try DigitsMLP.train(again) }
        #expect(finished?.description.contains("has finished its 1 epochs") == true)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: out + "/digits-mlp/latest") == "1", "a refused resume made a run")
        var other = CharRecurrent.info(.rnn).defaults
        (other.epochs, other.limit, other.sequenceLength, other.batchSize) = (1, 2000, 10, 8)
        (other.outputDirectory, other.quiet, other.resumeFrom) = (out, true, again.resumeFrom)
        let error = #expect(throws: CaseError.self) { try CharRecurrent.train(.rnn, other) }
        #expect(error?.description.contains("is a run of digits-mlp, not of char-rnn") == true)
    }

    @Test func randomGeneratorStateContinuesTheStream() {
        var g = RandomGenerator(seed: 5)
        _ = g.nextNormal()  // leaves a pending normal sample in the state
        var copy = RandomGenerator(state: g.state)
        #expect((0..<5).map { _ in g.nextNormal() } == (0..<5).map { _ in copy.nextNormal() })
        #expect(g.next() == copy.next())
    }
}
