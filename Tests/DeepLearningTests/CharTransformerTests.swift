import Foundation
import Testing
@testable import Cases
@testable import DeepLearning

/// The char-transformer case on small settings (training, validation loss, attention map, sampling) and the
/// heat-map plot it draws.
@Suite struct CharTransformerTests {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("dl-char-transformer-\(UUID().uuidString)").path

    @Test func trainsDrawsItsAttentionAndSamples() throws {
        var o = CharTransformer.defaults
        (o.epochs, o.batchSize, o.sequenceLength, o.hiddenSize, o.layers) = (2, 8, 32, 32, 1)
        (o.limit, o.outputDirectory, o.quiet) = (12_000, out, true)
        let summary = try CharTransformer.train(o)
        #expect(summary.hasPrefix("char-transformer: validation loss"))
        let run = Report.latestRun(of: "char-transformer", in: out)
        let csv = try String(contentsOfFile: run + "/metrics.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv[0] == "epoch,train_loss,validation_loss,seconds")
        #expect(Float(csv[2].split(separator: ",")[2])! < 3.4)  // below the uniform 4.17 nats: it learned something
        let png = try Data(contentsOf: URL(fileURLWithPath: run + "/attention.png"))
        #expect(Array(png.prefix(8)) == PNG.signature)
        #expect(FileManager.default.fileExists(atPath: out + "/char-models.png"))
        let text = try CharTransformer.sample(checkpoint: run + "/model.safetensors", prompt: "ROMEO:", length: 40, temperature: 0.8, seed: 1, options: o)
        #expect(text.hasPrefix("ROMEO:") && text.count == 46)
        #expect(text == (try CharTransformer.sample(checkpoint: run + "/model.safetensors", prompt: "ROMEO:", length: 40, temperature: 0.8, seed: 1, options: o)))
    }

    /// Overlapping validation windows score every target exactly once, each after at least length − step earlier
    /// characters; with step = length they are the disjoint windows.
    @Test func validationWindowsScoreEachCharacterOnce() {
        for (textLength, length, step) in [(1_000, 128, 64), (1_000, 128, 128), (300, 32, 10), (129, 128, 64), (100, 128, 64)] {
            let windows = CharTransformer.scoredWindows(textLength: textLength, length: length, step: step)
            var scored = [Int](repeating: 0, count: textLength)
            for (start, fresh) in windows {
                #expect(start + length + 1 <= textLength)
                #expect(start == 0 ? fresh == 0 : fresh == length - step)
                for i in fresh..<length { scored[start + i + 1] += 1 }
            }
            let end = windows.last.map { $0.start + length + 1 } ?? 1
            #expect(scored[1..<end].allSatisfy { $0 == 1 } && scored[end...].allSatisfy { $0 == 0 }, "\(textLength), \(length), \(step)")
        }
        #expect(CharTransformer.scoredWindows(textLength: 100, length: 128, step: 64).isEmpty)
    }

    /// Causal attention weights: each row sums to 1 and nothing lies above the diagonal.
    @Test func attentionWeightsAreCausalDistributions() {
        var o = CharTransformer.defaults
        (o.sequenceLength, o.hiddenSize, o.layers) = (16, 32, 2)
        let model = CharTransformer.Model(vocabularySize: 10, options: o)
        let w = model.attentionWeights(Tensor((0..<12).map { Float($0 % 10) }, shape: [1, 12]), layer: 1)
        #expect(w.shape == [1, 12, 12])
        expectClose(w.sum(alongAxis: -1), Tensor.ones([1, 12]), "row sums")
        #expect(w.triu(diagonal: 1).scalars.allSatisfy { $0 == 0 })
    }

    @Test func heatMapShadesByValue() {
        let map = HeatMap(values: [[0, 1], [0.5, 0]], rowLabels: ["a", "b"], columnLabels: ["a", "b"], title: "t")
        let (rgb, width, height) = map.render(cell: 10)
        #expect(rgb.count == width * height * 3 && (width, height) == map.size(cell: 10))
        func pixel(_ row: Int, _ column: Int) -> Int {  // red channel at the centre of a cell
            let left = 10 + 5 + 6, top = height - 10 - 20  // label margin: one glyph (5) plus spacing
            return Int(rgb[3 * ((top + row * 10 + 5) * width + left + column * 10 + 5)])
        }
        #expect(pixel(0, 0) == 255 && pixel(0, 1) < 20 && pixel(1, 0) > pixel(0, 1) && pixel(1, 0) < 255)
        #expect(HeatMap.label(for: " ") == "_" && HeatMap.label(for: "\n") == "/")
    }
}
