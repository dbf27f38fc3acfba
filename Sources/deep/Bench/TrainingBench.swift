import DeepLearning

/// `deep bench mlp | lenet | lstm | gru`: training steps per second on random data, the same cases as
/// Benchmarks/reference/torch_bench.py.
enum TrainingBench {
    /// Steps per second of `step`, best of several rounds.
    static func stepsPerSecond(_ step: () -> Void) -> Double { 1 / bestTime(minimumSeconds: 1.0, step) }

    static func classifierStep(_ model: Sequential, _ x: Tensor, _ y: Tensor) -> () -> Void {
        let optimizer = Adam(model.parameters(), lr: 1e-3)
        return {
            optimizer.zeroGrad()
            crossEntropy(model(x), y).backward()
            optimizer.step()
        }
    }

    static func mlp() {
        for batch in [64, 256] {
            Tensor.manualSeed(0)
            let model = Sequential(Linear(784, 256), ReLU(), Linear(256, 128), ReLU(), Linear(128, 10))
            let x = Tensor.randn([batch, 784]), y = Tensor.uniform([batch], low: 0, high: 10).scalars.map { $0.rounded(.down) }
            report("ours", "mlp batch=\(batch)", [("steps_per_s", stepsPerSecond(classifierStep(model, x, Tensor(y)))), ("threads", Double(Parallel.threadCount))], digits: 1)
        }
    }

    static func lenet() {
        Tensor.manualSeed(0)
        let model = Sequential(
            Conv2d(1, 6, kernelSize: 5, padding: 2), ReLU(), MaxPool2d(kernelSize: 2),
            Conv2d(6, 16, kernelSize: 5), ReLU(), MaxPool2d(kernelSize: 2), Flatten(),
            Linear(400, 120), ReLU(), Linear(120, 84), ReLU(), Linear(84, 10))
        let x = Tensor.randn([64, 1, 28, 28]), y = Tensor(Tensor.uniform([64], low: 0, high: 10).scalars.map { $0.rounded(.down) })
        report("ours", "lenet batch=64", [("steps_per_s", stepsPerSecond(classifierStep(model, x, y))), ("threads", Double(Parallel.threadCount))], digits: 1)
    }
}

extension TrainingBench {
    /// 1 layer, input 32, hidden 128, sequence 50, batch 32, linear head on the last step, MSE, Adam.
    static func recurrent(_ kind: String) {
        Tensor.manualSeed(0)
        let rnn: RecurrentLayer = kind == "lstm" ? LSTM(32, 128) : GRU(32, 128)
        let head = Linear(128, 1)
        let optimizer = Adam(rnn.parameters() + head.parameters(), lr: 1e-3)
        let x = Tensor.randn([50, 32, 32], seed: 1), y = Tensor.randn([32, 1], seed: 2)
        let forward: (Tensor) -> Tensor = { x in
            if let lstm = rnn as? LSTM { return lstm(x).output }
            return (rnn as! GRU)(x).output
        }
        let rate = stepsPerSecond {
            optimizer.zeroGrad()
            mseLoss(head(forward(x)[49]), y).backward()
            optimizer.step()
        }
        report("ours", "\(kind) seq=50 batch=32 hidden=128", [("steps_per_s", rate), ("threads", Double(Parallel.threadCount))], digits: 1)
    }
}
