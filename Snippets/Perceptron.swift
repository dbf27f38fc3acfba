// A multilayer perceptron on the bundled 8×8 digits: y = W₂ tanh(W₁x + b₁) + b₂, trained with Adam.
import DeepLearning

// snippet.show
let data = try Digits()                                     // 1,797 examples, 64 pixels each (0…16)
let (train, test) = (data.subset(0..<1500), data.subset(1500..<data.count))
let model = Sequential(Linear(64, 32), Tanh(), Linear(32, 10))
let optimizer = Adam(model.parameters(), lr: 3e-3)
for epoch in 1...10 {
    for (x, labels) in DataLoader(train, batchSize: 32, shuffle: true, seed: UInt64(epoch), transform: { $0 / 16 }) {
        let loss = crossEntropy(model(x), labels)           // forward pass and loss
        optimizer.zeroGrad()
        loss.backward()                                     // backpropagation
        optimizer.step()                                    // θ ← θ − η · (Adam's step)
    }
}
model.eval()
let logits = withNoGrad { model(test.inputs / 16) }
let correct = zip(logits.argmax(alongAxis: 1).scalars, test.labels.scalars).filter { $0 == $1 }.count
print("test accuracy \(Float(correct) / Float(test.count))")
