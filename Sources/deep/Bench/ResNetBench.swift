import DeepLearning

/// `deep bench resnet`: training steps per second of residual networks on random data, the same cases as
/// Benchmarks/reference/torch_bench.py's `resnet`.
///
/// - small: conv3×3 3→16 (no bias) + BN + ReLU, 3 basic blocks of 16 channels, global average pool, fc 16→10,
///   cross-entropy, batch 32 of 3×32×32, SGD (momentum 0.9).
/// - resnet20: He et al.'s CIFAR ResNet-20 at batch 128, the same step; also images per second.
/// - augment: preparing one batch of 128 (gather, random crop with padding 4, flip, normalize), milliseconds —
///   what a prefetching DataLoader could hide behind a training step.
enum ResNetBench {
    static func run() {
        let images = TensorDataset(inputs: Tensor.rand([1024, 3, 32, 32], seed: 3), labels: Tensor.zeros([1024]))
        let augment = Compose([RandomCrop(size: 32, padding: 4), RandomHorizontalFlip(), Normalize(mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25])])
        let loader = DataLoader(images, batchSize: 128, shuffle: true, augmentation: augment)
        let perPass = bestTime(minimumSeconds: 0.5) { for batch in loader { _ = batch } }
        report("ours", "augment batch=128 (crop+flip+normalize)", [("ms_per_batch", perPass / Double(loader.count) * 1000)], digits: 2)
        for (name, model, batch) in [("resnet small (3 blocks of 16) batch=32", ResNet(BasicBlock.self, layers: [3], widths: [16], stem: .cifar), 32),
                                     ("resnet20 batch=128", resnet20(), 128)] {
            Tensor.manualSeed(0)
            let x = Tensor.randn([batch, 3, 32, 32], seed: 1)
            let y = Tensor(Tensor.uniform([batch], low: 0, high: 10, seed: 2).scalars.map { $0.rounded(.down) })
            let optimizer = SGD(model.parameters(), lr: 0.01, momentum: 0.9)
            let rate = TrainingBench.stepsPerSecond {
                optimizer.zeroGrad()
                crossEntropy(model(x), y).backward()
                optimizer.step()
            }
            report("ours", name, [("steps_per_s", rate), ("images_per_s", rate * Double(batch)), ("threads", Double(Parallel.threadCount))], digits: 1)
        }
    }
}
