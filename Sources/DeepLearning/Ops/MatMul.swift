// Matrix product: 1-D and 2-D operands, and batched N-D products whose batch dimensions broadcast,
// as `torch.matmul`. Every product goes to `cblas_sgemm`; transposed views are passed as flags.

extension Tensor {
    /// Describes a 2-D view for BLAS without copying when its layout allows (row-major or transposed).
    static func matrixOperand(shape: (Int, Int), strides: (Int, Int), base: UnsafePointer<Float>) -> MatrixOperand? {
        let (rows, cols) = shape
        let (rs, cs) = strides
        if (cs == 1 || cols == 1) && rs >= Swift.max(1, cols) { return MatrixOperand(pointer: base, transposed: false, leadingDimension: rs) }
        if (rs == 1 || rows == 1) && cs >= Swift.max(1, rows) { return MatrixOperand(pointer: base, transposed: true, leadingDimension: cs) }
        if rows == 1 && cols == 1 { return MatrixOperand(pointer: base, transposed: false, leadingDimension: 1) }
        return nil
    }

    /// Matrix product `self · other`.
    ///
    /// Shapes: [k]·[k] → []; [m, k]·[k] → [m]; [k]·[k, n] → [n]; [..., m, k]·[..., k, n] → [..., m, n] with
    /// the batch dimensions broadcast. Backward: ∂A = G·Bᵀ, ∂B = Aᵀ·G (summed over broadcast batches).
    public func matmul(_ other: Tensor) -> Tensor {
        require(rank >= 1 && other.rank >= 1, "matmul: \(shape) × \(other.shape): operands must have at least one dimension")
        if rank == 1 && other.rank == 1 {
            require(shape[0] == other.shape[0], "matmul: \(shape) × \(other.shape): lengths \(shape[0]) and \(other.shape[0]) differ")
            return unsqueezed(at: 0).matmul(other.unsqueezed(at: 1)).reshaped(to: [])
        }
        if rank == 1 { return unsqueezed(at: 0).matmul(other).squeezed(axis: -2) }
        if other.rank == 1 { return matmul(other.unsqueezed(at: 1)).squeezed(axis: -1) }
        let (m, k) = (shape[rank - 2], shape[rank - 1])
        let (k2, n) = (other.shape[other.rank - 2], other.shape[other.rank - 1])
        require(k == k2, "matmul: \(shape) × \(other.shape): inner dimensions \(k) and \(k2) differ")
        var out = Tensor.matmulForward(self, other, m: m, k: k, n: n)
        if Tensor.shouldRecord(self, other) {
            let a = self.detached(), b = other.detached()
            out.attach("matmul", self, other) { g in
                [self.requiresGrad ? g.matmul(b.transposed()).sum(toShape: a.shape) : nil,
                 other.requiresGrad ? a.transposed().matmul(g).sum(toShape: b.shape) : nil]
            }
        }
        return out
    }

    private static func matmulForward(_ a: Tensor, _ b: Tensor, m: Int, k: Int, n: Int) -> Tensor {
        let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
        let batch = broadcastShapes(batchA, batchB, op: "matmul")
        let batchCount = batch.reduce(1, *)
        let out = Tensor(uninitialized: batch + [m, n])
        if m == 0 || n == 0 { return out }
        if k == 0 { out.pointer.update(repeating: 0, count: out.count); return out }
        // [..., m, k] · [k, n] with a row-major A: one GEMM with the batch folded into the rows.
        if b.rank == 2, a.isContiguous, let opB = matrixOperand(shape: (k, n), strides: (b.strides[0], b.strides[1]), base: b.pointer) {
            let opA = MatrixOperand(pointer: a.pointer, transposed: false, leadingDimension: k)
            GEMM.multiply(m: batchCount * m, n: n, k: k, opA, opB, out.pointer, ldc: n)
            return out
        }
        let aStrides = a.batchedStrides(batch), bStrides = b.batchedStrides(batch)
        var ac = a, bc = b
        if matrixOperand(shape: (m, k), strides: (a.strides[a.rank - 2], a.strides[a.rank - 1]), base: a.pointer) == nil { ac = a.contiguous() }
        if matrixOperand(shape: (k, n), strides: (b.strides[b.rank - 2], b.strides[b.rank - 1]), base: b.pointer) == nil { bc = b.contiguous() }
        let aS = ac === a ? aStrides : ac.batchedStrides(batch), bS = bc === b ? bStrides : bc.batchedStrides(batch)
        let batchStrides = contiguousStrides(for: batch)
        func run(_ range: Range<Int>) {
            for i in range {
                var oa = ac.offset, ob = bc.offset, rem = i
                for d in batch.indices {
                    let c = rem / batchStrides[d]
                    rem %= batchStrides[d]
                    oa += c * aS[d]
                    ob += c * bS[d]
                }
                let opA = matrixOperand(shape: (m, k), strides: (ac.strides[ac.rank - 2], ac.strides[ac.rank - 1]), base: ac.storage.base + oa)!
                let opB = matrixOperand(shape: (k, n), strides: (bc.strides[bc.rank - 2], bc.strides[bc.rank - 1]), base: bc.storage.base + ob)!
                GEMM.multiply(m: m, n: n, k: k, opA, opB, out.pointer + i * m * n, ldc: n)
            }
        }
        if batchCount > 1 && m * n * k < 1 << 18 {
            // Many small products: spread the batch over our threads, one BLAS thread each.
            Parallel.forEachWithSingleThreadedBLAS(batchCount, costPerItem: m * n * k / 64, run)
        } else {
            run(0..<batchCount)
        }
        return out
    }

    /// Strides of the batch dimensions (all but the last two) broadcast to `batch`.
    private func batchedStrides(_ batch: [Int]) -> [Int] {
        let own = Array(shape.dropLast(2))
        let lead = batch.count - own.count
        return batch.indices.map { i in
            i < lead || own[i - lead] == 1 ? 0 : strides[i - lead]
        }
    }

    /// True when both tensors are the same view of the same storage.
    static func === (a: Tensor, b: Tensor) -> Bool {
        a.storage === b.storage && a.offset == b.offset && a.shape == b.shape && a.strides == b.strides
    }
}
