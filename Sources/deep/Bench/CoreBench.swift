import CBLAS
import DeepLearning

/// `deep bench core`: the engine's kernels against the machine's limits.
enum CoreBench {
    static func run() {
        for n in [128, 256, 512, 1024] { matmul(n) }
        Parallel.setThreads(1)
        defer { Parallel.setThreads(Parallel.defaultThreadCount) }
        let n = 1 << 20
        let a = Tensor.randn([n], seed: 1), b = Tensor.randn([n], seed: 2)
        let bytes3 = Double(3 * 4 * n), bytes2 = Double(2 * 4 * n), bytes1 = Double(4 * n)
        // GB/s counts every byte read and written (STREAM's convention).
        report("ours", "add n=1M threads=1", [("gb_per_s", bytes3 / bestTime { _ = a + b } / 1e9)])
        report("ours", "relu n=1M threads=1", [("gb_per_s", bytes2 / bestTime { _ = a.relu() } / 1e9)])
        report("ours", "exp n=1M threads=1", [("gb_per_s", bytes2 / bestTime { _ = a.exp() } / 1e9)])
        report("ours", "sum n=1M threads=1", [("gb_per_s", bytes1 / bestTime { _ = a.sum() } / 1e9)])
        let x = Tensor.randn([16], seed: 3), y = Tensor.randn([16], seed: 4)
        let xg = x.requiringGrad(), yg = y.requiringGrad()
        report("ours", "small-add n=16 grad=off", [("ns", bestTime { _ = x + y } * 1e9)], digits: 0)
        report("ours", "small-add n=16 grad=on", [("ns", bestTime { _ = xg + yg } * 1e9)], digits: 0)
    }

    static func matmul(_ n: Int) {
        let a = Tensor.randn([n, n], seed: 1), b = Tensor.randn([n, n], seed: 2)
        let flops = 2 * Double(n * n * n)
        let ours = flops / bestTime { _ = a.matmul(b) } / 1e9
        let pa = a.scalars, pb = b.scalars
        var pc = [Float](repeating: 0, count: n * n)
        let raw = flops / bestTime {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, pa, Int32(n), pb, Int32(n), 0, &pc, Int32(n))
        } / 1e9
        report("ours", "matmul n=\(n)", [("ours_gflops", ours), ("blas_gflops", raw), ("ratio", ours / raw)])
    }
}
