import DeepLearning

/// mnist-dcgan — a deep convolutional GAN (Radford, Metz & Chintala 2015, "Unsupervised Representation Learning
/// with Deep Convolutional Generative Adversarial Networks") at MNIST's 28×28: the generator upsamples noise with
/// transposed convolutions (7×7 → 14×14 → 28×28), the discriminator downsamples with strided convolutions; batch
/// norm in both (not on D's input nor G's output), ReLU in G, LeakyReLU(0.2) in D, weights drawn from N(0, 0.02).
/// Trained by the same loop as mnist-gan (``MNISTGAN/trainAdversarially(_:generator:discriminator:options:)``).
public enum MNISTDCGAN: GenerativePracticeCase {
    public static let info = CaseInfo(
        name: "mnist-dcgan",
        idea: "deep convolutional GAN: ConvTranspose2d generator, strided Conv2d discriminator, batch norm (Radford et al. 2015)",
        data: "MNIST handwritten digits, 28×28 (bundled), scaled to [−1, 1]",
        target: "inception score ≥ 9.0 with our MNIST classifier (real test images: 9.9)",
        defaults: TrainOptions(epochs: 8, batchSize: 64, learningRate: 2e-4, optimizer: "adam"))
    public static let latentSize = 100

    /// G: z [N, 100] → Linear → 128×7×7 → ConvTranspose2d(4, stride 2) → 64×14×14 → ConvTranspose2d(4, stride 2)
    /// → tanh 1×28×28, batch norm and ReLU between.
    public final class Generator: Module, Layer {
        let fc = Linear(MNISTDCGAN.latentSize, 128 * 7 * 7, bias: false)
        let bn0 = BatchNorm1d(128 * 7 * 7)
        let up1 = ConvTranspose2d(128, 64, kernelSize: 4, stride: 2, padding: 1, bias: false)
        let bn1 = BatchNorm2d(64)
        let up2 = ConvTranspose2d(64, 1, kernelSize: 4, stride: 2, padding: 1)

        public func callAsFunction(_ z: Tensor) -> Tensor {
            let h = relu(bn0(fc(z))).reshaped(to: [z.shape[0], 128, 7, 7])
            return tanh(up2(relu(bn1(up1(h)))))
        }
    }

    public static func makeGenerator() -> any Layer { initialised(Generator()) }

    /// D: 1×28×28 → Conv2d(4, stride 2) → 64×14×14 → Conv2d(4, stride 2) → 128×7×7 → Linear → 1 logit.
    public static func makeDiscriminator() -> Sequential {
        initialised(Sequential(
            Conv2d(1, 64, kernelSize: 4, stride: 2, padding: 1), LeakyReLU(negativeSlope: 0.2),
            Conv2d(64, 128, kernelSize: 4, stride: 2, padding: 1, bias: false), BatchNorm2d(128), LeakyReLU(negativeSlope: 0.2),
            Flatten(), Linear(128 * 7 * 7, 1)))
    }

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

    @discardableResult
    public static func train(_ options: TrainOptions) throws -> String {
        Tensor.manualSeed(options.seed)
        return try MNISTGAN.trainAdversarially(Self.self, generator: makeGenerator(), discriminator: makeDiscriminator(), options: options)
    }
}
