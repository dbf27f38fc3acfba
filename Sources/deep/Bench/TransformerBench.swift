import DeepLearning

/// `deep bench transformer`: training steps per second of a small Transformer encoder classifier on random
/// data, the same case as Benchmarks/reference/torch_bench.py: 2 × TransformerEncoderLayer(dModel 128,
/// nhead 4, dimFeedforward 512, dropout 0, post-norm, ReLU) over x [16, 64, 128] (batch first), mean over
/// the sequence, Linear(128 → 10), cross-entropy, Adam.
enum TransformerBench {
    static func run() {
        Tensor.manualSeed(0)
        let encoder = TransformerEncoder(TransformerEncoderLayer(dModel: 128, nhead: 4, dimFeedforward: 512, dropout: 0, batchFirst: true),
                                         numLayers: 2)
        let head = Linear(128, 10)
        let optimizer = Adam(encoder.parameters() + head.parameters(), lr: 1e-3)
        let x = Tensor.randn([16, 64, 128], seed: 1)
        let y = Tensor(Tensor.uniform([16], low: 0, high: 10, seed: 2).scalars.map { $0.rounded(.down) })
        let rate = TrainingBench.stepsPerSecond {
            optimizer.zeroGrad()
            crossEntropy(head(encoder(x).mean(alongAxis: 1)), y).backward()
            optimizer.step()
        }
        report("ours", "transformer layers=2 d=128 heads=4 ff=512 batch=16 seq=64",
               [("steps_per_s", rate), ("threads", Double(Parallel.threadCount))], digits: 1)
        attention()
    }

    /// Forward + backward of scaled dot-product attention, fused op against the composed reference, on the
    /// heads of the case above ([16, 4, 64, 32], causal).
    static func attention() {
        let q = Tensor.randn([16, 4, 64, 32], seed: 3).requiringGrad(), k = Tensor.randn([16, 4, 64, 32], seed: 4).requiringGrad()
        let v = Tensor.randn([16, 4, 64, 32], seed: 5).requiringGrad(), g = Tensor.randn([16, 4, 64, 32], seed: 6)
        for fused in [true, false] {
            let rate = TrainingBench.stepsPerSecond {
                let y = fused ? scaledDotProductAttention(q, k, v, isCausal: true)
                              : scaledDotProductAttentionComposed(q, k, v, isCausal: true).output
                y.backward(g)
                for t in [q, k, v] { t.zeroGrad() }
            }
            report("ours", "attention \(fused ? "fused" : "composed") [16, 4, 64, 32] causal forward+backward",
                   [("calls_per_s", rate), ("threads", Double(Parallel.threadCount))], digits: 1)
        }
    }
}
