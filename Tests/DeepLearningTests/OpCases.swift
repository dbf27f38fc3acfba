import Foundation
import Testing
@testable import DeepLearning

/// The functions of Scripts/fixtures/ops.py, case by case, written with our API. The fixture file
/// Fixtures/ops.json holds each case's inputs `x0, x1, …`, the PyTorch output `out`, a random upstream
/// gradient `up` and the gradients `gI` of Σ(out ⊙ up) with respect to each input.
///
/// OpsForwardTests compares forward values and gradients with PyTorch's; GradcheckTests compares the same
/// gradients with finite differences. Views are taken inside the functions, so the checks see transposed,
/// sliced, expanded and permuted operands.
enum OpCases {
    typealias Function = ([Tensor]) -> Tensor

    /// Case name → function of the inputs.
    static let functions: [String: Function] = {
        var c: [String: Function] = [:]

        // MARK: Arithmetic with broadcasting.
        let binary: [(String, (Tensor, Tensor) -> Tensor)] = [("add", { $0 + $1 }), ("sub", { $0 - $1 }), ("mul", { $0 * $1 })]
        for (op, f) in binary {
            for shapes in ["same", "row", "row_left", "3d", "scalar_tensor", "tensor_scalar"] {
                c["\(op)_\(shapes)"] = { x in f(x[0], x[1]) }
            }
        }
        c["add_float"] = { x in x[0] + 2.5 }
        c["sub_float_left"] = { x in 3.0 - x[0] }
        c["mul_float"] = { x in x[0] * -1.5 }
        for shapes in ["same", "row", "3d", "scalar_tensor"] { c["div_\(shapes)"] = { x in x[0] / x[1] } }
        c["div_float_left"] = { x in 2.0 / x[0] }
        c["div_float"] = { x in x[0] / 4.0 }
        for shapes in ["tensor", "3d", "scalar_base"] { c["pow_\(shapes)"] = { x in Tensor.pow(x[0], x[1]) } }
        c["pow_int"] = { x in x[0].pow(3) }
        c["pow_half"] = { x in x[0].pow(0.5) }
        c["pow_neg"] = { x in x[0].pow(-1.5) }
        for shapes in ["same", "row", "3d"] { c["maximum_\(shapes)"] = { x in Tensor.maximum(x[0], x[1]) } }
        for shapes in ["same", "3d", "scalar"] { c["minimum_\(shapes)"] = { x in Tensor.minimum(x[0], x[1]) } }

        // Binary ops on views.
        c["add_views"] = { x in x[0].transposed() + x[1].sliced(alongAxis: 1, 0..<8, step: 2) }
        c["mul_expanded"] = { x in x[0].expanded(to: [3, 4]) * x[1] }
        c["sub_permuted"] = { x in x[0].permuted([2, 0, 1]) - x[1] }
        c["div_transposed"] = { x in x[0] / x[1].transposed() }
        c["maximum_views"] = { x in Tensor.maximum(x[0].transposed(), x[1][.range(0..<6, step: 2)]) }

        // MARK: Unary.
        c["neg"] = { x in -x[0] }
        c["exp"] = { x in x[0].exp() }
        c["log"] = { x in x[0].log() }
        c["sqrt"] = { x in x[0].sqrt() }
        c["abs"] = { x in x[0].abs() }
        c["square"] = { x in x[0].square() }
        c["sigmoid"] = { x in x[0].sigmoid() }
        c["tanh"] = { x in x[0].tanh() }
        c["relu"] = { x in x[0].relu() }
        c["leakyRelu"] = { x in x[0].leakyRelu(negativeSlope: 0.2) }
        c["leakyRelu_default"] = { x in x[0].leakyRelu() }
        c["gelu"] = { x in x[0].gelu() }
        c["sin"] = { x in x[0].sin() }
        c["cos"] = { x in x[0].cos() }
        c["clamped"] = { x in x[0].clamped(min: -0.5, max: 0.5) }
        c["clamped_min"] = { x in x[0].clamped(min: -0.5) }
        c["clamped_max"] = { x in x[0].clamped(max: 0.5) }
        c["where"] = { x in Tensor.where(x[0] .> 0, x[1], x[2]) }
        c["where_broadcast"] = { x in Tensor.where(x[0] .> 0, x[1], x[2]) }
        // Unary ops on views.
        c["exp_permuted"] = { x in x[0].permuted([2, 0, 1]).exp() }
        c["relu_sliced"] = { x in x[0].sliced(alongAxis: 1, 1..<8, step: 2).relu() }
        c["tanh_transposed"] = { x in x[0].transposed().tanh() }
        c["sigmoid_expanded"] = { x in x[0].expanded(to: [2, 3, 4]).sigmoid() }
        c["log_sliced"] = { x in x[0][.range(0..<5, step: 2), .range(0..<7, step: 3)].log() }
        c["gelu_transposed"] = { x in x[0].transposed().gelu() }
        // Edge values.
        c["exp_edge"] = { x in x[0].exp() }
        c["sigmoid_edge"] = { x in x[0].sigmoid() }
        c["tanh_edge"] = { x in x[0].tanh() }
        c["log_edge"] = { x in x[0].log() }
        c["gelu_edge"] = { x in x[0].gelu() }
        c["softmax_edge"] = { x in x[0].softmax(alongAxis: -1) }
        c["logSoftmax_edge"] = { x in x[0].logSoftmax(alongAxis: -1) }
        c["logSumExp_edge"] = { x in x[0].logSumExp(alongAxis: -1) }
        // Kinks and ties.
        c["relu_kinks"] = c["relu"]
        c["leakyRelu_kinks"] = c["leakyRelu"]
        c["abs_kinks"] = c["abs"]
        c["clamped_bounds"] = c["clamped"]
        c["pow_zero_base"] = c["pow_tensor"]
        c["pow_scalar_zero"] = { x in x[0].pow(0) }
        c["maximum_ties"] = { x in Tensor.maximum(x[0], x[1]) }
        c["minimum_ties"] = { x in Tensor.minimum(x[0], x[1]) }
        c["max_ties"] = { x in x[0].max(alongAxis: 1) }
        c["min_ties"] = { x in x[0].min(alongAxis: 0) }
        c["max_all_ties"] = { x in x[0].max() }
        c["where_zero_condition"] = { x in Tensor.where(x[0], x[1], x[2]) }
        // NaN propagates (value and gradient as PyTorch).
        c["max_nan_all"] = { x in x[0].max() }
        c["max_nan_twice"] = { x in x[0].max() }
        c["min_nan_all"] = { x in x[0].min() }
        c["max_nan_axis"] = { x in x[0].max(alongAxis: 1) }
        c["min_nan_axis"] = { x in x[0].min(alongAxis: 0) }
        c["maximum_nan"] = { x in Tensor.maximum(x[0], x[1]) }
        c["minimum_nan"] = { x in Tensor.minimum(x[0], x[1]) }
        c["clamped_nan"] = c["clamped"]
        c["softmax_nan"] = c["softmax_edge"]
        c["logSumExp_nan"] = c["logSumExp_edge"]
        // Masked rows.
        c["softmax_masked"] = c["softmax_edge"]
        c["logSoftmax_masked"] = c["logSoftmax_edge"]
        c["logSumExp_masked"] = c["logSumExp_edge"]
        // Views with an offset.
        c["offset_exp"] = { x in x[0][1..<3].exp() }
        c["offset_add"] = { x in x[0][1..<3] + x[1][2] }
        c["offset_matmul"] = { x in x[0][1..<4].matmul(x[1][1..<4]) }
        c["offset_batched_matmul"] = { x in x[0][1..<3].matmul(x[1][1]) }
        c["offset_sum"] = { x in x[0][1..<3].sum(alongAxis: 0) }
        c["offset_softmax"] = { x in x[0][1].softmax(alongAxis: 0) }
        // Dense grids.
        c["exp_grid"] = c["exp"]
        c["log_grid"] = c["log"]
        c["log_grid_near1"] = c["log"]
        c["tanh_grid"] = c["tanh"]
        c["sigmoid_grid"] = c["sigmoid"]
        c["gelu_grid"] = c["gelu"]

        // MARK: Reductions.
        for keep in [false, true] {
            let k = keep ? "_keep" : ""
            c["sum_axis1\(k)"] = { x in x[0].sum(alongAxis: 1, keepDims: keep) }
            c["sum_axes02\(k)"] = { x in x[0].sum(alongAxes: [0, 2], keepDims: keep) }
            c["mean_axis_neg1\(k)"] = { x in x[0].mean(alongAxis: -1, keepDims: keep) }
            c["mean_axes01\(k)"] = { x in x[0].mean(alongAxes: [0, 1], keepDims: keep) }
            c["max_axis1\(k)"] = { x in x[0].max(alongAxis: 1, keepDims: keep) }
            c["max_axes12\(k)"] = { x in x[0].max(alongAxes: [1, 2], keepDims: keep) }
            c["min_axis0\(k)"] = { x in x[0].min(alongAxis: 0, keepDims: keep) }
            c["min_axes02\(k)"] = { x in x[0].min(alongAxes: [0, 2], keepDims: keep) }
            c["var_axis1\(k)"] = { x in x[0].variance(alongAxis: 1, keepDims: keep) }
            c["var_axes02\(k)"] = { x in x[0].variance(alongAxes: [0, 2], keepDims: keep) }
            c["var_biased_axis2\(k)"] = { x in x[0].variance(alongAxis: 2, keepDims: keep, unbiased: false) }
        }
        c["sum_all"] = { x in x[0].sum() }
        c["mean_all"] = { x in x[0].mean() }
        c["max_all"] = { x in x[0].max() }
        c["min_all"] = { x in x[0].min() }
        c["var_all"] = { x in x[0].variance(alongAxes: []) }
        c["sum_permuted"] = { x in x[0].permuted([1, 2, 0]).sum(alongAxis: 1) }
        c["max_sliced"] = { x in x[0].sliced(alongAxis: 1, 0..<6, step: 2).max(alongAxis: 0) }
        c["mean_expanded"] = { x in x[0].expanded(to: [3, 4, 5]).mean(alongAxis: 0) }
        c["var_transposed"] = { x in x[0].transposed().variance(alongAxis: 0) }
        for axis in [0, 1, 2, -1] {
            c["softmax_axis\(axis)"] = { x in x[0].softmax(alongAxis: axis) }
            c["logSoftmax_axis\(axis)"] = { x in x[0].logSoftmax(alongAxis: axis) }
            c["logSumExp_axis\(axis)"] = { x in x[0].logSumExp(alongAxis: axis) }
        }
        c["logSumExp_axes12_keep"] = { x in x[0].logSumExp(alongAxes: [1, 2], keepDims: true) }
        c["logSumExp_axis0_keep"] = { x in x[0].logSumExp(alongAxis: 0, keepDims: true) }
        c["softmax_transposed"] = { x in x[0].transposed().softmax(alongAxis: -1) }
        c["logSoftmax_large"] = { x in (10 * x[0]).logSoftmax(alongAxis: 1) }

        // MARK: Matrix products.
        for shapes in ["1d_1d", "2d_1d", "1d_2d", "2d", "3d", "3d_2d", "2d_3d", "1d_3d", "3d_1d", "4d_broadcast",
                       "4d_broadcast_both", "column", "row_times_column"] {
            c["matmul_\(shapes)"] = { x in x[0].matmul(x[1]) }
        }
        c["matmul_at"] = { x in x[0].transposed().matmul(x[1]) }
        c["matmul_bt"] = { x in x[0].matmul(x[1].transposed()) }
        c["matmul_at_bt"] = { x in x[0].transposed().matmul(x[1].transposed()) }
        c["matmul_batched_t"] = { x in x[0].transposed(1, 2).matmul(x[1].transposed(1, 2)) }
        c["matmul_3d_bt"] = { x in x[0].matmul(x[1].transposed()) }
        c["matmul_permuted_batch"] = { x in x[0].permuted([1, 0, 2]).matmul(x[1]) }
        c["matmul_expanded_batch"] = { x in x[0].expanded(to: [2, 3, 4]).matmul(x[1]) }
        c["matmul_sliced"] = { x in x[0].sliced(alongAxis: 1, 0..<8, step: 2).matmul(x[1][1..<5]) }

        // MARK: Views.
        c["reshaped"] = { x in x[0].reshaped(to: [2, 6]) }
        c["reshaped_infer"] = { x in x[0].reshaped(to: [4, -1]) }
        c["reshaped_transposed"] = { x in x[0].transposed().reshaped(to: [12]) }
        c["reshaped_unit_dims"] = { x in x[0].transposed().reshaped(to: [4, 1, 3, 1]) }
        c["flattened"] = { x in x[0].flattened(from: 1) }
        c["flattened_all"] = { x in x[0].flattened() }
        c["permuted"] = { x in x[0].permuted([2, 0, 1]) }
        c["permuted_twice"] = { x in x[0].permuted([2, 0, 1]).permuted([0, 2, 1]) * 2 }
        c["transposed"] = { x in x[0].transposed() }
        c["transposed_02"] = { x in x[0].transposed(0, 2) }
        c["expanded"] = { x in x[0].expanded(to: [2, 3, 4]) }
        c["expanded_row"] = { x in x[0].expanded(to: [3, 4]) }
        c["squeezed"] = { x in x[0].squeezed() }
        c["squeezed_axis"] = { x in x[0].squeezed(axis: 1) }
        c["unsqueezed_0"] = { x in x[0].unsqueezed(at: 0) }
        c["unsqueezed_neg1"] = { x in x[0].unsqueezed(at: -1) }
        c["sliced_rows"] = { x in x[0][1..<3] }
        c["sliced_step"] = { x in x[0].sliced(alongAxis: 1, 1..<6, step: 2) }
        c["sliced_step_transposed"] = { x in x[0].transposed()[.range(0..<7, step: 3)] }
        c["subscript_index"] = { x in x[0][1] }
        c["subscript_negative"] = { x in x[0][-1] }
        c["subscript_column"] = { x in x[0][.all, 2] }
        c["subscript_ranges"] = { x in x[0][.range(0..<4, step: 2), .range(1..<5, step: 3)] }
        c["subscript_mixed"] = { x in x[0][1, .all, .range(0..<3, step: 2)] }
        c["contiguous"] = { x in x[0].transposed().contiguous() }
        c["contiguous_sliced"] = { x in
            x[0].sliced(alongAxis: 1, 0..<8, step: 2).contiguous() * x[0].sliced(alongAxis: 1, 1..<8, step: 2)
        }

        // MARK: Joining, splitting, picking, padding.
        c["concatenated_0"] = { x in Tensor.concatenated([x[0], x[1]], alongAxis: 0) }
        c["concatenated_1"] = { x in Tensor.concatenated([x[0], x[1], x[2]], alongAxis: 1) }
        c["concatenated_neg1_views"] = { x in
            Tensor.concatenated([x[0].transposed(), x[1].sliced(alongAxis: 1, 0..<6, step: 2)], alongAxis: -1)
        }
        c["concatenated_same_twice"] = { x in Tensor.concatenated([x[0], x[0] * 2], alongAxis: 0) }
        c["stacked_0"] = { x in Tensor.stacked([x[0], x[1], x[2]], alongAxis: 0) }
        c["stacked_1"] = { x in Tensor.stacked([x[0], x[1]], alongAxis: 1) }
        c["stacked_neg1"] = { x in Tensor.stacked([x[0], x[1]], alongAxis: -1) }
        c["split_size"] = { x in
            let p = x[0].split(size: 2, alongAxis: 0)
            return p[0] + 2 * p[1] + 3 * p[2]
        }
        c["split_sizes"] = { x in
            let p = x[0].split(sizes: [2, 3], alongAxis: 1)
            return p[0].sum(alongAxis: 1, keepDims: true) * p[1]
        }
        c["split_uneven"] = { x in
            let p = x[0].split(size: 2, alongAxis: 0)
            return Tensor.concatenated([p[2], p[0]], alongAxis: 0)
        }
        c["indexSelect_0"] = { x in x[0].indexSelect(alongAxis: 0, indices: [2, 0, 2, 3]) }
        c["indexSelect_1"] = { x in x[0].indexSelect(alongAxis: 1, indices: [1, 1, 0]) }
        c["indexSelect_neg1"] = { x in x[0].indexSelect(alongAxis: -1, indices: Tensor([3, 0, 3, 3, 1])) }
        c["gathering_1"] = { x in x[0].gathering(alongAxis: 1, indices: Tensor([[0, 0], [3, 1], [2, 2]])) }
        c["gathering_0"] = { x in x[0].gathering(alongAxis: 0, indices: Tensor([[2, 1, 0, 0], [1, 1, 2, 2]])) }
        c["gathering_3d"] = { x in
            x[0].gathering(alongAxis: 2, indices: Tensor([[[0, 3, 3], [1, 1, 2]], [[2, 0, 0], [3, 3, 3]]]))
        }
        c["padded"] = { x in x[0].padded([(1, 2), (0, 1)]) }
        c["padded_last_value"] = { x in x[0].padded([(2, 1)], value: -1.5) }
        c["padded_transposed"] = { x in x[0].transposed().padded([(0, 0), (1, 1)]) }

        // MARK: Compositions.
        c["mlp"] = { x in (x[0].matmul(x[1]) + x[2]).tanh().matmul(x[3]).logSoftmax(alongAxis: -1) }
        c["same_input_twice"] = { x in x[0] * x[0] + x[0].exp() * x[0].sin() }
        c["normalize"] = { x in
            (x[0] - x[0].mean(alongAxis: -1, keepDims: true))
                / (x[0].variance(alongAxis: -1, keepDims: true, unbiased: false) + 1e-5).sqrt()
        }
        return c
    }()

    /// The fixture file, loaded once.
    static let fixture: Fixture = {
        do { return try Fixture.load("ops") } catch { fatalError("Fixtures/ops.json: \(error)") }
    }()

    /// Names of the fixture's op cases (every case but the two-step network), sorted.
    static let names: [String] = fixture.cases.keys.filter { $0 != "two_steps" }.sorted()

    /// Names of the cases whose inputs are fit for finite differences (no edge values).
    static let gradcheckNames: [String] = names.filter { fixture.case($0).bool("gradcheck") }
}

extension FixtureCase {
    /// The named array as a tensor; the strings "inf", "-inf" and "nan" stand for non-finite values.
    func anyTensor(_ key: String) -> Tensor {
        guard let entry = values[key] as? [String: Any], let shape = entry["shape"] as? [Int],
              let data = entry["data"] as? [Any] else {
            fatalError("fixture \(name): no array \(key)")
        }
        let scalars: [Float] = data.map { v in
            switch v {
            case let n as NSNumber: return n.floatValue
            case "inf" as String: return .infinity
            case "-inf" as String: return -.infinity
            case "nan" as String: return .nan
            default: fatalError("fixture \(name): bad value \(v) in \(key)")
            }
        }
        return Tensor(scalars, shape: shape)
    }

    /// The inputs x0, x1, … in order.
    var inputs: [Tensor] {
        var result: [Tensor] = []
        while has("x\(result.count)") { result.append(anyTensor("x\(result.count)")) }
        return result
    }
}

/// Agreement of two tensors: the worst ratio |a − e| / (atol + rtol·|e|) (≤ 1 passes; equal infinities and
/// NaN against NaN agree), and, for the report, the worst relative error where |e| ≥ 0.1 (smaller values
/// are mostly sums that cancel, judged by atol) and the worst absolute error.
struct Agreement {
    var ratio: Float = 0
    var element = 0
    var relative: Float = 0
    var absolute: Float = 0

    init(_ actual: Tensor, _ expected: Tensor, rtol: Float, atol: Float) {
        let a = actual.scalars, e = expected.scalars
        for i in e.indices {
            if a[i] == e[i] || (a[i].isNaN && e[i].isNaN) { continue }
            let diff = Swift.abs(a[i] - e[i])
            let r = diff / (atol + rtol * Swift.abs(e[i]))
            if !(r <= ratio) { ratio = r.isNaN ? .infinity : r; element = i }
            if Swift.abs(e[i]) >= 0.1 { relative = Swift.max(relative, diff / Swift.abs(e[i])) }
            absolute = Swift.max(absolute, diff.isNaN ? .infinity : diff)
        }
    }
}
