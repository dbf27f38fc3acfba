// The six update rules on the same ill-conditioned quadratic f(x, y) = (x² + 100y²)/2, 100 steps each.
import DeepLearning

// snippet.show
let rules: [(String, ([Tensor]) -> Optimizer)] = [
    ("sgd", { SGD($0, lr: 0.019) }),                        // θ ← θ − η g
    ("momentum", { SGD($0, lr: 0.01, momentum: 0.9) }),     // b ← μb + g, θ ← θ − η b
    ("adagrad", { AdaGrad($0, lr: 0.5) }),                  // s ← s + g², θ ← θ − η g / (√s + ε)
    ("rmsprop", { RMSProp($0, lr: 0.05) }),                 // v ← αv + (1 − α)g², θ ← θ − η g / (√v + ε)
    ("adam", { Adam($0, lr: 0.1) }),                        // m, v with bias correction
    ("adamw", { AdamW($0, lr: 0.1, weightDecay: 0.01) }),   // Adam plus θ ← θ − ηλθ, decoupled
]
for (name, make) in rules {
    let point = Tensor([-4, 1]).requiringGrad()
    let optimizer = make([point])
    for _ in 0..<100 {
        let f = ((point * point) * Tensor([0.5, 50])).sum()
        optimizer.zeroGrad()
        f.backward()
        optimizer.step()
    }
    print(name, point.scalars)                              // how close each got to the minimum (0, 0)
}
