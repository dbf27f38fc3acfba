import Testing
@testable import DeepLearning

/// Batch augmentations (torchvision.transforms semantics) and the DataLoader that applies them.
@Suite struct AugmentationTests {
    /// One image [1, 1, 3, 3] holding 1…9.
    static let image = Tensor((1...9).map(Float.init), shape: [1, 1, 3, 3])

    /// The first seed whose generator draws `wanted` from `nextInt(below: bound)` calls, in order.
    static func seed(drawing wanted: [Int], below bound: Int) -> UInt64 {
        for s in UInt64(0)... {
            var g = RandomGenerator(seed: s)
            if wanted.allSatisfy({ $0 == g.nextInt(below: bound) }) { return s }
        }
        fatalError("unreachable")
    }

    @Test func randomCropMatchesAHandComputedCase() {
        // Padding 1 gives a 5×5 image with a border of zeros; offset (i, j) = (0, 2) takes rows 0–2, columns 2–4.
        let crop = RandomCrop(size: 3, padding: 1)
        let y = crop(Self.image, seed: Self.seed(drawing: [0, 2], below: 3))
        #expect(y.shape == [1, 1, 3, 3])
        #expect(y.scalars == [0, 0, 0,
                              2, 3, 0,
                              5, 6, 0])
        let centre = crop(Self.image, seed: Self.seed(drawing: [1, 1], below: 3))
        #expect(centre.scalars == Self.image.scalars)
        // Two images draw their offsets in order: (2, 0) for the first, (1, 2) for the second.
        let two = Tensor.concatenated([Self.image, Self.image * 10], alongAxis: 0)
        let z = crop(two, seed: Self.seed(drawing: [2, 0, 1, 2], below: 3))
        #expect(z.scalars == [0, 4, 5, 0, 7, 8, 0, 0, 0,
                              20, 30, 0, 50, 60, 0, 80, 90, 0])
    }

    @Test func randomCropShapesAndDeterminism() {
        let x = Tensor.rand([8, 3, 32, 32], seed: 1)
        let crop = RandomCrop(size: 32, padding: 4)
        #expect(crop(x, seed: 7).shape == [8, 3, 32, 32])
        #expect(crop(x, seed: 7).scalars == crop(x, seed: 7).scalars)
        #expect(crop(x, seed: 7).scalars != crop(x, seed: 8).scalars)
        #expect(RandomCrop(size: (28, 24), padding: (0, 0))(x, seed: 7).shape == [8, 3, 28, 24])
        #expect(RandomCrop(size: 32)(x, seed: 3).scalars == x.scalars, "no padding, full size: the identity")
    }

    @Test func horizontalFlipMatchesAHandComputedCase() {
        let flipped = RandomHorizontalFlip(p: 1)(Self.image, seed: 0)
        #expect(flipped.scalars == [3, 2, 1, 6, 5, 4, 9, 8, 7])
        #expect(RandomHorizontalFlip(p: 0)(Self.image, seed: 0).scalars == Self.image.scalars)
        // p = 0.5: image b is flipped when its uniform draw is below 0.5.
        let x = Tensor.rand([16, 2, 4, 5], seed: 2)
        let y = RandomHorizontalFlip()(x, seed: 11)
        var g = RandomGenerator(seed: 11)
        var flippedCount = 0
        for b in 0..<16 {
            let flip = g.nextUniform() < 0.5
            flippedCount += flip ? 1 : 0
            for c in 0..<2 { for r in 0..<4 { for col in 0..<5 {
                #expect(y.scalar(at: [b, c, r, col]) == x.scalar(at: [b, c, r, flip ? 4 - col : col]))
            } } }
        }
        #expect(flippedCount > 0 && flippedCount < 16)
        #expect(y.shape == x.shape)
        #expect(RandomHorizontalFlip()(x, seed: 11).scalars == y.scalars)
    }

    @Test func normalizeAndCompose() {
        let x = Tensor([Float](repeating: 1, count: 8), shape: [1, 2, 2, 2])
        let n = Normalize(mean: [0.5, 1], std: [0.25, 2])(x, seed: 0)
        #expect(n.scalars == [2, 2, 2, 2, 0, 0, 0, 0])
        let images = Tensor.rand([4, 3, 8, 8], seed: 5)
        let steps: [any BatchTransform] = [RandomCrop(size: 8, padding: 2), RandomHorizontalFlip(), Normalize(mean: [0.1, 0.2, 0.3], std: [1, 2, 3])]
        var g = RandomGenerator(seed: 9)
        var expected = images
        for t in steps { expected = t(expected, using: &g) }
        #expect(Compose(steps)(images, seed: 9).scalars == expected.scalars)
    }

    @Test func loaderAugmentsEachBatchReproduciblyWithOrWithoutPrefetch() {
        let data = TensorDataset(inputs: Tensor.rand([10, 3, 6, 6], seed: 3), labels: Tensor((0..<10).map(Float.init)))
        let augment = Compose([RandomCrop(size: 6, padding: 2), RandomHorizontalFlip()])
        func passes(prefetch: Bool) -> [[Float]] {
            let loader = DataLoader(data, batchSize: 4, shuffle: true, seed: 1, augmentation: augment, prefetch: prefetch)
            return (0..<2).flatMap { _ in loader.map { $0.0.scalars + $0.1.scalars } }
        }
        let plain = passes(prefetch: false)
        #expect(plain.count == 6)
        #expect(plain == passes(prefetch: false))
        #expect(plain == passes(prefetch: true))
        #expect(plain[0] != plain[3], "each pass draws new crops and a new order")
        // Leaving a prefetching pass early stops its thread (no hang, no crash).
        let loader = DataLoader(data, batchSize: 2, augmentation: augment, prefetch: true)
        for (i, _) in loader.enumerated() where i == 1 { break }
    }

    @Test func resnetNamesItselfAndTheShapeOnAWrongChannelCount() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = resnet20()(Tensor.zeros([2, 1, 32, 32]))
        }
        ShapeErrorTests.expectMessage(result, "resnet20: input of shape [2, 1, 32, 32] must be images [N, 3, H, W]")
    }
}
