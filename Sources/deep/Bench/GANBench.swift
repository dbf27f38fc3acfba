import DeepLearning

/// `deep bench gan`: GAN training iterations per second on random data, the same case as `gan` in
/// Benchmarks/reference/torch_bench.py. G 64→256 (ReLU)→784 (tanh), D 784→256 (LeakyReLU 0.2)→1,
/// BCE with logits, Adam(2e-4, β (0.5, 0.999)), batch 64; one iteration is one D step (a real batch and a
/// detached fake one) and one G step (non-saturating loss), with fresh noise z every iteration.
enum GANBench {
    static func run() {
        Tensor.manualSeed(0)
        let generator = Sequential(Linear(64, 256), ReLU(), Linear(256, 784), Tanh())
        let discriminator = Sequential(Linear(784, 256), LeakyReLU(negativeSlope: 0.2), Linear(256, 1))
        let optimizerG = Adam(generator.parameters(), lr: 2e-4, betas: (0.5, 0.999))
        let optimizerD = Adam(discriminator.parameters(), lr: 2e-4, betas: (0.5, 0.999))
        let real = Tensor.rand([64, 784]) * 2 - 1
        let ones = Tensor.ones([64, 1]), zeros = Tensor.zeros([64, 1])
        let rate = TrainingBench.stepsPerSecond {
            let fake = generator(Tensor.randn([64, 64]))
            optimizerD.zeroGrad()
            let lossD = binaryCrossEntropyWithLogits(discriminator(real), ones)
                + binaryCrossEntropyWithLogits(discriminator(fake.detached()), zeros)
            lossD.backward()
            optimizerD.step()
            optimizerG.zeroGrad()
            binaryCrossEntropyWithLogits(discriminator(fake), ones).backward()
            optimizerG.step()
        }
        report("ours", "gan mlp z=64 batch=64", [("iterations_per_s", rate), ("threads", Double(Parallel.threadCount))], digits: 1)
    }
}
