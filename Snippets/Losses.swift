// Loss functions on one batch of logits: mean squared error, cross-entropy and focal loss.
import DeepLearning

// snippet.show
let logits = Tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0], [1.0, 1.0, 1.0]])   // [N = 3, C = 3]
let labels = Tensor([0, 2, 1])                                              // class indices
let oneHot = Tensor.eye(3).indexSelect(alongAxis: 0, indices: labels)

let mse = mseLoss(logits.softmax(alongAxis: 1), oneHot)     // (1/NC) Σ (p − y)²
let ce = crossEntropy(logits, labels)                       // −(1/N) Σ log p_{n, yₙ}
let focal0 = focalLoss(logits, labels, gamma: 0)            // equals cross-entropy
let focal2 = focalLoss(logits, labels, gamma: 2)            // −(1/N) Σ (1 − p_t)² log p_t: easy examples count less
print(mse.item, ce.item, focal0.item, focal2.item)
