import Testing
@testable import DeepLearning

/// `print(model)` shows what PyTorch's `repr(model)` shows (Scripts/fixtures/repr.py, PyTorch 2.13), and
/// `summary(model, inputShape:)` tabulates any model's layers.
@Suite struct ModuleReprTests {
    static let fixture = try! Fixture.load("repr")

    final class Net: Module, Layer {
        let conv1 = Conv2d(1, 6, kernelSize: 5, padding: 2)
        let features = Sequential(BatchNorm2d(6), ReLU(), MaxPool2d(kernelSize: 2), Dropout2d(0.1))
        let pool = AdaptiveAvgPool2d(1)
        let fc = Linear(6, 10, bias: false)
        func callAsFunction(_ x: Tensor) -> Tensor { fc(pool(features(conv1(x))).flattened(from: 1)) }
    }

    @Test func printShowsPyTorchsRepr() {
        let models: [(String, Module)] = [
            ("linear", Linear(784, 256)),
            ("conv", Conv2d(4, 8, kernelSize: (3, 1), stride: (2, 2), dilation: (2, 2), groups: 2, bias: false)),
            ("maxpool", MaxPool2d(kernelSize: (2, 3), stride: (1, 1), padding: (1, 1))),
            ("avgpool", AvgPool2d(kernelSize: 2)),
            ("adaptive", AdaptiveAvgPool2d(outputSize: (2, 3))),
            ("batchnorm1d", BatchNorm1d(6, momentum: nil, affine: false)),
            ("dropout", Dropout(0.25)),
            ("embedding", Embedding(65, 32, paddingIdx: 0)),
            ("activations", Sequential(LeakyReLU(), Softmax(dim: 1), Flatten(), GELU(), Sigmoid(), Tanh())),
            ("conv_transpose", ConvTranspose2d(4, 2, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1)),
            ("conv_transpose_groups", ConvTranspose2d(4, 2, kernelSize: (3, 2), groups: 2, bias: false, dilation: (2, 2))),
            ("layer_norm", LayerNorm(8)),
            ("layer_norm_2d", LayerNorm([4, 8], eps: 1e-6, elementwiseAffine: false)),
            ("upsample", Upsample(scaleFactor: 2)),
            ("upsample_size", Upsample(size: (4, 6), mode: .bilinear, alignCorners: true)),
            ("upsample_factors", Upsample(scaleFactor: (2.0, 3.0), mode: .bilinear)),
            ("rnn", RNN(3, 4, nonlinearity: .relu)),
            ("lstm", LSTM(32, 64, numLayers: 2, batchFirst: true, dropout: 0.1, bidirectional: true)),
            ("gru_cell", GRUCell(10, 20)),
            ("rnn_cell", RNNCell(3, 4, bias: false, nonlinearity: .relu)),
            ("mlp", Sequential(Linear(784, 256), ReLU(), Dropout(0.5), Sequential(Linear(256, 10)))),
            ("net", Net()),
        ]
        for (key, model) in models {
            let expected = Self.fixture.case(key).string("repr")
            #expect("\(model)" == expected, "\(key)")
        }
    }

    /// A model that is not a Sequential: every layer it calls, with its dotted name, output shape and
    /// parameters; totals and memory from the model.
    @Test func summaryOfAnyModel() {
        let net = Net()
        net.train()
        let s = summary(net, inputShape: [2, 1, 8, 8])
        #expect(s.rows.map(\.name) == ["conv1", "features.0", "features.1", "features.2", "features.3", "pool", "fc"])
        #expect(s.rows.map(\.type) == ["Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d", "Dropout2d", "AdaptiveAvgPool2d", "Linear"])
        #expect(s.rows.map(\.outputShape) == [[2, 6, 8, 8], [2, 6, 8, 8], [2, 6, 8, 8], [2, 6, 4, 4], [2, 6, 4, 4], [2, 6, 1, 1], [2, 10]])
        #expect(s.rows.map(\.parameters) == [156, 12, 0, 0, 0, 0, 60])
        #expect(s.totalParameters == 228 && s.trainableParameters == 228)
        #expect(s.parameterBytes == (228 + 6 + 6 + 1) * 4, "parameters and batch-norm buffers")
        #expect(s.activationBytes == 4 * (3 * 768 + 2 * 192 + 12 + 20))
        #expect(net.isTraining, "summary restores the training mode")
        let text = "\(s)"
        #expect(text.contains("features.2 (MaxPool2d)") && text.contains("Total params: 228"))
        // A layer whose forward pass returns more than a tensor.
        let lstm = LSTM(3, 5, numLayers: 2)
        let recurrent = summary(lstm, inputShape: [7, 2, 3]) { lstm($0) }
        #expect(recurrent.rows.map(\.outputShape) == [[7, 2, 5]] && recurrent.rows.map(\.type) == ["LSTM"])
        #expect(recurrent.totalParameters == lstm.parameterCount)
    }
}
