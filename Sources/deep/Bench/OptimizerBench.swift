import DeepLearning

/// `deep bench optim`: one `step()` of each optimizer over the parameters of the MNIST MLP
/// (784·256 + 256 + 256·128 + 128 + 128·10 + 10 = 235,146 floats) with fixed gradients, in microseconds.
/// Not in torch_bench.py: it isolates the update rules (the training suites include them in a whole step).
enum OptimizerBench {
    static func run() {
        let shapes = [[256, 784], [256], [128, 256], [128], [10, 128], [10]]
        let optimizers: [(String, ([Tensor]) -> Optimizer)] = [
            ("sgd", { SGD($0, lr: 0.01) }),
            ("sgd-momentum-nesterov", { SGD($0, lr: 0.01, momentum: 0.9, nesterov: true) }),
            ("adam", { Adam($0, lr: 1e-3) }),
            ("adamw-amsgrad", { AdamW($0, lr: 1e-3, amsgrad: true) }),
            ("rmsprop-centered-momentum", { RMSProp($0, lr: 1e-3, momentum: 0.9, centered: true) }),
            ("adagrad", { AdaGrad($0, lr: 0.01) }),
        ]
        for (name, make) in optimizers {
            let params = shapes.enumerated().map { Tensor.randn($0.element, seed: UInt64($0.offset)).requiringGrad() }
            for (k, p) in params.enumerated() { p.grad = Tensor.randn(p.shape, seed: 100 + UInt64(k)) * 1e-3 }
            let optimizer = make(params)
            report("ours", "optim \(name) params=235146", [("us_per_step", bestTime { optimizer.step() } * 1e6),
                                                            ("threads", Double(Parallel.threadCount))], digits: 1)
        }
    }
}
