import Foundation
import Testing
@testable import Cases
@testable import DeepLearning

/// The GAN cases' pieces: the adversarial step plays the game (D's accuracy leaves ½ and comes back), the
/// models have the issue's shapes and DCGAN's initialisation, and the sample grid and interpolation strip are
/// written.
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
        // The same seed gives the same grid.
        try MNISTGAN.writeSampleGrid(generator, seed: 1, toPath: directory + "/again.png")
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory + "/again.png")) == grid)
    }
}
