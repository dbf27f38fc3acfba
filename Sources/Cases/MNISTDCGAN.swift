import DeepLearning

/// mnist-dcgan — a deep convolutional GAN (Radford, Metz & Chintala 2015, "Unsupervised Representation Learning
/// with Deep Convolutional Generative Adversarial Networks") at MNIST's 28×28: the generator upsamples noise with
/// transposed convolutions (7×7 → 14×14 → 28×28), batch norm and ReLU between, weights drawn from N(0, 0.02); the
/// discriminator downsamples with strided convolutions, LeakyReLU(0.2) between, each layer spectrally normalised
/// instead of batch-normalised (Miyato et al. 2018, "Spectral Normalization for Generative Adversarial Networks"),
/// and both play on the hinge loss. z starts with InfoGAN's categorical code (Chen et al. 2016), which a head Q on
/// D's features learns to guess, and the samples come from an exponential moving average of G's weights
/// (Yazıcı et al. 2019). Trained by the same loop as mnist-gan (`MNISTGAN.trainAdversarially`).
public enum MNISTDCGAN: GenerativePracticeCase {
    /// Batch 32, Adam 4e-4 for both, 11 epochs. The default run (seed 0, two cores): inception score 5.84 after
    /// epoch 1, 8.28 after 4, 8.86 after 8, 9.02 after 11 (Fréchet distance 15.5), in 816 s. Without the code, the
    /// average and at rate 2e-4 the same D reached 8.20 after 11 epochs; the first recipe (batch-norm D with two
    /// convolutions, non-saturating loss, D at a quarter of G's rate) levelled off near 7 (7.31 after 10 epochs).
    public static let info = CaseInfo(
        name: "mnist-dcgan",
        idea: "deep convolutional GAN: ConvTranspose2d generator, strided Conv2d discriminator with spectral norm, hinge loss, InfoGAN code, EMA of G (Radford et al. 2015; Miyato et al. 2018; Chen et al. 2016)",
        data: "MNIST handwritten digits, 28×28 (bundled), scaled to [−1, 1]",
        target: "inception score ≥ 9.0 with our MNIST classifier (real test images: 9.9)",
        defaults: TrainOptions(epochs: 11, batchSize: 32, learningRate: 4e-4, optimizer: "adam"))
    /// z's length: the 10-way code and 90 noise entries.
    public static let latentSize = 100
    /// D's learning rate as a fraction of G's (`--lr`): 1, the same rate (below 1 would be the two time-scale
    /// update rule of Heusel et al. 2017, which the batch-norm D of the previous recipe used).
    public static let discriminatorLearningRateRatio: Float = 1

    /// G: z [N, 100] (the one-hot code and 90 noise entries) → Linear → 128×7×7 → ConvTranspose2d(4, stride 2) → 64×14×14 → ConvTranspose2d(4, stride 2)
    /// → tanh 1×28×28, batch norm and ReLU between.
    public final class Generator: Module, Layer {
        let fc = Linear(MNISTDCGAN.latentSize, 128 * 7 * 7, bias: false)
        let bn0 = BatchNorm1d(128 * 7 * 7)
        let up1 = ConvTranspose2d(128, 64, kernelSize: 4, stride: 2, padding: 1, bias: false)
        let bn1 = BatchNorm2d(64)
        let up2 = ConvTranspose2d(64, 1, kernelSize: 4, stride: 2, padding: 1)

        /// Images [N, 1, 28, 28] in [−1, 1] for z [N, 100].
        public func callAsFunction(_ z: Tensor) -> Tensor {
            let h = relu(bn0(fc(z))).reshaped(to: [z.shape[0], 128, 7, 7])
            return tanh(up2(relu(bn1(up1(h)))))
        }
    }

    /// A freshly initialised ``Generator`` (DCGAN's N(0, 0.02) weights, batch-norm scales from N(1, 0.02)).
    public static func makeGenerator() -> any Layer { initialised(Generator()) }

    /// D: 1×28×28 → Conv2d(4, stride 2) → 32×14×14 → Conv2d(4, stride 2) → 64×7×7 → Conv2d(3, stride 2) →
    /// 128×4×4 → Linear → 1 logit, LeakyReLU(0.2) between, every layer spectrally normalised (Miyato et al. 2018)
    /// instead of batch norm, trained on the hinge loss; and InfoGAN's Q head, a Linear from the same 2,048
    /// features to the code's 10 categories. Half the width of the usual 64/128: measured at one thread, seed 0,
    /// the inception score after each epoch was the same as with 64/128 and the epoch took half the CPU time.
    public final class Discriminator: Module, CodeGuessingDiscriminator {
        let features = Sequential(
            spectralNorm(Conv2d(1, 32, kernelSize: 4, stride: 2, padding: 1)), LeakyReLU(negativeSlope: 0.2),
            spectralNorm(Conv2d(32, 64, kernelSize: 4, stride: 2, padding: 1)), LeakyReLU(negativeSlope: 0.2),
            spectralNorm(Conv2d(64, 128, kernelSize: 3, stride: 2, padding: 1)), LeakyReLU(negativeSlope: 0.2),
            Flatten())
        let fc = spectralNorm(Linear(128 * 4 * 4, 1))
        let q = Linear(128 * 4 * 4, MNISTDCGAN.codeCategories)

        /// D's logits [N, 1] for images [N, 1, 28, 28].
        public func callAsFunction(_ x: Tensor) -> Tensor { fc(features(x)) }

        /// D's logits [N, 1] and Q's logits [N, 10] for images [N, 1, 28, 28], from one pass through the convolutions.
        public func logitsAndCodeLogits(_ x: Tensor) -> (logits: Tensor, codeLogits: Tensor) {
            let h = features(x)
            return (fc(h), q(h))
        }

        /// The convolutions' and `fc`'s parameters: what D's optimizer trains.
        public var adversarialParameters: [Tensor] { features.parameters() + fc.parameters() }
        /// Q's weight and bias: trained by G's optimizer.
        public var codeHeadParameters: [Tensor] { q.parameters() }
    }

    /// A freshly initialised ``Discriminator`` (DCGAN's N(0, 0.02) weights, zero biases).
    public static func makeDiscriminator() -> Discriminator { initialised(Discriminator()) }

    /// InfoGAN's categorical code (Chen et al. 2016): the first 10 of z's 100 entries are a one-hot category,
    /// the other 90 N(0, 1) noise. Nothing tells the code what a category means; G and D's Q head learn it, and
    /// the categories drift toward the digit classes — after the default run's 11 epochs the rows of 0, 1, 2 and 6
    /// in `codes.png` (one row per category) are one digit each, the others mix similar shapes.
    public static let codeCategories = 10
    /// λ, the weight of Q's cross-entropy in G's loss (InfoGAN's value for a categorical code).
    public static let informationWeight: Float = 1
    /// Decay of the exponential moving average of G's weights that the samples come from (Yazıcı et al. 2019).
    public static let averageDecay: Float = 0.999

    /// D and G play on the hinge loss.
    public static let adversarialLoss = AdversarialLoss.hinge

    /// DCGAN's initialisation: weights of convolutions and linear layers from N(0, 0.02), batch-norm scales from
    /// N(1, 0.02), biases 0.
    static func initialised<M: Module>(_ model: M) -> M {
        for (name, p) in model.namedParameters() {
            if name.hasSuffix("bias") {
                p.assign(Tensor.zeros(p.shape))
            } else {
                let isNorm = p.rank == 1
                p.assign(Tensor.randn(p.shape, using: &RandomGenerator.global) * 0.02 + (isNorm ? 1 : 0))
            }
        }
        return model
    }

    /// Trains G and D on MNIST's training images with `options` (seed, epochs, rate, …); returns the summary line.
    @discardableResult
    public static func train(_ options: TrainOptions) throws -> String {
        Tensor.manualSeed(options.seed)
        return try MNISTGAN.trainAdversarially(Self.self, generator: makeGenerator(), discriminator: makeDiscriminator(), options: options,
                                               discriminatorLearningRateRatio: discriminatorLearningRateRatio, loss: adversarialLoss,
                                               informationWeight: informationWeight, averageDecay: averageDecay)
    }
}
