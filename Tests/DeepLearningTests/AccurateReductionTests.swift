import Foundation
import Testing
@testable import DeepLearning

/// Long reductions accumulate blockwise and combine blocks pairwise, so their error grows with log n, as
/// PyTorch's cascade sums (issue 11, item 4). Expected values are PyTorch 2.13's float32 results.
@Suite struct AccurateReductionTests {
    @Test func longSumMatchesPyTorch() {
        let x = Tensor.ones([5, 68, 64, 64]) * 0.1
        // torch: (torch.ones([5, 68, 64, 64]) * 0.1).sum() * 10 == 1392640.125 (one accumulator chain: 1393246.9).
        #expect(Swift.abs((x.sum() * 10).item - 1_392_640.1) <= 1)
        #expect(Swift.abs(x.mean().item - 0.1) <= 1e-6)
    }

    @Test func longAxisSumsMatchPyTorch() {
        // torch.full((200000, 3), 0.1).sum(0) and torch.full((3, 200000), 0.1).sum(1): 20000.002 each.
        for sum in [Tensor.full([200_000, 3], 0.1).sum(alongAxis: 0), Tensor.full([3, 200_000], 0.1).sum(alongAxis: 1)] {
            for s in sum.scalars { #expect(Swift.abs(s - 20_000.002) <= 0.01, "\(sum.scalars)") }
        }
    }

    @Test func longVarianceAndBatchNormStatisticsMatchPyTorch() {
        // x = 0.3, 0.1, 0.3, ... (300000): torch x.var() == 0.0100000342 (float64: 0.0100000344).
        let x = Tensor((0..<300_000).map { $0 % 2 == 0 ? 0.3 : 0.1 })
        #expect(Swift.abs(x.variance(alongAxes: []).item - 0.010_000_034) <= 1e-8)
        // BatchNorm1d(3) on [100000, 3] of rows 0.3, 0.1, ...: running_mean 0.02, running_var 0.9 + 0.1·0.0100001.
        let rows = Tensor((0..<100_000).flatMap { r in [Float](repeating: r % 2 == 0 ? 0.3 : 0.1, count: 3) }).reshaped(to: [100_000, 3])
        let bn = BatchNorm1d(3)
        _ = bn(rows)
        expectClose(bn.runningMean!, Tensor([0.02, 0.02, 0.02]), rtol: 1e-6, "running mean")
        expectClose(bn.runningVar!, Tensor([0.901_000_01, 0.901_000_01, 0.901_000_01]), rtol: 1e-6, "running variance")
    }

    /// A sum over the rows of one [N, C] matrix (a bias gradient) splits its columns across cores; each
    /// column is still summed in the same order: bit for bit what one thread's unsplit path gives, for
    /// splits into 2, 3 and 7 column blocks (whatever this machine's core count), and close to a Double sum.
    /// Columns not a multiple of a vector; 20 rows (one block) and 2,048.
    @Test(arguments: [(2048, 517), (20, 4000), (1024, 128)])
    func columnSplitSumsHaveTheUnsplitBits(_ rows: Int, _ columns: Int) {
        let x = Tensor.randn([rows, columns], seed: 31)
        func sum(threads: Int) -> [UInt32] {
            let out = Tensor(uninitialized: [columns])
            Loops.reduceMiddle(SumKernel.self, x.pointer, outer: 1, length: rows, inner: columns, out.pointer, threads: threads)
            return out.scalars.map(\.bitPattern)
        }
        let unsplit = sum(threads: 1)
        for threads in [2, 3, 7] { #expect(sum(threads: threads) == unsplit, "[\(rows), \(columns)] in \(threads) column blocks") }
        #expect(x.sum(alongAxis: 0).scalars.map(\.bitPattern) == unsplit, "[\(rows), \(columns)] through sum(alongAxis:)")
        let values = x.scalars
        let exact = (0..<columns).map { j in (0..<rows).reduce(0.0) { $0 + Double(values[$1 * columns + j]) } }
        for j in 0..<columns { #expect(Swift.abs(Double(Float(bitPattern: unsplit[j])) - exact[j]) <= 1e-4 * Double(rows).squareRoot()) }
    }

    /// The blocked paths keep max/min exact and NaN-propagating across block boundaries.
    @Test func blockedMaxAndMinAreExact() {
        var values = (0..<50_000).map { Float(($0 * 7919) % 50_000) }
        let x = Tensor(values)
        #expect(x.max().item == 49_999 && x.min().item == 0)
        #expect(Tensor(values).reshaped(to: [10_000, 5]).max(alongAxis: 0).scalars.allSatisfy { $0 >= 49_995 })
        values[33_333] = .nan
        #expect(Tensor(values).max().item.isNaN)
        #expect(Tensor(values).reshaped(to: [10_000, 5]).min(alongAxis: 0).scalars.filter(\.isNaN).count == 1)
    }
}
