// A residual block computes y = relu(F(x) + x): its layers F only learn the change to x.
import DeepLearning

// snippet.show
Tensor.manualSeed(0)
let x = Tensor.randn([2, 16, 8, 8], seed: 1)                // [N, C, H, W]
let block = BasicBlock(16, 16)                              // F = bn2 ∘ conv2 ∘ relu ∘ bn1 ∘ conv1, shortcut = identity
let f = block.bn2(block.conv2(block.bn1(block.conv1(x)).relu()))
print((block(x) - (f + x).relu()).abs().max().item)         // 0.0: the block is relu(F(x) + x)

// When the shape changes, the shortcut is a projection W_s x: 1×1 convolution with stride 2 and batch norm
// (option B of He et al.; torchvision's `downsample`).
let down = BasicBlock(16, 32, stride: 2, downsample: projectionShortcut(16, 32, stride: 2))
print(down(x).shape)                                        // [2, 32, 4, 4]

// With γ = 0 in the last batch norm (zeroInitResidual) F(x) = 0, and a block starts as relu(x).
block.bn2.weight!.assign(Tensor.zeros([16]))
print((block(x) - x.relu()).abs().max().item)               // 0.0

// ∂y/∂x = 1 + ∂F/∂x where the ReLU passes; with F = 0 the shortcut alone carries the gradient, unchanged.
let input = Tensor.randn([2, 16, 8, 8], seed: 2).requiringGrad()
block(input).sum().backward()
print(input.grad!.mean().item)                              // ≈ 0.5: the identity path alone, 1 where x > 0

let resnet20 = cifarResNet(depth: 20)                       // 3×3 stem, 3 stages of 3 blocks (16, 32, 64 planes)
print(resnet20.parameterCount)                              // 272,474
print(resnet20(Tensor.randn([4, 3, 32, 32], seed: 3)).shape) // [4, 10]
