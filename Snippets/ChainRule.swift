// Backpropagation: the error terms δ of a two-layer network by hand, next to autograd, and the graph.
import DeepLearning

// snippet.show
let x = Tensor.rand([4, 3], seed: 0)                       // 4 examples, 3 features
let y = Tensor.eye(2).indexSelect(alongAxis: 0, indices: Tensor([0, 1, 1, 0]))  // one-hot targets [4, 2]
let w1 = Tensor.randn([5, 3], seed: 1).requiringGrad()     // layer 1: 3 → 5, weights [out, in]
let w2 = Tensor.randn([2, 5], seed: 2).requiringGrad()     // layer 2: 5 → 2

// Autograd: the forward pass records a tape; backward() applies the chain rule along it.
let a1 = x.matmul(w1.transposed()).sigmoid()               // a¹ = σ(z¹), z¹ = x W¹ᵀ
let p = a1.matmul(w2.transposed()).softmax(alongAxis: 1)   // p = softmax(z²)
let loss = -(p.log() * y).sum() / 4                        // mean cross-entropy
loss.backward()

// By hand: the same gradients from the error terms, layer by layer.
withNoGrad {
    let delta2 = (p - y) / 4                               // δ² = ∂L/∂z²
    let delta1 = delta2.matmul(w2) * a1 * (1 - a1)         // δ¹ = (δ² W²) ⊙ σ′(z¹)
    let gW2 = delta2.transposed().matmul(a1)               // ∂L/∂W² = δ²ᵀ a¹
    let gW1 = delta1.transposed().matmul(x)                // ∂L/∂W¹ = δ¹ᵀ x
    print((gW2 - w2.grad!).abs().max(), (gW1 - w1.grad!).abs().max())   // both ≈ 0 (float rounding, ~1e-9)
}

// The graph backward() walked, in Graphviz DOT (render with `dot -Tsvg`).
print(loss.graph(parameterNames: [("W1", w1), ("W2", w2)]))
