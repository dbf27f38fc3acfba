import Foundation
import Testing
@testable import DeepLearning

/// No process-wide side effects (issue 11, item 11): the loops that run GEMM on each core (conv, batched
/// matmul, attention, recurrent gradients) used to set OpenBLAS's process-wide thread count to 1 and back, so a
/// model training on another thread ran its GEMMs at whichever count it found (OpenBLAS's bits depend on it:
/// [64, 784]·[784, 128] differs between 1 and 2 threads) and the saved count could be restored wrongly.
@Suite struct ThreadSafetyTests {
    /// SGD steps of an MLP (30) (plain GEMMs, [64, 784]·[784, 128]) or a small conv net (6, batch 32: the single-threaded
    /// BLAS loop over the batch); the trained parameters' bits.
    static func train(conv: Bool) -> [UInt32] {
        Tensor.manualSeed(conv ? 1 : 2)
        let labels = Tensor((0..<(conv ? 32 : 64)).map { Float($0 % 10) })
        let parameters: [Tensor], forward: () -> Tensor
        if conv {
            let c = Conv2d(3, 16, kernelSize: 3, padding: 1), head = Linear(16 * 16 * 16, 10)
            let x = Tensor.randn([32, 3, 16, 16], seed: 3)
            parameters = c.parameters() + head.parameters()
            forward = { head(c(x).relu().flattened(from: 1)) }
        } else {
            let l1 = Linear(784, 128), l2 = Linear(128, 10)
            let x = Tensor.randn([64, 784], seed: 4)
            parameters = l1.parameters() + l2.parameters()
            forward = { l2(l1(x).relu()) }
        }
        let optimizer = SGD(parameters, lr: 0.05)
        for _ in 0..<(conv ? 6 : 30) {
            optimizer.zeroGrad()
            crossEntropy(forward(), labels).backward()
            optimizer.step()
        }
        return parameters.flatMap { $0.scalars.map(\.bitPattern) }
    }

    @Test func twoModelsOnTwoThreadsTrainAsAlone() {
        let blasThreads = Parallel.blasThreadCount
        let mlpAlone = Self.train(conv: false), convAlone = Self.train(conv: true)
        for trial in 0..<2 {
            nonisolated(unsafe) var mlp: [UInt32] = [], conv: [UInt32] = []
            let group = DispatchGroup()
            DispatchQueue.global().async(group: group) { mlp = Self.train(conv: false) }
            DispatchQueue.global().async(group: group) { conv = Self.train(conv: true) }
            group.wait()
            let mlpSame = mlp == mlpAlone, convSame = conv == convAlone  // (not the arrays: they would fill the log)
            #expect(mlpSame, "trial \(trial): the MLP trained beside the conv net")
            #expect(convSame, "trial \(trial): the conv net trained beside the MLP")
        }
        #expect(Parallel.blasThreadCount == blasThreads, "BLAS threads left as found")
    }
}
