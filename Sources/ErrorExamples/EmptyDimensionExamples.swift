import DeepLearning

extension ErrorExample {
    /// Inputs with a dimension of size 0 that PyTorch refuses, and our message for each: the error cases of
    /// Tests/DeepLearningTests/Fixtures/empty_dims.json (written by Scripts/fixtures/empty_dims.py), named
    /// "empty-<case>" and run by EmptyDimensionTests.
    public static let emptyDimensions: [ErrorExample] = [
        ErrorExample("empty-conv2d_out_channels0", "conv2d: weight of shape [0, 3, 3, 3] has no output channels") {
            _ = conv2d(Tensor.zeros([2, 3, 5, 5]), weight: Tensor.zeros([0, 3, 3, 3]), bias: Tensor.zeros([0]))
        },
        ErrorExample("empty-conv2d_height0",
                     "conv2d: input of shape [1, 3, 0, 5] with padding (1, 1) is smaller than the kernel [3, 3] with dilation (1, 1)") {
            _ = conv2d(Tensor.zeros([1, 3, 0, 5]), weight: Tensor.zeros([4, 3, 3, 3]), padding: 1)
        },
        ErrorExample("empty-conv2d_kernel_larger",
                     "conv2d: input of shape [1, 3, 2, 5] with padding (0, 0) is smaller than the kernel [3, 3] with dilation (1, 1)") {
            _ = conv2d(Tensor.zeros([1, 3, 2, 5]), weight: Tensor.zeros([4, 3, 3, 3]))
        },
        ErrorExample("empty-conv_transpose2d_in_channels0", "convTranspose2d: weight of shape [0, 4, 3, 3] has no input channels") {
            _ = convTranspose2d(Tensor.zeros([2, 0, 3, 3]), weight: Tensor.zeros([0, 4, 3, 3]), bias: Tensor.zeros([4]))
        },
        ErrorExample("empty-conv_transpose2d_out_channels0", "convTranspose2d: weight of shape [3, 0, 3, 3] has no output channels") {
            _ = convTranspose2d(Tensor.zeros([2, 3, 3, 3]), weight: Tensor.zeros([3, 0, 3, 3]))
        },
        ErrorExample("empty-max_pool2d_channels0", "maxPool2d: input of shape [2, 0, 4, 4] is empty outside the batch axis") {
            _ = maxPool2d(Tensor.zeros([2, 0, 4, 4]), kernelSize: 2)
        },
        ErrorExample("empty-max_pool2d_height0", "maxPool2d: input of shape [1, 2, 0, 4] is empty outside the batch axis") {
            _ = maxPool2d(Tensor.zeros([1, 2, 0, 4]), kernelSize: 2)
        },
        ErrorExample("empty-avg_pool2d_height0", "avgPool2d: input of shape [1, 2, 0, 4] is empty outside the batch axis") {
            _ = avgPool2d(Tensor.zeros([1, 2, 0, 4]), kernelSize: 2)
        },
        ErrorExample("empty-adaptive_avg_pool2d_height0",
                     "adaptiveAvgPool2d: input of shape [1, 2, 0, 4] is empty outside the batch axis") {
            _ = adaptiveAvgPool2d(Tensor.zeros([1, 2, 0, 4]), outputSize: 2)
        },
        ErrorExample("empty-max_all_empty", "max: axis 0 of shape [0, 3] is empty") {
            _ = Tensor.zeros([0, 3]).max()
        },
        ErrorExample("empty-max_axis0_empty", "max: axis 0 of shape [0, 3] is empty") {
            _ = Tensor.zeros([0, 3]).max(alongAxis: 0)
        },
        ErrorExample("empty-min_all_empty", "min: axis 0 of shape [0, 3] is empty") {
            _ = Tensor.zeros([0, 3]).min()
        },
        ErrorExample("empty-min_axis0_empty", "min: axis 0 of shape [0, 3] is empty") {
            _ = Tensor.zeros([0, 3]).min(alongAxis: 0)
        },
        ErrorExample("empty-argmax_axis0_empty", "argmax: axis 0 of shape [0, 3] is empty") {
            _ = Tensor.zeros([0, 3]).argmax(alongAxis: 0)
        },
        ErrorExample("empty-argmin_axis0_empty", "argmin: axis 0 of shape [0, 3] is empty") {
            _ = Tensor.zeros([0, 3]).argmin(alongAxis: 0)
        },
        ErrorExample("empty-cat_no_tensors", "concatenated: no tensors") {
            _ = Tensor.concatenated([])
        },
        ErrorExample("empty-stack_no_tensors", "stacked: no tensors") {
            _ = Tensor.stacked([])
        },
        ErrorExample("empty-rnn_seq0", "RNN(3, 4): input of shape [0, 2, 3] is a sequence of length 0") {
            _ = RNN(3, 4)(Tensor.zeros([0, 2, 3]))
        },
        ErrorExample("empty-lstm_seq0", "LSTM(3, 4): input of shape [0, 2, 3] is a sequence of length 0") {
            _ = LSTM(3, 4)(Tensor.zeros([0, 2, 3]))
        },
        ErrorExample("empty-gru_seq0", "GRU(3, 4): input of shape [0, 2, 3] is a sequence of length 0") {
            _ = GRU(3, 4)(Tensor.zeros([0, 2, 3]))
        },
        ErrorExample("empty-Conv2d_out0", "conv2d: weight of shape [0, 3, 3, 3] has no output channels") {
            _ = Conv2d(3, 0, kernelSize: (3, 3))(Tensor.zeros([1, 3, 5, 5]))
        },
        ErrorExample("empty-ConvTranspose2d_in0", "convTranspose2d: weight of shape [0, 4, 3, 3] has no input channels") {
            _ = ConvTranspose2d(0, 4, kernelSize: (3, 3))(Tensor.zeros([1, 0, 3, 3]))
        },
        ErrorExample("empty-LSTM_hidden0", "LSTM(3, 0): sizes must be positive") { _ = LSTM(3, 0) },
        ErrorExample("empty-RNN_hidden0", "RNN(3, 0): sizes must be positive") { _ = RNN(3, 0) },
        ErrorExample("empty-GRU_hidden0", "GRU(3, 0): sizes must be positive") { _ = GRU(3, 0) },
        ErrorExample("empty-LSTM_input0", "LSTM(0, 4): sizes must be positive") { _ = LSTM(0, 4) },
        ErrorExample("empty-MultiheadAttention_embed0", "MultiheadAttention(embedDim: 0, numHeads: 1): sizes must be positive") {
            _ = MultiheadAttention(embedDim: 0, numHeads: 1)
        },
    ]
}
