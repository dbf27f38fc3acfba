import Foundation
import Testing
@testable import DeepLearning

/// NaN propagates as in PyTorch 2.13 (issue 11, item 1). Values and gradients of the differentiable ops are
/// fixtures (ops.py, cases `*_nan*`, checked by OpsForwardTests); here the integer results and the long
/// vectorized paths, with PyTorch's values written out (from `torch.argmax`, `torch.max`, `clip_grad_norm_`).
@Suite struct NaNTests {
    @Test func argmaxAndArgminPickTheFirstNaN() {
        // torch.tensor([[1, nan, 2]]).argmax(1) == [1]; argmin(1) == [1].
        #expect(Tensor([[1, .nan, 2]]).argmax(alongAxis: 1).scalars == [1])
        #expect(Tensor([[1, .nan, 2]]).argmin(alongAxis: 1).scalars == [1])
        #expect(Tensor([[.nan, 3], [.nan, .nan], [5, 4]]).argmax(alongAxis: 0).scalars == [0, 1])
        #expect(Tensor([[.nan, 3], [.nan, .nan], [5, 4]]).argmin(alongAxis: 1).scalars == [0, 0, 1])
    }

    /// 100 elements (the four-accumulator vector loop, its single-vector loop and the scalar tail), NaN at
    /// 57 and 80: x.max(), x.min() and x.sum() are NaN, x.argmax() and x.argmin() are 57.
    @Test func longReductionsPropagateNaN() {
        var values = (0..<100).map(Float.init)
        values[57] = .nan
        values[80] = .nan
        let x = Tensor(values)
        #expect(x.max().item.isNaN)
        #expect(x.min().item.isNaN)
        #expect(x.sum().item.isNaN)
        #expect(x.argmax(alongAxis: 0).item == 57)
        #expect(x.argmin(alongAxis: 0).item == 57)
        // Along the middle axis (the strided vector path): one NaN in column 3 of 40.
        var grid = (0..<(30 * 40)).map { Float($0 % 17) }
        grid[7 * 40 + 3] = .nan
        let columns = Tensor(grid).reshaped(to: [30, 40])
        for m in [columns.max(alongAxis: 0), columns.min(alongAxis: 0)] {
            #expect(m.scalars.indices.filter { m.scalars[$0].isNaN } == [3])
        }
    }

    /// A NaN in one gradient makes the total norm NaN and every gradient NaN, for every norm type
    /// (`torch.nn.utils.clip_grad_norm_` with error_if_nonfinite=False).
    @Test(arguments: [Float(2), 1, .infinity])
    func clipGradNormPropagatesNaN(normType: Float) {
        let a = Tensor.zeros([3]).requiringGrad(), b = Tensor.zeros([2]).requiringGrad()
        a.grad = Tensor([1, .nan, 2])
        b.grad = Tensor([3, 4])
        let total = clipGradNorm([a, b], maxNorm: 1, normType: normType)
        #expect(total.isNaN)
        #expect(a.grad!.scalars.allSatisfy(\.isNaN) && b.grad!.scalars.allSatisfy(\.isNaN))
    }
}
