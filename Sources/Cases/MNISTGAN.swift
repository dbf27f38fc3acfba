import DeepLearning

/// mnist-gan — the classic fully connected generative adversarial network (Goodfellow et al. 2014, "Generative
/// Adversarial Nets"; the seed's §2.4): a generator G maps noise z to an image, a discriminator D tells real
/// images from generated ones, and the two train against each other. Each batch takes one step of D on
/// −[log D(x) + log(1 − D(G(z)))] and one step of G on the non-saturating loss −log D(G(z)), both as
/// binary cross-entropy with logits, with Adam(2e-4, β = (0.5, 0.999)) as in Radford et al. 2015.
public enum MNISTGAN: GenerativePracticeCase {
    /// 40 epochs: the default run (seed 0, two cores) scored 7.92 after epoch 20, 8.02 after 22, 8.21 after 30 and
    /// 8.20 after 40 (±0.15 from epoch to epoch), in 582 s; 30 epochs would sit on the target.
    public static let info = CaseInfo(
        name: "mnist-gan",
        idea: "generative adversarial network: fully connected generator and discriminator (Goodfellow et al. 2014)",
        data: "MNIST handwritten digits, 28×28 (bundled), scaled to [−1, 1]",
        target: "inception score ≥ 8.0 with our MNIST classifier (real test images: 9.9)",
        defaults: TrainOptions(epochs: 40, batchSize: 64, learningRate: 2e-4, optimizer: "adam"))
    /// z's length: 100 N(0, 1) entries.
    public static let latentSize = 100

    /// G: 100 → 256 → 512 → 1024 → 784, LeakyReLU(0.2), tanh out, as images [N, 1, 28, 28].
    public static func makeGenerator() -> any Layer {
        Sequential(
            Linear(latentSize, 256), LeakyReLU(negativeSlope: 0.2),
            Linear(256, 512), LeakyReLU(negativeSlope: 0.2),
            Linear(512, 1024), LeakyReLU(negativeSlope: 0.2),
            Linear(1024, 784), Tanh(), Unflatten(1, [1, 28, 28]))
    }

    /// D: 784 → 512 → 256 → 1 logit, LeakyReLU(0.2) and dropout 0.3 after each hidden layer.
    public static func makeDiscriminator() -> Sequential {
        Sequential(
            Flatten(),
            Linear(784, 512), LeakyReLU(negativeSlope: 0.2), Dropout(0.3),
            Linear(512, 256), LeakyReLU(negativeSlope: 0.2), Dropout(0.3),
            Linear(256, 1))
    }

    /// Trains G and D on MNIST's training images with `options` (seed, epochs, rate, …); returns the summary line.
    @discardableResult
    public static func train(_ options: TrainOptions) throws -> String {
        Tensor.manualSeed(options.seed)
        let generator = makeGenerator(), discriminator = makeDiscriminator()
        return try trainAdversarially(Self.self, generator: generator, discriminator: discriminator, options: options)
    }
}

extension MNISTGAN {
    /// One round of the game on a batch of real images and latent vectors z: a discriminator step (G(z) detached:
    /// this step does not train G), then a generator step, on `loss`. With InfoGAN's `code` (the categories z was
    /// made from) and a ``CodeGuessingDiscriminator``, G's loss adds `informationWeight` × the cross-entropy of Q's
    /// guess at the code (λ of Chen et al. 2016). Returns both losses and D's accuracy on the batch.
    static func adversarialStep(_ generator: any Layer, _ discriminator: any Layer, _ optimizerG: Optimizer, _ optimizerD: Optimizer,
                                real: Tensor, noise z: Tensor, code: Tensor? = nil, informationWeight: Float = 1,
                                loss: AdversarialLoss = .nonSaturating) -> (lossD: Float, lossG: Float, accuracy: Float) {
        let fake = generator(z)
        let realLogits = discriminator(real), fakeLogits = discriminator(fake.detached())
        let lossD = loss.discriminator(real: realLogits, fake: fakeLogits)
        optimizerD.zeroGrad(); lossD.backward(); optimizerD.step()
        let lossG: Tensor
        if let code, let guesser = discriminator as? CodeGuessingDiscriminator {
            let (logits, codeLogits) = guesser.logitsAndCodeLogits(fake)
            lossG = loss.generator(logits) + crossEntropy(codeLogits, code) * informationWeight
        } else {
            lossG = loss.generator(discriminator(fake))
        }
        optimizerG.zeroGrad(); lossG.backward(); optimizerG.step()
        return (lossD.item, lossG.item, discriminatorAccuracy(real: realLogits, fake: fakeLogits))
    }

    /// The players' optimizers: Adam with β (0.5, 0.999) (Radford et al. 2015), G's on G's parameters and, for a
    /// ``CodeGuessingDiscriminator``, its Q head's (Q trains with G on the information term); D's on the rest of D.
    static func adversarialOptimizers(_ generator: any Layer, _ discriminator: any Layer, learningRate: Float,
                                      discriminatorLearningRate: Float) -> (g: Adam, d: Adam) {
        let guesser = discriminator as? CodeGuessingDiscriminator
        return (Adam(generator.parameters() + (guesser?.codeHeadParameters ?? []), lr: learningRate, betas: (0.5, 0.999)),
                Adam(guesser?.adversarialParameters ?? discriminator.parameters(), lr: discriminatorLearningRate, betas: (0.5, 0.999)))
    }

    /// The adversarial training loop of both GAN cases: per batch one discriminator step and one generator step.
    /// G's Adam takes `options.learningRate`; D's takes `discriminatorLearningRateRatio` times it (below 1: the
    /// two time-scale update rule of Heusel et al. 2017, a discriminator that learns more slowly than the generator).
    /// Both play on `loss`. A case with a categorical code (``GenerativePracticeCase/codeCategories``) needs a
    /// ``CodeGuessingDiscriminator``: its Q head trains with G on `informationWeight` × the code's cross-entropy.
    /// With `averageDecay`, the images scored, shown and saved (`generator.safetensors`) come from an exponential
    /// moving average of G's weights (``AveragedModel``), its batch-norm statistics recomputed from 2,000 fresh
    /// samples (as many as are scored, when fewer) at each epoch's end (``updateBatchNorm(_:inputs:)``).
    static func trainAdversarially<C: GenerativePracticeCase>(_ kind: C.Type, generator: any Layer, discriminator: any Layer,
                                                             options: TrainOptions,
                                                             discriminatorLearningRateRatio: Float = 1,
                                                             loss: AdversarialLoss = .nonSaturating,
                                                             informationWeight: Float = 1,
                                                             averageDecay: Float? = nil) throws -> String {
        let train = try MNIST(split: .train).prefix(options.limit)
        let loader = DataLoader(train, batchSize: options.batchSize, shuffle: true, seed: options.seed, dropLast: true) { $0 * 2 - 1 }
        let guesser = discriminator as? CodeGuessingDiscriminator
        require(C.codeCategories == 0 || guesser != nil,
                "\(C.info.name): a latent code of \(C.codeCategories) categories needs a discriminator with a code head (CodeGuessingDiscriminator)")
        let learningRateD = options.learningRate * discriminatorLearningRateRatio
        let (optimizerG, optimizerD) = adversarialOptimizers(generator, discriminator, learningRate: options.learningRate,
                                                             discriminatorLearningRate: learningRateD)
        let average = averageDecay.map { AveragedModel(generator, copy: C.makeGenerator(), decay: $0) }
        // What is scored, shown and saved: the average when there is one.
        let sampled: any Layer = average ?? generator
        let rates = discriminatorLearningRateRatio == 1 ? "lr \(options.learningRate)" : "lr G \(options.learningRate), D \(learningRateD)"
        let extras = (C.codeCategories > 0 ? ["InfoGAN code of \(C.codeCategories) categories, λ \(informationWeight)"] : [])
            + (averageDecay.map { ["samples from the EMA of G's weights (decay \($0))"] } ?? [])
        let report = try Report(C.info, options, columns: ganColumns, plots: ganPlots, header: [
            "data: \(train.count) training images; G \(generator.parameterCount) parameters, D \(discriminator.parameterCount)",
            "\(loss) loss, batch \(options.batchSize), Adam \(rates) β (0.5, 0.999), \(options.epochs) epochs, seed \(options.seed)"]
            + (extras.isEmpty ? [] : [extras.joined(separator: "; ")]))
        // The monitor before `track`: its classifier's initialisation draws from the global generator.
        let monitor = try GANMonitor(report, scoredSamples: options.scoredSamples ?? 10_000)
        let noise = TrackedGenerator(seed: options.seed)
        try report.track([("generator.", generator, optimizerG), ("discriminator.", discriminator, optimizerD)]
                            + (average.map { [("generator_average.", $0, nil)] } ?? []),
                         loader: loader, generators: ["noise": noise])  // saved each epoch; restored by --resume
        var scores = monitor.testSetScores
        for epoch in report.firstEpoch...options.epochs {
            for (real, _) in report.batches(of: loader, epoch: epoch) {
                let (z, code) = C.latent(real.shape[0], using: &noise.generator)
                let round = adversarialStep(generator, discriminator, optimizerG, optimizerD, real: real, noise: z, code: code,
                                            informationWeight: informationWeight, loss: loss)
                average?.updateParameters(generator)
                try report.batch(loss: round.lossD, samples: real.shape[0], [("loss_g", round.lossG), ("d_accuracy", round.accuracy)])
            }
            if let average {
                let seed = options.seed &+ 2_000 &+ UInt64(epoch)
                let count = Swift.min(2_000, monitor.scoredSamples)
                updateBatchNorm(average, inputs: stride(from: 0, to: count, by: 500).enumerated().lazy.map { i, start in
                    C.noise(Swift.min(500, count - start), seed: seed &+ UInt64(i) &* 7_919)
                })
            }
            scores = try monitor.endEpoch(C.self, sampled)
            try report.endEpoch(["inception_score": scores.inceptionScore, "frechet_distance": scores.frechetDistance],
                                saving: [(average?.module ?? generator, "generator.safetensors"), (discriminator, "discriminator.safetensors")])
        }
        try monitor.finish(C.self, sampled)
        return report.finish(String(format: "inception score %.2f, Fréchet distance %.2f of %d samples", scores.inceptionScore,
                                    scores.frechetDistance, scores.count))
    }
}

/// The objective of a GAN's two players, on D's logits.
public enum AdversarialLoss: String, Sendable, CustomStringConvertible {
    /// Goodfellow et al. 2014 with the non-saturating generator loss: D minimises BCE(D(x), 1) + BCE(D(G(z)), 0),
    /// G minimises BCE(D(G(z)), 1) = −log σ(D(G(z))) (binary cross-entropy with logits).
    case nonSaturating = "non-saturating"
    /// The hinge loss (Lim & Ye 2017, "Geometric GAN"; with spectral normalisation in Miyato et al. 2018):
    /// D minimises mean(max(0, 1 − D(x))) + mean(max(0, 1 + D(G(z)))), G minimises −mean(D(G(z))).
    case hinge

    /// The loss's name in the run's header: "non-saturating" or "hinge".
    public var description: String { rawValue }

    /// D's loss on the logits of real and generated images [N, 1].
    public func discriminator(real: Tensor, fake: Tensor) -> Tensor {
        switch self {
        case .nonSaturating:
            return binaryCrossEntropyWithLogits(real, Tensor.ones(real.shape)) + binaryCrossEntropyWithLogits(fake, Tensor.zeros(fake.shape))
        case .hinge:
            return (1 - real).relu().mean() + (1 + fake).relu().mean()
        }
    }

    /// G's loss on D's logits of generated images [N, 1].
    public func generator(_ fake: Tensor) -> Tensor {
        switch self {
        case .nonSaturating: return binaryCrossEntropyWithLogits(fake, Tensor.ones(fake.shape))
        case .hinge: return -fake.mean()
        }
    }
}
