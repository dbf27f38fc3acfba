import DeepLearning
import Foundation

/// char-rnn, char-gru, char-lstm — character-level language models on Tiny Shakespeare (the seed's §2.3): a
/// recurrent network reads text one character at a time and predicts the next. The plain RNN, the GRU and the
/// LSTM are trained the same way, so their validation curves compare how well gating carries information
/// across time (`runs/char-models.png`).
public enum CharRecurrent {
    /// The recurrent cell of a case.
    public enum Kind: String, CaseIterable, Sendable {
        case rnn, gru, lstm
        public var caseName: String { "char-\(rawValue)" }
    }

    /// The settings each char case starts from.
    public static let defaults: TrainOptions = {
        var o = TrainOptions(epochs: 8, batchSize: 32, learningRate: 2e-3, optimizer: "adam")
        (o.sequenceLength, o.hiddenSize, o.layers) = (100, 256, 2)
        return o
    }()

    static func info(_ kind: Kind) -> CaseInfo {
        CaseInfo(name: kind.caseName,
                 idea: "recurrent networks: character-level \(kind.rawValue.uppercased()) language model, truncated backpropagation through time",
                 data: "Tiny Shakespeare, 1.1 M characters (bundled); 90/10 train/validation split",
                 target: kind == .lstm ? "validation loss ≤ 1.6 nats/char" : "the LSTM's curve, compared",
                 defaults: defaults, extras: [.sequenceLength, .hidden, .layers])
    }

    /// Embedding → recurrent layers → linear head over the vocabulary.
    public final class Model: Module {
        let embedding: Embedding
        let rnn: RecurrentLayer
        let head: Linear

        /// The embedding is a quarter of the hidden width; dropout 0.2 between stacked layers.
        public init(kind: Kind, vocabularySize: Int, options: TrainOptions) {
            let width = Swift.max(1, options.hiddenSize / 4), dropout: Float = options.layers > 1 ? 0.2 : 0
            embedding = Embedding(vocabularySize, width)
            switch kind {
            case .rnn: rnn = RNN(width, options.hiddenSize, numLayers: options.layers, dropout: dropout)
            case .gru: rnn = GRU(width, options.hiddenSize, numLayers: options.layers, dropout: dropout)
            case .lstm: rnn = LSTM(width, options.hiddenSize, numLayers: options.layers, dropout: dropout)
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
                (output, next) = { let (o, h) = gru(x, state?[0]); return (o, [h]) }()
            case let plain as RNN:
                (output, next) = { let (o, h) = plain(x, state?[0]); return (o, [h]) }()
            default:
                failure("CharRecurrent.Model: unknown recurrent layer \(type(of: rnn))")
            }
            return (head(output.reshaped(to: [-1, output.shape[2]])), next)
        }
    }

    /// Trains one case: windows of `sequenceLength` characters from `batchSize` parallel streams, the state
    /// carried from one window to the next but the graph cut there (truncated backpropagation through time).
    @discardableResult
    public static func train(_ kind: Kind, _ options: TrainOptions) throws -> String {
        let text = try corpus()
        let (train, validation) = streams(text, options)
        let model = Model(kind: kind, vocabularySize: text.vocabulary.count, options: options)
        let optimizer = Adam(model.parameters(), lr: options.learningRate)
        let windows = windowCount(train, length: options.sequenceLength)
        let schedule = CosineAnnealingLR(initial: options.learningRate, tMax: windows * options.epochs)
        let report = try Report(info(kind), options, columns: ["epoch", "train_loss", "validation_loss", "seconds"],
                                plots: [.init("loss.png", "nats per character", ["train_loss", "validation_loss"])],
                                header: ["data: vocabulary \(text.vocabulary.count), \(train.count) training characters",
                                         "model: \(model.parameterCount) parameters (\(options.layers)×\(options.hiddenSize) \(kind.rawValue.uppercased())); Adam lr \(options.learningRate), batch \(options.batchSize), BPTT \(options.sequenceLength), clip 5, \(options.epochs) epochs"])
        try report.track(model, optimizer)  // saved each epoch; restored by --resume
        var validationLoss = Float.nan
        for epoch in report.firstEpoch...options.epochs {
            model.train()
            var state: Model.State?
            for w in report.batches(of: 0..<windows, count: windows, epoch: epoch) {
                optimizer.lr = schedule(report.step)
                let (x, y) = window(train, w, length: options.sequenceLength)
                let (logits, next) = model(x, state)
                state = next.map { $0.detached() }  // carry the state, cut the graph
                let loss = crossEntropy(logits, y)
                optimizer.zeroGrad()
                loss.backward()
                clipGradNorm(model.parameters(), maxNorm: 5)
                optimizer.step()
                try report.batch(loss: loss, samples: y.count)
            }
            validationLoss = evaluate(model, validation, length: options.sequenceLength)
            try report.endEpoch(["validation_loss": Double(validationLoss)], saving: model)
            try writeComparisonPlot(outputDirectory: options.outputDirectory)
        }
        report.say("\(options.outputDirectory)/char-models.png compares the validation curves of the char cases")
        return report.finish(String(format: "validation loss %.3f nats/char", validationLoss))
    }

    /// The corpus: Tiny Shakespeare, bundled.
    public static func corpus() throws -> TextCorpus {
        try TextCorpus(contentsOfFile: DataLocation.bundled("tinyshakespeare") + "/input.txt.gz")
    }

    /// The training and validation streams of the corpus (the first `limit` characters when set), 90/10.
    static func streams(_ text: TextCorpus, _ options: TrainOptions) -> (train: Tensor, validation: Tensor) {
        var ids = text.ids[...]
        if let limit = options.limit { ids = ids.prefix(limit) }
        let split = ids.startIndex + ids.count * 9 / 10
        let validationBatch = Swift.max(1, Swift.min(options.batchSize, (ids.count - split) / (options.sequenceLength + 1)))
        return (streams(ids[..<split], batch: options.batchSize), streams(ids[split...], batch: validationBatch))
    }

    /// Ids laid out as `batch` parallel streams, [batch, length / batch], so that window t of every stream
    /// continues window t − 1 and the recurrent state can be carried across windows.
    static func streams(_ ids: ArraySlice<Int>, batch: Int) -> Tensor {
        let length = ids.count / batch
        return Tensor(ids.prefix(length * batch).map(Float.init), shape: [batch, length])
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

    /// `<out>/char-models.png`: validation loss per epoch of the latest run of every char case (char-transformer
    /// included; its metrics.csv has the same columns).
    static func writeComparisonPlot(outputDirectory: String) throws {
        var plot = LinePlot(title: "RNN vs GRU vs LSTM vs Transformer on Tiny Shakespeare", xLabel: "epoch", yLabel: "validation nats/char")
        let series = Kind.allCases.map { ($0.caseName, $0.rawValue.uppercased()) } + [(CharTransformer.info.name, "Transformer")]
        for (name, label) in series {
            let file = Report.latestRun(of: name, in: outputDirectory) + "/metrics.csv"
            guard let csv = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
            let rows = csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",").compactMap { Double($0) } }
            plot.add(series: label, x: rows.map { $0[0] }, y: rows.map { $0[2] })
        }
        try plot.write(toPath: outputDirectory + "/char-models.png", width: 640, height: 400)
    }

    /// An index drawn from softmax(logits / temperature) (logits of any shape, read in order).
    static func draw(_ logits: Tensor, temperature: Float, using generator: inout RandomGenerator) -> Int {
        let p = (logits / Swift.max(temperature, 1e-4)).softmax(alongAxis: -1).scalars
        var u = generator.nextUniform()
        for (i, pi) in p.enumerated() {
            u -= pi
            if u < 0 { return i }
        }
        return p.count - 1
    }

    /// Text generated by a trained model: the prompt, then `length` characters sampled one at a time from
    /// softmax(logits / temperature).
    public static func sample(_ kind: Kind, checkpoint: String, prompt: String, length: Int, temperature: Float, seed: UInt64,
                              options: TrainOptions = defaults) throws -> String {
        let text = try corpus()
        let model = Model(kind: kind, vocabularySize: text.vocabulary.count, options: options)
        try model.load(from: checkpoint)
        model.eval()
        var generator = RandomGenerator(seed: seed)
        var produced: [Int] = []
        withNoGrad {
            var state: Model.State?
            var logits = Tensor.zeros([1, text.vocabulary.count])
            for id in text.vocabulary.encode(prompt.isEmpty ? "\n" : prompt) {
                (logits, state) = model(Tensor([Float(id)], shape: [1, 1]), state)
            }
            for _ in 0..<length {
                let next = draw(logits, temperature: temperature, using: &generator)
                produced.append(next)
                (logits, state) = model(Tensor([Float(next)], shape: [1, 1]), state)
            }
        }
        return prompt + text.vocabulary.decode(produced)
    }
}

/// char-rnn: the plain (Elman) recurrent network, hₜ = tanh(W_ih xₜ + W_hh hₜ₋₁ + b).
public enum CharRNN: PracticeCase {
    public static let info = CharRecurrent.info(.rnn)
    @discardableResult public static func train(_ options: TrainOptions) throws -> String { try CharRecurrent.train(.rnn, options) }
}

/// char-gru: the gated recurrent unit (Cho et al. 2014).
public enum CharGRU: PracticeCase {
    public static let info = CharRecurrent.info(.gru)
    @discardableResult public static func train(_ options: TrainOptions) throws -> String { try CharRecurrent.train(.gru, options) }
}

/// char-lstm: long short-term memory (Hochreiter & Schmidhuber 1997).
public enum CharLSTM: PracticeCase {
    public static let info = CharRecurrent.info(.lstm)
    @discardableResult public static func train(_ options: TrainOptions) throws -> String { try CharRecurrent.train(.lstm, options) }
}
