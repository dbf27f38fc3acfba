import DeepLearning
import Foundation

/// A generative practice case (a GAN): `deep sample` draws a grid of digits from its generator checkpoint and
/// `deep eval` scores it with ``MNISTSampleScorer``.
public protocol GenerativePracticeCase: PracticeCase {
    /// Length of the noise vector z the generator maps to an image.
    static var latentSize: Int { get }
    /// A freshly initialised generator: z [N, latentSize] → images [N, 1, 28, 28] in [−1, 1] (tanh).
    static func makeGenerator() -> any Layer
    /// Categories K of InfoGAN's categorical latent code (Chen et al. 2016): the first K entries of z are a
    /// one-hot code c, uniform over the K categories, and the rest N(0, 1) noise; 0 (the default) for noise only.
    static var codeCategories: Int { get }
}

extension GenerativePracticeCase {
    /// No categorical code: z is noise only.
    public static var codeCategories: Int { 0 }

    /// Latent vectors z [count, latentSize] drawn from `generator`, and their codes [count] (category indices as
    /// Floats; nil when the case has no code): z = [one-hot(c), ε] with c uniform over ``codeCategories`` and
    /// ε ~ N(0, 1), or z ~ N(0, 1) without a code.
    public static func latent(_ count: Int, using generator: inout RandomGenerator) -> (z: Tensor, code: Tensor?) {
        let k = codeCategories
        guard k > 0 else { return (Tensor.randn([count, latentSize], using: &generator), nil) }
        let codes = (0..<count).map { _ in generator.nextInt(below: k) }
        return (Tensor.concatenated([Tensor.eye(k).indexSelect(alongAxis: 0, indices: codes), Tensor.randn([count, latentSize - k], using: &generator)], alongAxis: 1),
                Tensor(codes.map(Float.init)))
    }

    /// Latent vectors z [count, latentSize] from `seed` (``latent(_:using:)``; N(0, 1) noise without a code).
    public static func noise(_ count: Int, seed: UInt64) -> Tensor {
        guard codeCategories > 0 else { return Tensor.randn([count, latentSize], seed: seed) }
        var generator = RandomGenerator(seed: seed)
        return latent(count, using: &generator).z
    }

    /// Writes InfoGAN's picture of the code (`codeCategories` > 0): row c shows category c with the same
    /// `columns` noise vectors ε (from `seed`) across the rows, so a code that learned the digit classes shows
    /// one digit per row in the styles of the columns.
    public static func writeCodeGrid(_ generator: any Layer, seed: UInt64, columns: Int = 10, toPath path: String) throws {
        let k = codeCategories
        let noise = Tensor.randn([columns, latentSize - k], seed: seed)
        let z = Tensor.concatenated((0..<k).map { c in
            Tensor.concatenated([Tensor.eye(k).indexSelect(alongAxis: 0, indices: Array(repeating: c, count: columns)), noise], alongAxis: 1)
        }, alongAxis: 0)
        try PNG.writeGrid(generate(generator, z), range: -1...1, cols: columns, toPath: path)
    }

    /// The generator's images for noise z, in eval mode and without a tape: [N, 1, 28, 28] in [−1, 1].
    public static func generate(_ generator: any Layer, _ z: Tensor) -> Tensor {
        generator.eval()
        defer { generator.train() }
        return withNoGrad { generator(z) }
    }

    /// Writes a grid of 64 samples drawn with `seed` (8 × 8) to `path`.
    public static func writeSampleGrid(_ generator: any Layer, seed: UInt64, toPath path: String) throws {
        try PNG.writeGrid(generate(generator, noise(64, seed: seed)), range: -1...1, cols: 8, toPath: path)
    }

    /// Writes a strip of `steps` images along the straight line in latent space from the noise of `seedA` to that
    /// of `seedB` (z = (1 − t)·z_A + t·z_B): a generator that learned a smooth map morphs one digit into another.
    public static func writeInterpolation(_ generator: any Layer, from seedA: UInt64, to seedB: UInt64, steps: Int = 10,
                                          toPath path: String) throws {
        let (a, b) = (noise(1, seed: seedA), noise(1, seed: seedB))
        let z = Tensor.concatenated((0..<steps).map { i -> Tensor in
            let t = Float(i) / Float(Swift.max(steps - 1, 1))
            return a * (1 - t) + b * t
        }, alongAxis: 0)
        try PNG.writeGrid(generate(generator, z), range: -1...1, cols: steps, toPath: path)
    }

    /// IS and Fréchet distance of `count` samples (noise from `seed`) against `reference`, generated in batches.
    public static func score(_ generator: any Layer, scorer: MNISTSampleScorer, reference: FeatureStatistics,
                             count: Int = 10_000, seed: UInt64) -> SampleScores {
        let z = noise(count, seed: seed)
        let images = Tensor.concatenated(stride(from: 0, to: count, by: 500).map { start in
            generate(generator, z[start..<Swift.min(start + 500, count)])
        }, alongAxis: 0)
        return scorer.scores((images + 1) * 0.5, reference: reference)
    }
}

/// A discriminator with InfoGAN's auxiliary head Q (Chen et al. 2016, "InfoGAN: Interpretable Representation
/// Learning by Information Maximizing Generative Adversarial Nets"): from the features D computes for its logit,
/// Q guesses the categorical code c a generated image was made from. G and Q minimise the cross-entropy CE of the
/// guess, which raises H(c) − CE, a lower bound on the mutual information I(c; G(z, c)): G makes the code's
/// categories tell apart, and on MNIST they drift toward the digit classes.
public protocol CodeGuessingDiscriminator: Layer {
    /// D's logits [N, 1] and Q's logits over the code's categories [N, K] for images x, from one pass through the
    /// shared layers.
    func logitsAndCodeLogits(_ x: Tensor) -> (logits: Tensor, codeLogits: Tensor)
    /// The parameters D trains on the adversarial loss (all but Q's).
    var adversarialParameters: [Tensor] { get }
    /// Q's own parameters, trained with G on the information term.
    var codeHeadParameters: [Tensor] { get }
}

/// The fraction of a discriminator's calls that are right: real logits above 0 and fake ones below. Near 1
/// while D wins, near ½ when it can no longer tell (the equilibrium of the game).
public func discriminatorAccuracy(real: Tensor, fake: Tensor) -> Float {
    let right = real.scalars.filter { $0 > 0 }.count + fake.scalars.filter { $0 < 0 }.count
    return Float(right) / Float(Swift.max(real.count + fake.count, 1))
}

/// What a GAN case shows besides its losses: every epoch a grid of 64 samples from one fixed noise batch
/// (`samples/epoch-NNN.png`, so progress shows from grid to grid) and the sample scores; at the end a latent
/// interpolation strip (`interpolation.png`) and, for a case with a categorical code, the grid of its categories
/// (`codes.png`).
public final class GANMonitor {
    let report: Report
    let fixedSeed: UInt64
    let scorer: MNISTSampleScorer
    /// Feature statistics of the MNIST test set, the reference of the Fréchet distance.
    public let reference: FeatureStatistics
    /// The test set's own scores (IS near 10, distance 0): the best a generator could reach.
    public let testSetScores: SampleScores
    /// Samples scored at the end of each epoch, and test images in the reference.
    public let scoredSamples: Int

    /// Creates `samples/` in the report's run directory and computes the statistics of the first
    /// `scoredSamples` test images (at most 10,000).
    public init(_ report: Report, scoredSamples: Int = 10_000) throws {
        self.report = report
        self.scoredSamples = scoredSamples
        fixedSeed = report.options.seed &+ 1_000
        scorer = try MNISTSampleScorer()
        (reference, testSetScores) = try scorer.testSetStatistics(count: scoredSamples)
        try FileManager.default.createDirectory(atPath: report.path("samples"), withIntermediateDirectories: true)
        report.say("sample scores of the MNIST test set itself: \(testSetScores)")
    }

    /// Writes this epoch's grid from the fixed noise and returns the scores of `scoredSamples` fresh samples.
    public func endEpoch<C: GenerativePracticeCase>(_ kind: C.Type, _ generator: any Layer) throws -> SampleScores {
        try C.writeSampleGrid(generator, seed: fixedSeed, toPath: report.path(String(format: "samples/epoch-%03d.png", report.epoch)))
        return C.score(generator, scorer: scorer, reference: reference, count: scoredSamples, seed: fixedSeed &+ UInt64(report.epoch))
    }

    /// Writes the latent interpolation strip between the noise of two seeds, and for a case with a categorical
    /// code the grid of its categories (`codes.png`).
    public func finish<C: GenerativePracticeCase>(_ kind: C.Type, _ generator: any Layer) throws {
        try C.writeInterpolation(generator, from: fixedSeed, to: fixedSeed &+ 1, toPath: report.path("interpolation.png"))
        if C.codeCategories > 0 { try C.writeCodeGrid(generator, seed: fixedSeed, toPath: report.path("codes.png")) }
    }
}

/// Metrics columns and plots of the GAN cases.
let ganColumns = ["epoch", "train_loss", "train_loss_g", "train_d_accuracy", "inception_score", "frechet_distance", "seconds"]
let ganPlots = [Report.Plot("loss.png", "BCE loss (D: train_loss, G: train_loss_g)", ["train_loss", "train_loss_g"]),
                Report.Plot("scores.png", "inception score of 10,000 samples", ["inception_score"]),
                Report.Plot("d_accuracy.png", "discriminator accuracy", ["train_d_accuracy"])]
