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

    /// A linear layer's ∂x = G·W and ∂W = Gᵀ·x, run side by side (one single-threaded product per core), have
    /// the bits of each product split across the cores by rows, as before they were paired.
    @Test(arguments: [[1024, 128, 512], [1024, 512, 128], [300, 150, 200], [64, 256, 1024]])
    func linearGradientsSideBySideHaveTheSplitBits(_ shape: [Int]) {
        let (rows, inFeatures, outFeatures) = (shape[0], shape[1], shape[2])
        let g = Tensor.randn([rows, outFeatures], seed: 21), w = Tensor.randn([outFeatures, inFeatures], seed: 22)
        let x = Tensor.randn([rows, inFeatures], seed: 23)
        let paired = (dx: Tensor.zeros([rows, inFeatures]), dw: Tensor.zeros([outFeatures, inFeatures]))
        let split = (dx: Tensor.zeros([rows, inFeatures]), dw: Tensor.zeros([outFeatures, inFeatures]))
        #expect(AffineKernels.runsSideBySide(rows: rows, inFeatures: inFeatures, outFeatures: outFeatures) == (Parallel.threadCount > 1))
        AffineKernels.bothGradients(g.pointer, weight: w.pointer, input: x.pointer, dx: paired.dx.pointer, dw: paired.dw.pointer,
                                    rows: rows, inFeatures: inFeatures, outFeatures: outFeatures)
        AffineKernels.inputGradient(g.pointer, weight: w.pointer, into: split.dx.pointer, rows: rows, inFeatures: inFeatures,
                                    outFeatures: outFeatures)
        AffineKernels.weightGradient(g.pointer, input: x.pointer, into: split.dw.pointer, rows: rows, inFeatures: inFeatures,
                                     outFeatures: outFeatures)
        let sameX = paired.dx.scalars.map(\.bitPattern) == split.dx.scalars.map(\.bitPattern)
        let sameW = paired.dw.scalars.map(\.bitPattern) == split.dw.scalars.map(\.bitPattern)
        #expect(sameX, "∂x of \(shape)")
        #expect(sameW, "∂W of \(shape)")
        expectClose(paired.dw, g.transposed().matmul(x), rtol: 1e-4, atol: 1e-4, "∂W of \(shape) against matmul")
    }

    /// A large product is split across the workers by blocks of rows (or columns) of C, each block one
    /// single-threaded BLAS call: every element must have the bits of the unsplit single-threaded product,
    /// whatever the operands' transposes, so results do not depend on the number of workers.
    struct Product: Sendable { let m, n, k: Int, ta, tb: Bool }

    @Test(arguments: [Product(m: 300, n: 200, k: 150, ta: false, tb: false), Product(m: 300, n: 200, k: 150, ta: true, tb: true),
                      Product(m: 20, n: 3000, k: 90, ta: false, tb: true), Product(m: 20, n: 3000, k: 90, ta: true, tb: false),
                      Product(m: 517, n: 64, k: 129, ta: true, tb: true)])
    func splitProductsHaveTheUnsplitBits(_ shape: Product) {
        let (m, n, k) = (shape.m, shape.n, shape.k)
        let a = Tensor.randn([m * k], seed: 11).scalars, b = Tensor.randn([k * n], seed: 12).scalars
        var split = [Float](repeating: 0, count: m * n), whole = split
        func product(into c: UnsafeMutablePointer<Float>) {
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    GEMM.multiply(m: m, n: n, k: k,
                                  MatrixOperand(pointer: pa.baseAddress!, transposed: shape.ta, leadingDimension: shape.ta ? m : k),
                                  MatrixOperand(pointer: pb.baseAddress!, transposed: shape.tb, leadingDimension: shape.tb ? k : n),
                                  c, ldc: n, alpha: 0.5)
                }
            }
        }
        split.withUnsafeMutableBufferPointer { product(into: $0.baseAddress!) }
        whole.withUnsafeMutableBufferPointer { c in
            Parallel.forEachWithSingleThreadedBLAS(1) { _ in product(into: c.baseAddress!) }  // one call, one thread
        }
        let same = split.map(\.bitPattern) == whole.map(\.bitPattern)
        #expect(same, "[\(m), \(k)]·[\(k), \(n)] transposes \(shape.ta), \(shape.tb)")
    }
}
