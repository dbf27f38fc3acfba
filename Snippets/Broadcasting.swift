// Tensors, views and broadcasting: shapes line up from the right; a dimension of size 1 stretches.
import DeepLearning

// snippet.show
let x = Tensor([[1, 2, 3], [4, 5, 6]])          // shape [2, 3]
let row = Tensor([10, 20, 30])                  // shape [3]   → broadcast over the 2 rows
let column = Tensor([[100], [200]])             // shape [2, 1] → broadcast over the 3 columns
print(x + row)                                  // [[11, 22, 33], [14, 25, 36]]
print(x + column)                               // [[101, 102, 103], [204, 205, 206]]

let t = x.transposed()                          // a view: shape [3, 2], no copy
print(t.shape, x.reshaped(to: [3, 2]).shape)    // [3, 2] [3, 2]
print(x.sum(alongAxes: [0]), x.mean())          // column sums [5, 7, 9]; mean 3.5

// The gradient of a broadcast input is summed back to its own shape.
let b = Tensor([1, 1, 1]).requiringGrad()
(x + b).sum().backward()
print(b.grad!)                                  // [2, 2, 2]: each b_j was used by both rows
