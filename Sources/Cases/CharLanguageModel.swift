import DeepLearning
import Foundation

/// Character-level language models on Tiny Shakespeare (the seed's §2.3): a recurrent network reads text one
/// character at a time and predicts the next. The plain RNN, the GRU and the LSTM are trained the same way,
/// so their validation curves compare how well gating carries information across time.
public enum CharLanguageModel {
    /// The recurrent cell of a case.
    public enum Kind: String, CaseIterable {
        case rnn, gru, lstm
        public var caseName: String { "char-\(rawValue)" }
    }

    /// Settings of a character-model run.
    public struct Options {
        public var epochs = 8
        public var batchSize = 32
        public var sequenceLength = 100
        public var learningRate: Float = 2e-3
        public var hiddenSize = 256
        public var layers = 2
        public var embeddingSize = 64
        public var dropout: Float = 0.2
        public var clipNorm: Float = 5
        public var seed: UInt64 = 0
        public var outputDirectory = "runs"
        /// Use only the first `limit` characters of the corpus (quick runs).
        public var limit: Int?
        public init() {}
    }

    /// Embedding → recurrent layers → linear head over the vocabulary.
    public final class Model: Module {
        public let kind: Kind
        let embedding: Embedding
        let rnn: RecurrentLayer
        let head: Linear

        public init(kind: Kind, vocabularySize: Int, options: Options) {
            self.kind = kind
            embedding = Embedding(vocabularySize, options.embeddingSize)
            let dropout = options.layers > 1 ? options.dropout : 0
            switch kind {
            case .rnn: rnn = RNN(options.embeddingSize, options.hiddenSize, numLayers: options.layers, dropout: dropout)
            case .gru: rnn = GRU(options.embeddingSize, options.hiddenSize, numLayers: options.layers, dropout: dropout)
            case .lstm: rnn = LSTM(options.embeddingSize, options.hiddenSize, numLayers: options.layers, dropout: dropout)
            }
            head = Linear(options.hiddenSize, vocabularySize)
            super.init()
        }

        /// The recurrent state carried between windows: [h] or [h, c], each [layers, batch, hidden].
        public typealias State = [Tensor]

        /// Logits [T·B, vocabulary] for ids [T, B], and the state after the last step.
        public func callAsFunction(_ ids: Tensor, _ state: State?) -> (logits: Tensor, state: State) {
            let x = embedding(ids)
            let output: Tensor, next: State
            switch rnn {
            case let lstm as LSTM:
                let (o, s) = lstm(x, state.map { ($0[0], $0[1]) })
                (output, next) = (o, [s.h, s.c])
            case let gru as GRU:
                let (o, h) = gru(x, state?[0])
                (output, next) = (o, [h])
            case let plain as RNN:
                let (o, h) = plain(x, state?[0])
                (output, next) = (o, [h])
            default:
                failure("CharLanguageModel: unknown recurrent layer \(type(of: rnn))")
            }
            return (head(output.reshaped(to: [-1, output.shape[2]])), next)
        }
    }

    /// The corpus: Tiny Shakespeare, bundled.
    public static func corpus() throws -> TextCorpus {
        try TextCorpus(contentsOfFile: DataLocation.bundled("tinyshakespeare") + "/input.txt.gz")
    }

    /// Ids laid out as `batch` parallel streams, [batch, length / batch], so that window t of every stream
    /// continues window t − 1 and the recurrent state can be carried across windows (truncated BPTT).
    static func streams(_ ids: ArraySlice<Int>, batch: Int) -> Tensor {
        let length = ids.count / batch
        let values = ids.prefix(length * batch).map(Float.init)
        return Tensor(values, shape: [batch, length])
    }

    /// Inputs and targets of window `w`: ids [T, B] and the next characters [T·B].
    static func window(_ streams: Tensor, _ w: Int, length: Int) -> (Tensor, Tensor) {
        let start = w * length
        let x = streams.sliced(alongAxis: 1, start..<(start + length)).transposed().contiguous()
        let y = streams.sliced(alongAxis: 1, (start + 1)..<(start + length + 1)).transposed().contiguous()
        return (x, y.reshaped(to: [-1]))
    }

    static func windowCount(_ streams: Tensor, length: Int) -> Int { (streams.shape[1] - 1) / length }

    /// Mean cross-entropy in nats per character over all windows of `streams`, state carried.
    static func evaluate(_ model: Model, _ streams: Tensor, length: Int) -> Float {
        model.eval()
        defer { model.train() }
        var total: Float = 0, count = 0
        withNoGrad {
            var state: Model.State?
            for w in 0..<windowCount(streams, length: length) {
                let (x, y) = window(streams, w, length: length)
                let (logits, next) = model(x, state)
                state = next
                total += crossEntropy(logits, y, reduction: .sum).item
                count += y.count
            }
        }
        return total / Float(Swift.max(count, 1))
    }

    /// Trains one case and writes runs/<case>/ plus the comparison plot of every char case trained so far.
    @discardableResult
    public static func train(_ kind: Kind, options: Options) throws -> Float {
        Tensor.manualSeed(options.seed)
        let text = try corpus()
        var ids = text.ids[...]
        if let limit = options.limit { ids = ids.prefix(limit) }
        let split = ids.startIndex + ids.count * 9 / 10
        let train = streams(ids[..<split], batch: options.batchSize)
        let validation = streams(ids[split...], batch: Swift.max(1, Swift.min(options.batchSize, (ids.count - split) / (options.sequenceLength + 1))))
        let model = Model(kind: kind, vocabularySize: text.vocabulary.count, options: options)
        let optimizer = Adam(model.parameters(), lr: options.learningRate)
        let windows = windowCount(train, length: options.sequenceLength)
        let rate = CosineAnnealingLR(initial: options.learningRate, tMax: Swift.max(windows * options.epochs, 1))
        let directory = options.outputDirectory + "/" + kind.caseName
        let log = try RunLog(directory: directory, columns: ["epoch", "train_loss", "validation_loss", "seconds"])
        print("\(kind.caseName): character-level \(kind.rawValue.uppercased()) language model on Tiny Shakespeare")
        print("data: \(ids.count) characters, vocabulary \(text.vocabulary.count); 90/10 train/validation split")
        print("model: \(model.parameterCount) parameters (\(options.layers)×\(options.hiddenSize) \(kind.rawValue.uppercased())); Adam lr \(options.learningRate), batch \(options.batchSize), BPTT \(options.sequenceLength), clip \(options.clipNorm), \(options.epochs) epochs")
        let start = Date()
        var step = 0
        var validationLoss = Float.nan
        for epoch in 1...Swift.max(1, options.epochs) {
            let bar = ProgressBar(total: windows, label: "epoch \(epoch)/\(options.epochs)")
            var state: Model.State?
            var lossSum: Float = 0
            model.train()
            for w in 0..<windows {
                optimizer.learningRate = rate(step)
                let (x, y) = window(train, w, length: options.sequenceLength)
                let (logits, next) = model(x, state)
                state = next.map { $0.detached() }  // carry the state, cut the graph (truncated BPTT)
                let loss = crossEntropy(logits, y)
                optimizer.zeroGrad()
                loss.backward()
                clipGradNorm(model.parameters(), maxNorm: options.clipNorm)
                optimizer.step()
                step += 1
                lossSum += loss.item
                bar.update(step: w + 1, samples: (w + 1) * y.count, metrics: [("loss", lossSum / Float(w + 1))])
            }
            validationLoss = evaluate(model, validation, length: options.sequenceLength)
            let seconds = Date().timeIntervalSince(start)
            print(String(format: "epoch %d: train loss %.4f | validation loss %.4f nats/char | %.0fs", epoch, lossSum / Float(windows), validationLoss, seconds))
            try log.append([Double(epoch), Double(lossSum / Float(windows)), Double(validationLoss), seconds],
                           plots: [("loss.png", "\(kind.caseName) loss", "nats per character", ["train_loss", "validation_loss"])])
            try model.save(to: directory + "/model.safetensors")
            try writeComparisonPlot(outputDirectory: options.outputDirectory)
        }
        print(String(format: "%@: validation loss %.3f nats/char after %d epochs in %.0fs (target for char-lstm: ≤ 1.6) — wrote %@/{model.safetensors,metrics.csv,loss.png} and %@/char-models.png",
                     kind.caseName, validationLoss, options.epochs, Date().timeIntervalSince(start), directory, options.outputDirectory))
        return validationLoss
    }

    /// runs/char-models.png: validation loss per epoch of every char case that has a metrics.csv.
    static func writeComparisonPlot(outputDirectory: String) throws {
        var plot = LinePlot(title: "RNN vs GRU vs LSTM on Tiny Shakespeare", xLabel: "epoch", yLabel: "validation nats/char")
        for kind in Kind.allCases {
            guard let csv = try? String(contentsOfFile: "\(outputDirectory)/\(kind.caseName)/metrics.csv", encoding: .utf8) else { continue }
            let rows = csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",").compactMap { Double($0) } }
            plot.add(series: kind.rawValue.uppercased(), x: rows.map { $0[0] }, y: rows.map { $0[2] })
        }
        try plot.write(toPath: outputDirectory + "/char-models.png", width: 640, height: 400)
    }

    /// Text generated by a trained model: the prompt, then `length` characters sampled one at a time from
    /// softmax(logits / temperature).
    public static func sample(_ kind: Kind, checkpoint: String, prompt: String, length: Int, temperature: Float, seed: UInt64,
                              options: Options = Options()) throws -> String {
        let text = try corpus()
        let model = Model(kind: kind, vocabularySize: text.vocabulary.count, options: options)
        try model.load(from: checkpoint)
        model.eval()
        let promptIDs = text.vocabulary.encode(prompt.isEmpty ? "\n" : prompt)
        var generator = RandomGenerator(seed: seed)
        var out = prompt
        withNoGrad {
            var state: Model.State?
            var logits = Tensor.zeros([1, text.vocabulary.count])
            for id in promptIDs {
                (logits, state) = model(Tensor([Float(id)], shape: [1, 1]), state)
            }
            var produced: [Int] = []
            for _ in 0..<length {
                let p = (logits / Swift.max(temperature, 1e-4)).softmax(alongAxis: -1).scalars
                var u = generator.nextUniform(), next = p.count - 1
                for (i, pi) in p.enumerated() {
                    u -= pi
                    if u < 0 { next = i; break }
                }
                produced.append(next)
                (logits, state) = model(Tensor([Float(next)], shape: [1, 1]), state)
            }
            out += text.vocabulary.decode(produced)
        }
        return out
    }
}
