import DeepLearning

/// `deep bench recurrent`: one training step's forward and backward (no optimizer) of a 1-layer LSTM and GRU
/// (input 32, hidden 128, sequence 50, batch 32) with a linear head on the last step and an MSE loss — the
/// issue's speed target. Scripts/bench/recurrent.py measures the same step in PyTorch.
enum RecurrentBench {
    static func run() {
        let (steps, batch, inputSize, hidden) = (50, 32, 32, 128)
        let x = Tensor.randn([steps, batch, inputSize], seed: 1), y = Tensor.randn([batch, 1], seed: 2)
        Tensor.manualSeed(0)
        let lstm = LSTM(inputSize, hidden), gru = GRU(inputSize, hidden), head = Linear(hidden, 1)
        let models: [(String, RecurrentLayer, (Tensor) -> Tensor)] = [
            ("lstm", lstm, { lstm($0).output }), ("gru", gru, { gru($0).output }),
        ]
        for (name, layer, forward) in models {
            let shape = "T=\(steps) N=\(batch) I=\(inputSize) H=\(hidden)"
            let seconds = bestTime {
                layer.zeroGrad()
                head.zeroGrad()
                let last = forward(x)[.index(steps - 1)]
                (head(last) - y).square().mean().backward()
            }
            report("recurrent", "\(name) \(shape) fwd+bwd", [("ms", seconds * 1e3), ("steps_per_s", 1 / seconds)])
            let inference = withNoGrad { bestTime { _ = forward(x) } }
            report("recurrent", "\(name) \(shape) fwd no-grad", [("ms", inference * 1e3)])
        }
    }
}
