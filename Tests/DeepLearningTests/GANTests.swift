import Foundation
import Testing
@testable import Cases
@testable import DeepLearning

/// The GAN cases' pieces: the adversarial step plays the game (D's accuracy leaves ½ and comes back), InfoGAN's
/// code is one-hot at the front of z and its information term teaches Q the code, the models have the issue's
/// shapes and DCGAN's initialisation, and the sample grid, interpolation strip and code grid are written.
@Suite struct GANTests {
    /// Mean D accuracy over consecutive windows of `window` rounds of a small GAN on 1,024 MNIST images.
    static func accuracyWindows(steps: Int, window: Int) throws -> [Float] {
        Tensor.manualSeed(3)
        let images = try MNIST(split: .train).inputs[0..<1024] * 2 - 1
        let generator = Sequential(Linear(32, 64), LeakyReLU(negativeSlope: 0.2), Linear(64, 784), Tanh(), Unflatten(1, [1, 28, 28]))
        let discriminator = Sequential(Flatten(), Linear(784, 64), LeakyReLU(negativeSlope: 0.2), Linear(64, 1))
        let optimizerG = Adam(generator.parameters(), lr: 2e-4, betas: (0.5, 0.999))
        let optimizerD = Adam(discriminator.parameters(), lr: 2e-4, betas: (0.5, 0.999))
        var rng = RandomGenerator(seed: 5)
        var accuracies: [Float] = []
        for step in 0..<steps {
            let start = 64 * (step % 16)
            let real = images[start..<(start + 64)]
            let round = MNISTGAN.adversarialStep(generator, discriminator, optimizerG, optimizerD, real: real,
                                                 noise: Tensor.randn([64, 32], using: &rng))
            #expect(round.lossD.isFinite && round.lossG.isFinite)
            accuracies.append(round.accuracy)
        }
        return stride(from: 0, to: steps, by: window).map { accuracies[$0..<($0 + window)].reduce(0, +) / Float(window) }
    }

    @Test func discriminatorAccuracyLeavesOneHalfAndComesBack() throws {
        let clock = ContinuousClock(), started = clock.now
        let windows = try Self.accuracyWindows(steps: 150, window: 25)
        print("D accuracy per 25 rounds: \(windows.map { ($0 * 100).rounded() / 100 }) in \(clock.now - started)")
        // D first wins (it learns faster than G can fool it), then G catches up and D's calls fall back towards
        // chance: the game is being played.
        let peak = windows.indices.max { windows[$0] < windows[$1] }!
        #expect(windows[peak] >= 0.85, "D accuracy per 25 rounds: \(windows)")
        #expect(windows[peak...].min()! <= 0.65, "D accuracy per 25 rounds: \(windows)")
    }

    @Test func caseModelsHaveTheIssuesShapes() {
        let z = Tensor.randn([3, 100], seed: 1)
        for gan in [MNISTGAN.self, MNISTDCGAN.self] as [any GenerativePracticeCase.Type] {
            let images = gan.generate(gan.makeGenerator(), z)
            #expect(images.shape == [3, 1, 28, 28])
            #expect(images.min().item >= -1 && images.max().item <= 1)
        }
        #expect(MNISTGAN.makeDiscriminator()(Tensor.zeros([3, 1, 28, 28])).shape == [3, 1])
        #expect(MNISTDCGAN.makeDiscriminator()(Tensor.zeros([3, 1, 28, 28])).shape == [3, 1])
        let layers = MNISTGAN.makeGenerator().namedParameters().filter { $0.0.hasSuffix("weight") }.map(\.1.shape)
        #expect(layers == [[256, 100], [512, 256], [1024, 512], [784, 1024]])
    }

    @Test func latentVectorsStartWithTheOneHotCode() {
        var rng = RandomGenerator(seed: 2)
        let (z, code) = MNISTDCGAN.latent(200, using: &rng)
        #expect(z.shape == [200, 100])
        let codes = code!.scalars.map { Int($0) }
        #expect(Set(codes) == Set(0..<10), "200 draws cover the ten categories")
        let rows = z.scalars
        for (row, c) in codes.enumerated() {
            let head = rows[(row * 100)..<(row * 100 + 10)]
            #expect(head.enumerated().allSatisfy { $0.element == ($0.offset == c ? 1 : 0) }, "row \(row): code \(c)")
        }
        let noise = (0..<200).flatMap { rows[($0 * 100 + 10)..<($0 * 100 + 100)] }
        let mean = noise.reduce(0, +) / Float(noise.count)
        let variance = noise.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(noise.count)
        #expect(Swift.abs(mean) < 0.02 && Swift.abs(variance - 1) < 0.03, "ε ~ N(0, 1): mean \(mean), variance \(variance)")
        // Without a code, z is the N(0, 1) draw it always was.
        var a = RandomGenerator(seed: 4), b = RandomGenerator(seed: 4)
        let plain = MNISTGAN.latent(3, using: &a)
        #expect(plain.code == nil && plain.z.scalars == Tensor.randn([3, 100], using: &b).scalars)
        #expect(MNISTGAN.noise(3, seed: 9).scalars == Tensor.randn([3, 100], seed: 9).scalars)
    }

    /// A small discriminator with a code head, as MNISTDCGAN.Discriminator but fully connected (fast in debug builds).
    final class SmallGuesser: Module, CodeGuessingDiscriminator {
        let features = Sequential(Flatten(), Linear(784, 64), LeakyReLU(negativeSlope: 0.2))
        let fc = Linear(64, 1)
        let q = Linear(64, 10)
        func callAsFunction(_ x: Tensor) -> Tensor { fc(features(x)) }
        func logitsAndCodeLogits(_ x: Tensor) -> (logits: Tensor, codeLogits: Tensor) {
            let h = features(x)
            return (fc(h), q(h))
        }
        var adversarialParameters: [Tensor] { features.parameters() + fc.parameters() }
        var codeHeadParameters: [Tensor] { q.parameters() }
    }

    /// Q's accuracy at naming the code of 200 fresh samples after 60 rounds of a small GAN whose G starts with
    /// zero weights on the code (its images carry no code at first); `trainG` false holds G still.
    static func codeAccuracy(trainG: Bool) -> Float {
        Tensor.manualSeed(7)
        let linear = Linear(100, 784)
        linear.weight.withUnsafeMutableElements { w in
            for row in 0..<784 { for column in 0..<10 { w[row * 100 + column] = 0 } }
        }
        let generator = Sequential(linear, Tanh(), Unflatten(1, [1, 28, 28]))
        let discriminator = SmallGuesser()
        var (optimizerG, optimizerD) = MNISTGAN.adversarialOptimizers(generator, discriminator, learningRate: 4e-3,
                                                                      discriminatorLearningRate: 4e-4)
        #expect(optimizerD.parameters.count == discriminator.adversarialParameters.count, "D's optimizer leaves Q alone")
        #expect(optimizerG.parameters.count == generator.parameters().count + 2, "G's optimizer trains Q")
        if !trainG { optimizerG = Adam(discriminator.codeHeadParameters, lr: 4e-3, betas: (0.5, 0.999)) }
        var rng = RandomGenerator(seed: 11)
        let real = Tensor.rand([32, 1, 28, 28], seed: 3) * 2 - 1
        for _ in 0..<60 {
            let (z, code) = MNISTDCGAN.latent(32, using: &rng)
            _ = MNISTGAN.adversarialStep(generator, discriminator, optimizerG, optimizerD, real: real, noise: z, code: code,
                                         loss: .hinge)
        }
        let (z, code) = MNISTDCGAN.latent(200, using: &rng)
        let guesses = withNoGrad { discriminator.logitsAndCodeLogits(generator(z)).codeLogits }.argmax(alongAxis: 1).scalars
        return Float(zip(guesses, code!.scalars).filter { $0 == $1 }.count) / 200
    }

    @Test func informationTermTeachesGAndQTheCode() {
        // G learns to put the code into its images and Q to read it back: far above chance (0.1), while with G
        // held still (its images do not depend on the code) Q stays near chance.
        let dcgan = MNISTDCGAN.makeDiscriminator()
        #expect(dcgan.adversarialParameters.count + dcgan.codeHeadParameters.count == dcgan.parameters().count)
        let (logits, codeLogits) = dcgan.logitsAndCodeLogits(Tensor.zeros([2, 1, 28, 28]))
        #expect(logits.shape == [2, 1] && codeLogits.shape == [2, 10])
        let trained = Self.codeAccuracy(trainG: true), still = Self.codeAccuracy(trainG: false)
        print("Q's accuracy on the code: \(trained) with G trained, \(still) with G held still")
        #expect(trained >= 0.6, "Q's accuracy with G trained: \(trained)")
        #expect(still <= 0.3, "Q's accuracy with G held still: \(still)")
    }

    @Test func dcganInitialisation() {
        let generator = MNISTDCGAN.makeGenerator()
        for (name, p) in generator.namedParameters() {
            let values = p.scalars
            let mean = values.reduce(0, +) / Float(values.count)
            let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(values.count)).squareRoot()
            if name.hasSuffix("bias") {
                #expect(values.allSatisfy { $0 == 0 }, "\(name)")
            } else if p.rank == 1 {
                #expect(Swift.abs(mean - 1) < 0.01 && Swift.abs(std - 0.02) < 0.005, "\(name): mean \(mean), std \(std)")
            } else {
                #expect(Swift.abs(mean) < 0.005 && Swift.abs(std - 0.02) < 0.005, "\(name): mean \(mean), std \(std)")
            }
        }
    }

    @Test func sampleGridAndInterpolationStrip() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dl-gan-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let generator = MNISTGAN.makeGenerator()
        try MNISTGAN.writeSampleGrid(generator, seed: 1, toPath: directory + "/grid.png")
        try MNISTGAN.writeInterpolation(generator, from: 1, to: 2, steps: 10, toPath: directory + "/strip.png")
        try MNISTDCGAN.writeCodeGrid(MNISTDCGAN.makeGenerator(), seed: 1, toPath: directory + "/codes.png")
        let grid = try Data(contentsOf: URL(fileURLWithPath: directory + "/grid.png"))
        let strip = try Data(contentsOf: URL(fileURLWithPath: directory + "/strip.png"))
        // PNG signature, then the IHDR width and height (big-endian at bytes 16 and 20): 8 × 8 and 10 × 1 tiles of
        // 28 pixels with 2 pixels of padding, scaled by 2.
        #expect(Array(grid.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
        func size(_ d: Data) -> (Int, Int) {
            (d[16..<20].reduce(0) { $0 << 8 | Int($1) }, d[20..<24].reduce(0) { $0 << 8 | Int($1) })
        }
        #expect(size(grid) == ((8 * 30 + 2) * 2, (8 * 30 + 2) * 2))
        #expect(size(strip) == ((10 * 30 + 2) * 2, (30 + 2) * 2))
        let codes = try Data(contentsOf: URL(fileURLWithPath: directory + "/codes.png"))
        #expect(size(codes) == ((10 * 30 + 2) * 2, (10 * 30 + 2) * 2), "10 categories × 10 noise vectors")
        // The same seed gives the same grid.
        try MNISTGAN.writeSampleGrid(generator, seed: 1, toPath: directory + "/again.png")
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory + "/again.png")) == grid)
    }
}
