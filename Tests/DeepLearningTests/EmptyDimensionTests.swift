import Foundation
import Testing
import ErrorExamples
@testable import DeepLearning

/// Ops and layers on tensors with a dimension of size 0 (a batch of 0, 0 features, a sequence of length 0, a
/// reduction over an empty axis) give PyTorch's result, or stop with a message naming the op where PyTorch
/// refuses the input (issue 11, item 3). The table is Fixtures/empty_dims.json, written by
/// Scripts/fixtures/empty_dims.py from PyTorch 2.13: each case is a result (with the gradients of its sum), an
/// error (our message is ErrorExample "empty-<case>", run here as an exit test), or a constructor's parameters.
@Suite struct EmptyDimensionTests {
    static let fixture = try! Fixture.load("empty_dims")

    /// ((i mod 7) − 3)/4 for i = 0, 1, …: the inputs of Scripts/fixtures/empty_dims.py, exact in float32.
    static func seq(_ shape: [Int]) -> Tensor {
        let count = shape.reduce(1, *)
        return Tensor((0..<count).map { Float($0 % 7 - 3) / 4 }, shape: shape)
    }

    /// Leaves that require grad, by name, as the script's `Inputs`.
    final class Inputs {
        var leaves: [String: Tensor] = [:]
        func callAsFunction(_ name: String, _ shape: Int...) -> Tensor {
            let t = seq(shape).requiringGrad()
            leaves[name] = t
            return t
        }
    }

    /// Class indices of a batch of 0.
    static let noTargets = Tensor.zeros([0])

    /// Our side of each case PyTorch gives a result for: the output(s), first output first.
    static let values: [String: (Inputs) -> [Tensor]] = [
        "linear_k0": { t in [linear(t("x", 2, 0), weight: t("w", 3, 0), bias: Tensor([1, 2, 3]))] },
        "linear_k0_bias_grad": { t in [linear(t("x", 2, 0), weight: t("w", 3, 0), bias: t("b", 3))] },
        "linear_batch0": { t in [linear(t("x", 0, 4), weight: t("w", 3, 4), bias: t("b", 3))] },
        "linear_out0": { t in [linear(t("x", 2, 4), weight: t("w", 0, 4), bias: t("b", 0))] },
        "matmul_2d_k0": { t in [t("a", 2, 0).matmul(t("b", 0, 3))] },
        "matmul_2d_m0": { t in [t("a", 0, 4).matmul(t("b", 4, 3))] },
        "matmul_2d_n0": { t in [t("a", 2, 4).matmul(t("b", 4, 0))] },
        "matmul_1d_k0": { t in [t("a", 0).matmul(t("b", 0))] },
        "matmul_1d_2d_k0": { t in [t("a", 0).matmul(t("b", 0, 3))] },
        "matmul_2d_1d_k0": { t in [t("a", 2, 0).matmul(t("b", 0))] },
        "matmul_2d_1d_m0": { t in [t("a", 0, 3).matmul(t("b", 3))] },
        "matmul_batched_k0": { t in [t("a", 2, 3, 0).matmul(t("b", 2, 0, 4))] },
        "matmul_batched_batch0": { t in [t("a", 0, 3, 4).matmul(t("b", 0, 4, 5))] },
        "matmul_batched_m0": { t in [t("a", 2, 0, 4).matmul(t("b", 2, 4, 5))] },
        "matmul_broadcast_k0": { t in [t("a", 2, 3, 0).matmul(t("b", 0, 4))] },
        "matmul_broadcast_batch0": { t in [t("a", 0, 3, 4).matmul(t("b", 4, 5))] },

        "conv2d_in_channels0": { t in [conv2d(t("x", 2, 0, 5, 5), weight: t("w", 4, 0, 3, 3), bias: t("b", 4))] },
        "conv2d_batch0": { t in [conv2d(t("x", 0, 3, 5, 5), weight: t("w", 4, 3, 3, 3), bias: t("b", 4), padding: 1)] },
        "conv_transpose2d_batch0": { t in [convTranspose2d(t("x", 0, 3, 3, 3), weight: t("w", 3, 4, 3, 3), bias: t("b", 4))] },
        "max_pool2d_batch0": { t in [maxPool2d(t("x", 0, 3, 4, 4), kernelSize: 2)] },
        "avg_pool2d_batch0": { t in [avgPool2d(t("x", 0, 3, 4, 4), kernelSize: 2)] },
        "adaptive_avg_pool2d_batch0": { t in [adaptiveAvgPool2d(t("x", 0, 3, 4, 4), outputSize: 2)] },

        "sum_all_empty": { t in [t("x", 0, 3).sum()] },
        "sum_axis0_empty": { t in [t("x", 0, 3).sum(alongAxis: 0)] },
        "sum_axis1_rows0": { t in [t("x", 0, 3).sum(alongAxis: 1)] },
        "sum_middle_empty": { t in [t("x", 2, 0, 3).sum(alongAxis: 1)] },
        "mean_all_empty": { t in [t("x", 0, 3).mean()] },
        "mean_axis0_empty": { t in [t("x", 0, 3).mean(alongAxis: 0)] },
        "mean_axis1_rows0": { t in [t("x", 0, 3).mean(alongAxis: 1)] },
        "var_all_empty": { t in [t("x", 0, 3).variance(alongAxes: [])] },
        "var_axis0_empty": { t in [t("x", 0, 3).variance(alongAxis: 0)] },
        "var_axis0_one_row": { t in [t("x", 1, 3).variance(alongAxis: 0)] },
        "std_all_empty": { t in [t("x", 0, 3).std()] },
        "std_axis0_empty": { t in [t("x", 0, 3).std(alongAxis: 0)] },
        "std_axis1_rows0": { t in [t("x", 0, 3).std(alongAxis: 1)] },
        "max_axis1_rows0": { t in [t("x", 0, 3).max(alongAxis: 1)] },
        "min_axis1_rows0": { t in [t("x", 0, 3).min(alongAxis: 1)] },
        "argmax_axis1_rows0": { t in [t("x", 0, 3).argmax(alongAxis: 1)] },
        "argmin_axis1_rows0": { t in [t("x", 0, 3).argmin(alongAxis: 1)] },
        "logsumexp_axis0_empty": { t in [t("x", 0, 3).logSumExp(alongAxis: 0)] },
        "logsumexp_axis1_rows0": { t in [t("x", 0, 3).logSumExp(alongAxis: 1)] },
        "softmax_rows0": { t in [t("x", 0, 3).softmax()] },
        "softmax_axis_empty": { t in [t("x", 3, 0).softmax()] },
        "log_softmax_rows0": { t in [t("x", 0, 3).logSoftmax()] },
        "log_softmax_axis_empty": { t in [t("x", 3, 0).logSoftmax()] },

        "add_broadcast_rows0": { t in [t("a", 0, 3) + t("b", 3)] },
        "mul_broadcast_columns0": { t in [t("a", 2, 0) * t("b", 2, 1)] },
        "relu_empty": { t in [t("x", 2, 0).relu()] },
        "exp_empty": { t in [t("x", 0).exp()] },
        "cat_with_empty_piece": { t in [Tensor.concatenated([t("a", 2, 3), t("b", 0, 3), t("c", 1, 3)])] },
        "cat_all_empty": { t in [Tensor.concatenated([t("a", 0, 3), t("b", 0, 3)])] },
        "cat_axis1_empty_piece": { t in [Tensor.concatenated([t("a", 2, 0), t("b", 2, 3)], alongAxis: 1)] },
        "stack_empty_pieces": { t in [Tensor.stacked([t("a", 0, 3), t("b", 0, 3)], alongAxis: 1)] },
        "split_empty_axis": { t in t("x", 0, 3).split(size: 2) },
        "split_sizes_with_zero": { t in t("x", 3, 2).split(sizes: [0, 2, 1]) },
        "index_select_no_indices": { t in [t("x", 3, 2).indexSelect(alongAxis: 0, indices: Tensor.zeros([0]))] },
        "index_select_rows0": { t in [t("x", 0, 3).indexSelect(alongAxis: 1, indices: Tensor([0, 2]))] },
        "gather_no_indices": { t in [t("x", 2, 3).gathering(alongAxis: 1, indices: Tensor.zeros([2, 0]))] },
        "gather_rows0": { t in [t("x", 0, 3).gathering(alongAxis: 1, indices: Tensor.zeros([0, 2]))] },
        "embedding_no_indices": { t in [embedding(Tensor.zeros([0]), weight: t("w", 4, 2))] },
        "embedding_batch_of_empty": { t in [embedding(Tensor.zeros([2, 0]), weight: t("w", 4, 2))] },
        "embedding_dim0": { t in [embedding(Tensor([1, 2]), weight: t("w", 4, 0))] },

        "mse_batch0_mean": { t in [mseLoss(t("x", 0, 3), seq([0, 3]))] },
        "mse_batch0_sum": { t in [mseLoss(t("x", 0, 3), seq([0, 3]), reduction: .sum)] },
        "mse_batch0_none": { t in [mseLoss(t("x", 0, 3), seq([0, 3]), reduction: .none)] },
        "cross_entropy_batch0_mean": { t in [crossEntropy(t("x", 0, 3), noTargets)] },
        "cross_entropy_batch0_sum": { t in [crossEntropy(t("x", 0, 3), noTargets, reduction: .sum)] },
        "cross_entropy_batch0_none": { t in [crossEntropy(t("x", 0, 3), noTargets, reduction: .none)] },
        "cross_entropy_batch0_smoothing": { t in [crossEntropy(t("x", 0, 3), noTargets, labelSmoothing: 0.1)] },
        "nll_batch0_mean": { t in [nllLoss(t("x", 0, 3), noTargets)] },
        "nll_batch0_sum": { t in [nllLoss(t("x", 0, 3), noTargets, reduction: .sum)] },
        "bce_batch0_mean": { t in [binaryCrossEntropy(t("x", 0).sigmoid(), seq([0]))] },
        "bce_batch0_sum": { t in [binaryCrossEntropy(t("x", 0).sigmoid(), seq([0]), reduction: .sum)] },
        "bce_with_logits_batch0_mean": { t in [binaryCrossEntropyWithLogits(t("x", 0, 2), seq([0, 2]))] },
        "huber_batch0_mean": { t in [huberLoss(t("x", 0, 3), seq([0, 3]))] },
        "huber_batch0_sum": { t in [huberLoss(t("x", 0, 3), seq([0, 3]), reduction: .sum)] },
        "focal_batch0_mean": { t in [focalLoss(t("x", 0, 3), noTargets)] },
        "focal_batch0_sum": { t in [focalLoss(t("x", 0, 3), noTargets, reduction: .sum)] },

        "batch_norm_train_batch0": { t in
            let mean = seq([3]), variance = seq([3]).abs() + 1
            return [batchNorm(t("x", 0, 3), runningMean: mean, runningVar: variance, training: true), mean, variance]
        },
        "batch_norm_eval_batch0": { t in
            [batchNorm(t("x", 0, 3), runningMean: seq([3]), runningVar: seq([3]).abs() + 1, weight: t("w", 3),
                       bias: t("b", 3), training: false)]
        },
        "batch_norm2d_train_channels0": { t in
            [batchNorm(t("x", 2, 0, 3, 3), runningMean: Tensor.zeros([0]), runningVar: Tensor.ones([0]), training: true)]
        },
        "batch_norm2d_train_batch0": { t in
            [batchNorm(t("x", 0, 2, 3, 3), runningMean: Tensor.zeros([2]), runningVar: Tensor.ones([2]), training: true)]
        },
        "layer_norm_batch0": { t in [layerNorm(t("x", 0, 4), normalizedShape: [4], weight: t("w", 4), bias: t("b", 4))] },
        "layer_norm_features0": { t in [layerNorm(t("x", 2, 0), normalizedShape: [0])] },

        "sdpa_query0": { t in [scaledDotProductAttention(t("q", 2, 0, 4), t("k", 2, 3, 4), t("v", 2, 3, 5))] },
        "sdpa_key0": { t in [scaledDotProductAttention(t("q", 2, 3, 4), t("k", 2, 0, 4), t("v", 2, 0, 5))] },
        "sdpa_batch0": { t in [scaledDotProductAttention(t("q", 0, 3, 4), t("k", 0, 3, 4), t("v", 0, 3, 5))] },

        "rnn_batch0": { t in let (y, h) = RNN(3, 4)(t("x", 5, 0, 3)); return [y, h] },
        "lstm_batch0": { t in let (y, s) = LSTM(3, 4)(t("x", 5, 0, 3)); return [y, s.h, s.c] },
        "gru_batch0": { t in let (y, h) = GRU(3, 4)(t("x", 5, 0, 3)); return [y, h] },
    ]

    /// Our side of each constructor case: the layer, and its forward pass where the fixture has one.
    static let constructors: [String: (make: () -> Module, forward: ((Module) -> Tensor)?)] = [
        "Linear_in0": ({ Linear(0, 3) }, { ($0 as! Linear)(Tensor.zeros([2, 0])) }),
        "Linear_out0": ({ Linear(4, 0) }, { ($0 as! Linear)(Tensor.zeros([2, 4])) }),
        "Conv2d_in0": ({ Conv2d(0, 4, kernelSize: (3, 3)) }, { ($0 as! Conv2d)(Tensor.zeros([1, 0, 5, 5])) }),
        "Conv2d_out0": ({ Conv2d(3, 0, kernelSize: (3, 3)) }, nil),
        "ConvTranspose2d_in0": ({ ConvTranspose2d(0, 4, kernelSize: (3, 3)) }, nil),
        "Embedding_rows0": ({ Embedding(0, 3) }, { ($0 as! Embedding)(Tensor.zeros([0])) }),
        "Embedding_dim0": ({ Embedding(4, 0) }, { ($0 as! Embedding)(Tensor([1, 3])) }),
        "LayerNorm_features0": ({ LayerNorm([0]) }, { ($0 as! LayerNorm)(Tensor.zeros([2, 0])) }),
        "BatchNorm1d_features0": ({ BatchNorm1d(0) }, nil),
    ]

    /// The fixture's cases of each kind.
    static let valueNames = names { ($0.contains("out") || $0.contains("outs")) && !$0.contains("params") }
    static let constructorNames = names { $0.contains("params") }
    static let errorNames = names { $0.contains("error") }

    /// The fixture's cases whose keys satisfy `include`, sorted.
    static func names(_ include: (Set<String>) -> Bool) -> [String] {
        fixture.cases.filter { include(Set($0.value.keys)) }.keys.sorted()
    }

    /// A fixture array, or a list of them.
    static func tensor(_ entry: Any?, _ what: String) -> Tensor {
        guard let entry = entry as? [String: Any] else { fatalError("\(what): not an array") }
        return FixtureCase(name: what, values: ["t": entry]).anyTensor("t")
    }

    /// Every case of the fixture has our side, and every case of ours is in the fixture.
    @Test func tableIsComplete() {
        let errorExamples = Set(ErrorExample.emptyDimensions.map(\.name))
        #expect(Set(Self.valueNames) == Set(Self.values.keys))
        #expect(Set(Self.constructorNames) == Set(Self.constructors.keys))
        #expect(Set(Self.errorNames.map { "empty-" + $0 }) == errorExamples)
        #expect(Set(Self.fixture.cases.keys) == Set(Self.valueNames + Self.constructorNames + Self.errorNames + ["dataloader_empty"]))
    }

    @Test(arguments: valueNames)
    func value(_ name: String) {
        let c = Self.fixture.case(name)
        let inputs = Inputs()
        let outputs = Self.values[name]!(inputs)
        let expected = c.has("out") ? [Self.tensor(c.values["out"], name)]
            : (c.values["outs"] as! [Any]).map { Self.tensor($0, name) }
        #expect(outputs.count == expected.count, "\(name): \(outputs.count) outputs, expected \(expected.count)")
        for (i, (actual, wanted)) in zip(outputs, expected).enumerated() {
            expectExactly(actual, wanted, "\(name) output \(i)")
        }
        guard let grads = c.values["grads"] as? [String: Any] else { return }
        // An output that holds no graph (PyTorch's empty result of a convolution over no channels) sends no
        // gradient: every input's is then zeros.
        if outputs[0].requiresGrad { outputs[0].sum().backward() }
        for (input, entry) in grads {
            let leaf = inputs.leaves[input]!
            expectExactly(leaf.grad ?? Tensor.zeros(leaf.shape), Self.tensor(entry, name), "\(name) gradient of \(input)")
        }
    }

    /// Shapes equal and values equal, NaN where PyTorch has NaN (the fixture's values are exact here).
    func expectExactly(_ actual: Tensor, _ expected: Tensor, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard actual.shape == expected.shape else {
            Issue.record("\(what): shape \(actual.shape), expected \(expected.shape)", sourceLocation: sourceLocation)
            return
        }
        for (i, (a, e)) in zip(actual.scalars, expected.scalars).enumerated() where !(a == e || (a.isNaN && e.isNaN)) {
            Issue.record("\(what): element \(i) is \(a), expected \(e)", sourceLocation: sourceLocation)
            return
        }
    }

    /// A layer built with a size of 0 has PyTorch's parameter shapes, no NaN, zeros where PyTorch's
    /// initialisation gives zeros (a bias whose fan-in is 0), and PyTorch's forward result.
    @Test(arguments: constructorNames)
    func constructor(_ name: String) {
        let c = Self.fixture.case(name)
        let (make, forward) = Self.constructors[name]!
        let module = make()
        let state = Dictionary(uniqueKeysWithValues: module.namedState())
        let params = c.values["params"] as! [String: [String: Any]]
        for (key, expected) in params {
            guard let p = state[key] else { Issue.record("\(name): no \(key)"); continue }
            #expect(p.shape == (expected["shape"] as! [Int]), "\(name).\(key)")
            let finite = p.scalars.allSatisfy { $0.isFinite }, zeros = p.scalars.allSatisfy { $0 == 0 }
            #expect(finite, "\(name).\(key): \(p)")
            if expected["zero"] as! Bool { #expect(zeros, "\(name).\(key): \(p)") }
        }
        #expect(Set(state.keys.filter { !$0.hasSuffix("num_batches_tracked") }) == Set(params.keys), "\(name)")
        if c.has("out") {
            expectExactly(forward!(module), Self.tensor(c.values["out"], name), "\(name) forward")
        }
    }

    /// Where PyTorch refuses the input, we stop with a message naming the op (a child process per case).
    @Test(arguments: errorNames)
    func error(_ name: String) async {
        let example = ErrorExample.named("empty-" + name)!
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { [name] in
            ErrorExample.named("empty-" + name)!.trigger()
        }
        ShapeErrorTests.expectMessage(result, example.message)
    }

    /// A DataLoader over an empty dataset yields no batch, as PyTorch's.
    @Test func dataLoaderOverEmptyDataset() {
        let loader = DataLoader(TensorDataset(inputs: Tensor.zeros([0, 3]), labels: Tensor.zeros([0])), batchSize: 4)
        #expect(Array(loader).count == Self.fixture.case("dataloader_empty").int("batches"))
        #expect(loader.count == 0)
    }
}
