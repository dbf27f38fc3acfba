import DeepLearning
import Foundation

/// char-transformer — a decoder-only (GPT-style) Transformer character model on Tiny Shakespeare (the seed's
/// §3.5): each position looks at every earlier position through causal self-attention,
/// softmax(QKᵀ/√d)·V, instead of carrying a recurrent state. Pre-norm blocks (x + attention(norm(x)),
/// x + feed-forward(norm(x))), learned position embeddings, AdamW with a linear warm-up and a cosine decay,
/// gradient clipping. Same corpus, vocabulary and 90/10 split as the recurrent char cases, so its validation
/// curve joins theirs in `runs/char-models.png`; `attention.png` shows one head's attention over a prompt.
public enum CharTransformer: PracticeCase {
    /// Context 128 characters, dModel 128 (4 heads of 32), 4 layers, batch 16, AdamW lr 3e-3 with weight decay 0.1
    /// (as GPT-2/nanoGPT), cosine decay to 0, 8 epochs, no dropout. Measured at one thread, seed 0 (validation
    /// nats/char after 8 epochs): weight decay 0.01 and decay to lr/10: 1.504; weight decay 0.1: 1.499; and decay
    /// to 0 as well: 1.488 (881 s at one thread). Dropout 0.1 learned too slowly for the 10-minute budget (1.84 vs 1.71 after 3 of 8
    /// epochs); batch 32 at lr 2e-3 gave 2.16 after epoch 1 against 2.05: with a fixed budget of characters, more
    /// and smaller steps learn faster.
    public static let defaults: TrainOptions = {
        var o = TrainOptions(epochs: 8, batchSize: 16, learningRate: 3e-3, optimizer: "adamw", weightDecay: 0.1)
        (o.sequenceLength, o.hiddenSize, o.layers) = (128, 128, 4)
        return o
    }()

    /// The case's name, idea, data, target and defaults for `deep list` and `deep train`.
    public static let info = CaseInfo(
        name: "char-transformer",
        idea: "attention and the Transformer: a causal, pre-norm, decoder-only character model",
        data: "Tiny Shakespeare, 1.1 M characters (bundled); 90/10 train/validation split",
        target: "validation loss ≤ 1.50 nats/char",
        defaults: defaults, extras: [.sequenceLength, .hidden, .layers, .dropout])

    /// The prompt whose attention `attention.png` shows.
    public static let attentionPrompt = "ROMEO:\nBut soft, what light through yonder window breaks?"

    /// Token embedding + learned positions → causal pre-norm Transformer layers (final layer norm) → linear head.
    public final class Model: Module {
        let tokenEmbedding: Embedding
        let positionEmbedding: LearnedPositionalEmbedding
        let embeddingDropout: Dropout
        let transformer: TransformerEncoder
        let head: Linear
        /// The longest context the position table covers.
        public let context: Int

        /// `hiddenSize` = dModel, heads of 32 features, feed-forward 4·dModel, GELU; `dropout` on the embeddings,
        /// the attention weights and each block's output (as GPT-2).
        public init(vocabularySize: Int, options: TrainOptions) {
            let d = options.hiddenSize
            require(d % 32 == 0 || d < 32, "char-transformer: --hidden \(d) must be a multiple of 32 (heads of 32 features)")
            context = options.sequenceLength
            tokenEmbedding = Embedding(vocabularySize, d)
            positionEmbedding = LearnedPositionalEmbedding(maxLen: context, dModel: d)
            // Embeddings start small (N(0, 0.02²), as GPT-2), so the blocks' outputs are not drowned at first.
            for table in [tokenEmbedding.weight, positionEmbedding.weight] { table.assign(table * 0.02) }
            embeddingDropout = Dropout(options.dropout)
            transformer = TransformerEncoder(
                TransformerEncoderLayer(dModel: d, nhead: Swift.max(1, d / 32), dimFeedforward: 4 * d, dropout: options.dropout, activation: .gelu,
                                        batchFirst: true, normFirst: true),
                numLayers: options.layers, norm: LayerNorm(d))
            head = Linear(d, vocabularySize)
            super.init()
        }

        /// The residual stream [B, T, d] for ids [B, T] before the transformer layers.
        func embed(_ ids: Tensor) -> Tensor { embeddingDropout(positionEmbedding(tokenEmbedding(ids))) }

        /// Logits [B, T, vocabulary] for ids [B, T] (T ≤ context): position t sees ids 0...t only.
        public func callAsFunction(_ ids: Tensor) -> Tensor { head(transformer(embed(ids), isCausal: true)) }

        /// The attention weights [heads, T, T] of layer `layer` for ids [1, T] (rows = queries, columns = keys).
        public func attentionWeights(_ ids: Tensor, layer: Int) -> Tensor {
            withNoGrad {
                var x = embed(ids)
                for l in transformer.layers.prefix(layer) { x = l(x, isCausal: true) }
                let block = transformer.layers[layer], h = block.norm1(x)
                return block.selfAttn(h, h, h, needWeights: true, averageAttnWeights: false, isCausal: true).weights![0]
            }
        }
    }

    /// Trains on random windows of `sequenceLength + 1` characters (an epoch: as many windows as cover the
    /// training text once); validation loss over consecutive windows after each epoch.
    @discardableResult
    public static func train(_ options: TrainOptions) throws -> String {
        let text = try CharRecurrent.corpus()
        let (train, validation) = split(text, options)
        Tensor.manualSeed(options.seed)
        let model = Model(vocabularySize: text.vocabulary.count, options: options)
        let optimizer = try options.makeOptimizer(model.parameters())
        let (t, b) = (options.sequenceLength, options.batchSize)
        let steps = Swift.max(1, train.count / (t * b))
        let warmup = Swift.max(1, Swift.min(200, steps * options.epochs / 10))
        let schedule = LinearWarmup(steps: warmup, then: CosineAnnealingLR(initial: options.learningRate,
                                                                           tMax: Swift.max(1, steps * options.epochs - warmup),
                                                                           etaMin: 0))
        let report = try Report(info, options, columns: ["epoch", "train_loss", "validation_loss", "seconds"],
                                plots: [.init("loss.png", "nats per character", ["train_loss", "validation_loss"])],
                                header: ["data: vocabulary \(text.vocabulary.count), \(train.count) training characters",
                                         "model: \(model.parameterCount) parameters (\(options.layers) layers, dModel \(options.hiddenSize), context \(t)); \(options.optimizer) lr \(options.learningRate), warm-up \(warmup) steps then cosine, batch \(b), clip 1, \(options.epochs) epochs"])
        let windows = TrackedGenerator(seed: options.seed)  // where the random windows start
        try report.track(model, optimizer, generators: ["windows": windows])  // saved each epoch; restored by --resume
        var validationLoss = Float.nan
        for epoch in report.firstEpoch...options.epochs {
            model.train()
            for _ in report.batches(of: 0..<steps, count: steps, epoch: epoch) {
                optimizer.learningRate = schedule(report.step)
                let (x, y) = randomWindows(train, count: b, length: t, using: &windows.generator)
                let loss = crossEntropy(model(x).reshaped(to: [-1, text.vocabulary.count]), y)
                optimizer.zeroGrad()
                loss.backward()
                clipGradNorm(model.parameters(), maxNorm: 1)
                optimizer.step()
                try report.batch(loss: loss, samples: y.count)
            }
            validationLoss = evaluate(model, validation, length: t, vocabulary: text.vocabulary.count)
            try report.endEpoch(["validation_loss": Double(validationLoss)], saving: model)
            try CharRecurrent.writeComparisonPlot(outputDirectory: options.outputDirectory)
        }
        try writeAttentionMap(model, text.vocabulary, toPath: report.path("attention.png"))
        report.say("\(report.path("attention.png")): attention of layer 1, head 1 over \"\(attentionPrompt.prefix(20))…\"")
        return report.finish(String(format: "validation loss %.3f nats/char", validationLoss))
    }

    /// Training and validation ids, split 90/10 as the recurrent char cases (first `limit` characters when set).
    static func split(_ text: TextCorpus, _ options: TrainOptions) -> (train: [Int], validation: [Int]) {
        var ids = text.ids[...]
        if let limit = options.limit { ids = ids.prefix(limit) }
        let cut = ids.startIndex + ids.count * 9 / 10
        return (Array(ids[..<cut]), Array(ids[cut...]))
    }

    /// `count` windows at random offsets: inputs [count, length] and the next characters [count·length].
    static func randomWindows(_ ids: [Int], count: Int, length: Int, using generator: inout RandomGenerator) -> (Tensor, Tensor) {
        var x = [Float](), y = [Float]()
        x.reserveCapacity(count * length)
        y.reserveCapacity(count * length)
        for _ in 0..<count {
            let start = generator.nextInt(below: Swift.max(1, ids.count - length))
            for i in start..<(start + length) {
                x.append(Float(ids[i]))
                y.append(Float(ids[i + 1]))
            }
        }
        return (Tensor(x, shape: [count, length]), Tensor(y))
    }

    /// Mean cross-entropy in nats per character of the validation text, windows of `length` characters advancing
    /// by `step` (default half a window): a window scores only the characters the previous one did not (the
    /// first window scores all), so each character is predicted from at least `length − step` earlier ones. The
    /// recurrent char cases carry their state through the whole validation text, so this is the comparable
    /// measure; `step: length` scores every position of disjoint windows instead, the first characters of each
    /// window predicted from almost nothing. 32 windows per batch.
    static func evaluate(_ model: Model, _ ids: [Int], length: Int, vocabulary: Int, step: Int? = nil) -> Float {
        model.eval()
        defer { model.train() }
        let windows = scoredWindows(textLength: ids.count, length: length, step: step ?? length / 2)
        var total: Float = 0, scored = 0
        withNoGrad {
            for first in stride(from: 0, to: windows.count, by: 32) {
                let batch = windows[first..<Swift.min(first + 32, windows.count)]
                var x = [Float](), y = [Float]()
                for (start, fresh) in batch {
                    for i in 0..<length {
                        x.append(Float(ids[start + i]))
                        y.append(i < fresh ? -1 : Float(ids[start + i + 1]))
                    }
                    scored += length - fresh
                }
                let logits = model(Tensor(x, shape: [batch.count, length])).reshaped(to: [-1, vocabulary])
                total += crossEntropy(logits, Tensor(y), ignoreIndex: -1, reduction: .sum).item
            }
        }
        return scored == 0 ? .nan : total / Float(scored)
    }

    /// The windows `evaluate` reads from a text of `textLength` ids: each starts `step` after the previous one
    /// (1 ≤ step ≤ length), and `fresh` is the first of its positions not scored by the previous window, so
    /// every target id 1 ..< (last start + length + 1) is scored exactly once.
    static func scoredWindows(textLength: Int, length: Int, step: Int) -> [(start: Int, fresh: Int)] {
        let step = Swift.min(length, Swift.max(1, step))
        return stride(from: 0, through: textLength - 1 - length, by: step).map { ($0, $0 == 0 ? 0 : length - step) }
    }

    /// The validation loss of a saved model (nats/char) measured both ways: each character with at least half a
    /// context of earlier characters (what training reports), and over disjoint windows. For `deep eval`.
    public static func validationLoss(checkpoint: String, options: TrainOptions = defaults) throws -> (overlapping: Float, disjoint: Float) {
        let text = try CharRecurrent.corpus()
        let model = Model(vocabularySize: text.vocabulary.count, options: options)
        try model.load(from: checkpoint)
        let validation = split(text, options).validation, (t, v) = (options.sequenceLength, text.vocabulary.count)
        return (evaluate(model, validation, length: t, vocabulary: v), evaluate(model, validation, length: t, vocabulary: v, step: t))
    }

    /// The PNG heat map of the first head of the first layer over ``attentionPrompt``: row i shows how
    /// much query character i attends to each earlier character.
    static func writeAttentionMap(_ model: Model, _ vocabulary: CharVocabulary, toPath path: String, layer: Int = 0, head: Int = 0) throws {
        let prompt = String(attentionPrompt.prefix(model.context))
        let ids = vocabulary.encode(prompt)
        let weights = model.attentionWeights(Tensor(ids.map(Float.init), shape: [1, ids.count]), layer: layer)[head]
        let n = ids.count, w = weights.scalars
        let labels = prompt.map { HeatMap.label(for: $0) }
        let map = HeatMap(values: (0..<n).map { i in (0..<n).map { Double(w[i * n + $0]) } }, rowLabels: labels, columnLabels: labels,
                          title: "char-transformer: layer \(layer + 1), head \(head + 1) (rows attend to columns)")
        try map.write(toPath: path)
    }

    /// Text generated by a trained model: the prompt, then `length` characters sampled one at a time from
    /// softmax(logits / temperature) of the last position, the context the last `sequenceLength` characters.
    public static func sample(checkpoint: String, prompt: String, length: Int, temperature: Float, seed: UInt64,
                              options: TrainOptions = defaults) throws -> String {
        let text = try CharRecurrent.corpus()
        let model = Model(vocabularySize: text.vocabulary.count, options: options)
        try model.load(from: checkpoint)
        model.eval()
        var generator = RandomGenerator(seed: seed)
        var ids = text.vocabulary.encode(prompt.isEmpty ? "\n" : prompt)
        let start = ids.count
        withNoGrad {
            for _ in 0..<length {
                let window = ids.suffix(model.context)
                let logits = model(Tensor(window.map(Float.init), shape: [1, window.count]))[0, .index(window.count - 1)]
                ids.append(CharRecurrent.draw(logits, temperature: temperature, using: &generator))
            }
        }
        return prompt + text.vocabulary.decode(Array(ids[start...]))
    }
}
