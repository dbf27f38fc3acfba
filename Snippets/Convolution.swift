// A small convolutional network: convolution → ReLU → max pooling, twice, then a fully connected layer.
import DeepLearning

// snippet.show
final class LeNet: Module, Layer {
    let conv1 = Conv2d(1, 6, kernelSize: 5, padding: 2)     // [N, 1, 28, 28] → [N, 6, 28, 28]
    let conv2 = Conv2d(6, 16, kernelSize: 5)                // [N, 6, 14, 14] → [N, 16, 10, 10]
    let fc = Linear(16 * 5 * 5, 10)
    func callAsFunction(_ x: Tensor) -> Tensor {
        var h = maxPool2d(conv1(x).relu(), kernelSize: 2)   // → [N, 6, 14, 14]
        h = maxPool2d(conv2(h).relu(), kernelSize: 2)       // → [N, 16, 5, 5]
        return fc(h.flattened(from: 1))                     // → [N, 10]
    }
}
let net = LeNet()
let images = Tensor.randn([8, 1, 28, 28], seed: 0)
let labels = Tensor([0, 1, 2, 3, 4, 5, 6, 7])
let loss = crossEntropy(net(images), labels)
loss.backward()
print(net.conv1.weight.shape, net.conv1.weight.grad!.shape) // [6, 1, 5, 5] twice
print(net.parameterCount)                                   // 156 + 2,416 + 4,010 = 6,582
