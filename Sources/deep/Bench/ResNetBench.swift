import DeepLearning

/// `deep bench resnet`: training steps per second of residual networks on random data, the same cases as
/// Benchmarks/reference/torch_bench.py's `resnet`.
///
/// - small: conv3×3 3→16 (no bias) + BN + ReLU, 3 basic blocks of 16 channels, global average pool, fc 16→10,
///   cross-entropy, batch 32 of 3×32×32, SGD (momentum 0.9).
/// - resnet20: He et al.'s CIFAR ResNet-20 at batch 128, the same step; also images per second.
enum ResNetBench {
    static func run() {
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
