// Recurrent layers: the same weights at every time step, a hidden state carried from step to step.
import DeepLearning

// snippet.show
let sequence = Tensor.randn([20, 4, 8], seed: 0)            // [time, batch, features] (batchFirst: false)
let rnn = RNN(8, 16)                                        // hₜ = tanh(W_ih xₜ + b_ih + W_hh hₜ₋₁ + b_hh)
let lstm = LSTM(8, 16, numLayers: 2)                        // gates i, f, g, o and a cell state c
let gru = GRU(8, 16)                                        // gates r, z, n
let (outRNN, hRNN) = rnn(sequence)
let (outLSTM, state) = lstm(sequence)
let (outGRU, _) = gru(sequence)
print(outRNN.shape, hRNN.shape)                             // [20, 4, 16] [1, 4, 16]
print(outLSTM.shape, state.h.shape, state.c.shape)          // [20, 4, 16] [2, 4, 16] [2, 4, 16]
print(outGRU.shape)                                         // [20, 4, 16]
print(lstm.namedParameters().map(\.0).prefix(4))            // weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0
