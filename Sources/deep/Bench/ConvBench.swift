import DeepLearning

/// `deep bench conv`: LeNet-5 on a batch of 64 28×28 images — the speed target. Cases: the two
/// conv + ReLU + max-pool blocks forward and backward (conv 6@5×5 pad 2, pool 2; conv 16@5×5, pool 2), and
/// the whole training step (blocks, then FC 400-120-84-10, cross-entropy, SGD with momentum 0.9).
/// Scripts/bench/conv.py measures the same in PyTorch.
enum ConvBench {
    final class LeNet: Module {
        let conv1 = Conv2d(1, 6, kernelSize: 5, padding: 2)
        let conv2 = Conv2d(6, 16, kernelSize: 5)
        let fc1 = Linear(400, 120), fc2 = Linear(120, 84), fc3 = Linear(84, 10)

        func blocks(_ x: Tensor) -> Tensor {
            maxPool2d(relu(conv2(maxPool2d(relu(conv1(x)), kernelSize: 2))), kernelSize: 2)
        }

        func callAsFunction(_ x: Tensor) -> Tensor {
            fc3(relu(fc2(relu(fc1(blocks(x).flattened(from: 1))))))
        }
    }

    static func run() {
        Tensor.manualSeed(0)
        let model = LeNet()
        let x = Tensor.randn([64, 1, 28, 28], seed: 1)
        let labels = Tensor((0..<64).map { Float($0 % 10) }, shape: [64, 1])
        let parameters = model.parameters()
        let blockParameters = model.conv1.parameters() + model.conv2.parameters()
        let velocities = parameters.map { Tensor.zeros($0.shape) }

        let blocks = bestTime {
            for p in blockParameters { p.zeroGrad() }
            model.blocks(x).sum().backward()
        }
        report("conv", "lenet blocks N=64 fwd+bwd", [("ms", blocks * 1e3), ("steps_per_s", 1 / blocks)])
        let inference = withNoGrad { bestTime { _ = model.blocks(x) } }
        report("conv", "lenet blocks N=64 fwd no-grad", [("ms", inference * 1e3)])

        let step = bestTime {
            for p in parameters { p.zeroGrad() }
            // Cross-entropy as −mean(log softmax at the label); SGD: v ← 0.9v + g, θ ← θ − 0.01v.
            let loss = -model(x).logSoftmax(alongAxis: 1).gathering(alongAxis: 1, indices: labels).mean()
            loss.backward()
            for (p, v) in zip(parameters, velocities) {
                guard let g = p.grad else { continue }
                g.withUnsafeBufferPointer { g in
                    v.withUnsafeMutableElements { v in
                        p.withUnsafeMutableElements { p in
                            for i in 0..<p.count { v[i] = 0.9 * v[i] + g[i]; p[i] -= 0.01 * v[i] }
                        }
                    }
                }
            }
        }
        report("conv", "lenet step N=64 train", [("ms", step * 1e3), ("steps_per_s", 1 / step)])
    }
}
