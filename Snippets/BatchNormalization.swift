// Batch normalization: normalise each feature over the batch, then scale by γ and shift by β.
import DeepLearning

// snippet.show
let bn = BatchNorm1d(4)                                     // γ = 1, β = 0, running mean 0, variance 1
let x = Tensor.randn([64, 4], seed: 0) * 5 + 3              // features with mean ≈ 3, std ≈ 5
let y = bn(x)                                               // training mode: the batch's own statistics
print(y.mean(alongAxes: [0]))                               // ≈ [0, 0, 0, 0]
print(y.variance(alongAxes: [0], unbiased: false))          // ≈ [1, 1, 1, 1]
print(bn.runningMean!)                                      // moved 10% of the way towards the batch mean
bn.eval()                                                   // evaluation: the running statistics instead
print(bn(x).mean(alongAxes: [0]))                           // not 0 yet: the running mean has seen one batch
