// softmax, logSoftmax and logSumExp along an axis, numerically stable (the row maximum is subtracted
// before exponentiating). The row kernel runs on the last axis; other axes are moved there and back.

extension Tensor {
    /// Runs a row kernel over the rows of `axis`, returning the result in this tensor's layout.
    private func alongRows(_ axis: Int, op: String, _ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> Tensor {
        let a = normalizedAxis(axis, op: op)
        let moved = withNoGrad { (a == rank - 1 ? self : movingAxis(a, to: rank - 1)).contiguous() }
        let n = rank == 0 ? 1 : moved.shape[rank - 1]
        let out = Tensor(uninitialized: moved.shape)
        let rows = n == 0 ? 0 : moved.count / n
        let src = moved.pointer, dst = out.pointer
        Parallel.forEach(rows, costPerItem: n * 8) { r in
            for i in r { kernel(src + i * n, dst + i * n, n) }
        }
        return a == rank - 1 ? out : withNoGrad { out.movingAxis(rank - 1, to: a) }
    }

    /// e^{x − max} and its sum over one row; `dst` receives the exponentials.
    @inline(__always)
    private static func shiftedExp(_ x: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) -> (max: Float, sum: Float) {
        var m = Loops.reduce(MaxKernel.self, x, n)
        if !m.isFinite { m = 0 }
        Loops.zip(ShiftedExpKernel(), x, 1, &m, 0, dst, n)
        return (m, Loops.reduce(SumKernel.self, dst, n))
    }

    /// softmax(x)ᵢ = e^{xᵢ} / Σⱼ e^{xⱼ} along `axis`. Backward: ∂x = y ⊙ (g − Σ g ⊙ y).
    public func softmax(alongAxis axis: Int = -1) -> Tensor {
        var out = alongRows(axis, op: "softmax") { x, y, n in
            var inv = 1 / Tensor.shiftedExp(x, y, n).sum
            Loops.zip(MulKernel(), y, 1, &inv, 0, y, n)
        }
        if Tensor.shouldRecord(self) {
            let y = out.detached()
            out.attach("softmax", self) { g in [y * (g - (g * y).sum(alongAxis: axis, keepDims: true))] }
        }
        return out
    }

    /// log softmax(x)ᵢ = xᵢ − log Σⱼ e^{xⱼ} along `axis`. Backward: ∂x = g − softmax(x) · Σ g.
    public func logSoftmax(alongAxis axis: Int = -1) -> Tensor {
        var out = alongRows(axis, op: "logSoftmax") { x, y, n in
            var (m, s) = Tensor.shiftedExp(x, y, n)
            // (x − m) − log s, not x − (m + log s): m + log s rounds to the ulp of m (4e-6 at m = 50).
            var logSum = Foundation.log(s)
            Loops.zip(SubKernel(), x, 1, &m, 0, y, n)
            Loops.zip(SubKernel(), y, 1, &logSum, 0, y, n)
        }
        if Tensor.shouldRecord(self) {
            let y = out.detached()
            out.attach("logSoftmax", self) { g in [g - y.exp() * g.sum(alongAxis: axis, keepDims: true)] }
        }
        return out
    }

    /// log Σ e^{x} along `axes`, computed as m + log Σ e^{x − m} with m the (detached) maximum. Over an
    /// empty axis it is −∞ (log of an empty sum), as `torch.logsumexp`.
    public func logSumExp(alongAxes axes: [Int], keepDims: Bool = false) -> Tensor {
        let normalized = reductionAxes(axes, op: "logSumExp")
        let m = withNoGrad {
            let raw = reduced(MaxKernel.self, axes: normalized)  // −∞ over an empty axis, where max stops
            return Tensor.where(raw .== raw * 0 + raw, raw, Tensor.zeros(like: raw))  // ±inf → 0
        }
        let lse = (self - m).exp().sum(alongAxes: axes, keepDims: true).log() + m
        return keepDims ? lse : lse.reshaped(to: droppedShape(normalized))
    }

    /// log Σ e^{x} along one axis.
    public func logSumExp(alongAxis axis: Int, keepDims: Bool = false) -> Tensor {
        logSumExp(alongAxes: [axis], keepDims: keepDims)
    }
}

struct ShiftedExpKernel: BinaryKernel {
    @inline(__always) func apply(_ x: FloatVector, _ m: FloatVector) -> FloatVector { SIMDMath.exp(x - m) }
}

import Foundation

/// softmax along `axis` (the last by default), beside ``relu(_:)``: as `torch.softmax(x, dim)` and
/// ``Tensor/softmax(alongAxis:)``.
public func softmax(_ x: Tensor, axis: Int = -1) -> Tensor { x.softmax(alongAxis: axis) }

/// log softmax along `axis` (the last by default): as `torch.log_softmax(x, dim)` and
/// ``Tensor/logSoftmax(alongAxis:)``.
public func logSoftmax(_ x: Tensor, axis: Int = -1) -> Tensor { x.logSoftmax(alongAxis: axis) }
