// Residual networks: the blocks and the builder of torchvision.models.resnet, under its state-dict keys.
//
// [1] K. He, X. Zhang, S. Ren, J. Sun, "Deep Residual Learning for Image Recognition", CVPR 2016.
// A residual block computes y = relu(F(x) + shortcut(x)): the layers F only have to learn the change to x,
// and the gradient reaches early layers through the shortcut unchanged, so deep stacks still train.

/// The shape-changing shortcut of a residual block, torchvision's `downsample`: a 1×1 convolution with
/// stride s (no bias) and batch normalization, keys `downsample.0.weight`, `downsample.1.weight`, …
/// ("option B" of [1] §3.3). Shapes: [N, inChannels, H, W] → [N, outChannels, ⌈H/s⌉, ⌈W/s⌉].
public func projectionShortcut(_ inChannels: Int, _ outChannels: Int, stride: Int) -> Sequential {
    Sequential(Conv2d(inChannels, outChannels, kernelSize: 1, stride: stride, bias: false), BatchNorm2d(outChannels))
}

/// A block of a ResNet: ``BasicBlock`` or ``Bottleneck``.
public protocol ResidualBlock: Layer {
    /// Output channels over `planes` (1 for ``BasicBlock``, 4 for ``Bottleneck``), as torchvision's `expansion`.
    static var expansion: Int { get }
    /// A block taking `inplanes` channels to `planes · expansion`, with stride `stride` and `downsample` as its
    /// shortcut (nil: the identity); `residual: false` drops the shortcut (a "plain" block of [1] §4.1).
    init(_ inplanes: Int, _ planes: Int, stride: Int, downsample: Sequential?, residual: Bool)
    /// The batch norm whose output is added to the shortcut (zeroed by `zeroInitResidual`).
    var lastNorm: BatchNorm2d { get }
}

/// The two-layer residual block of ResNet-18/34 and the CIFAR ResNets, as torchvision's `BasicBlock`:
/// y = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), both convolutions 3×3 without bias, the first with
/// stride s. Shapes: [N, inplanes, H, W] → [N, planes, ⌈H/s⌉, ⌈W/s⌉]. Keys `conv1.weight`, `bn1.*`,
/// `conv2.weight`, `bn2.*`, `downsample.0.weight`, `downsample.1.*`. Source: [1] Fig. 2 / Fig. 5 left.
public final class BasicBlock: Module, ResidualBlock {
    public static let expansion = 1
    public let conv1: Conv2d
    public let bn1: BatchNorm2d
    public let conv2: Conv2d
    public let bn2: BatchNorm2d
    /// The projection shortcut when the shape changes (nil: identity, or no shortcut in a plain block).
    public let downsample: Sequential?
    /// Whether the block adds its shortcut (false: a plain block, for the depth study of [1] §4.1).
    public let residual: Bool

    public init(_ inplanes: Int, _ planes: Int, stride: Int = 1, downsample: Sequential? = nil, residual: Bool = true) {
        conv1 = Conv2d(inplanes, planes, kernelSize: 3, stride: stride, padding: 1, bias: false)
        bn1 = BatchNorm2d(planes)
        conv2 = Conv2d(planes, planes, kernelSize: 3, padding: 1, bias: false)
        bn2 = BatchNorm2d(planes)
        self.downsample = downsample
        self.residual = residual
        super.init()
    }

    public var lastNorm: BatchNorm2d { bn2 }

    /// [N, inplanes, H, W] → [N, planes, ⌈H/s⌉, ⌈W/s⌉].
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let out = bn2(conv2(bn1(conv1(x)).relu()))
        return residualSum(out, x, downsample: downsample, residual: residual)
    }
}

/// The three-layer residual block of ResNet-50/101/152, as torchvision's `Bottleneck` (ResNet v1.5: the
/// stride sits on the 3×3): 1×1 conv to `planes`, 3×3 conv with stride s, 1×1 conv to `planes · 4`, each
/// followed by batch norm, ReLU after the first two and after the sum with the shortcut.
/// Shapes: [N, inplanes, H, W] → [N, 4·planes, ⌈H/s⌉, ⌈W/s⌉]. Keys `conv1…conv3`, `bn1…bn3`, `downsample.*`.
/// Source: [1] Fig. 5 right.
public final class Bottleneck: Module, ResidualBlock {
    public static let expansion = 4
    public let conv1: Conv2d
    public let bn1: BatchNorm2d
    public let conv2: Conv2d
    public let bn2: BatchNorm2d
    public let conv3: Conv2d
    public let bn3: BatchNorm2d
    /// The projection shortcut when the shape changes (nil: identity, or no shortcut in a plain block).
    public let downsample: Sequential?
    /// Whether the block adds its shortcut.
    public let residual: Bool

    public init(_ inplanes: Int, _ planes: Int, stride: Int = 1, downsample: Sequential? = nil, residual: Bool = true) {
        conv1 = Conv2d(inplanes, planes, kernelSize: 1, bias: false)
        bn1 = BatchNorm2d(planes)
        conv2 = Conv2d(planes, planes, kernelSize: 3, stride: stride, padding: 1, bias: false)
        bn2 = BatchNorm2d(planes)
        conv3 = Conv2d(planes, planes * Self.expansion, kernelSize: 1, bias: false)
        bn3 = BatchNorm2d(planes * Self.expansion)
        self.downsample = downsample
        self.residual = residual
        super.init()
    }

    public var lastNorm: BatchNorm2d { bn3 }

    /// [N, inplanes, H, W] → [N, 4·planes, ⌈H/s⌉, ⌈W/s⌉].
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let out = bn3(conv3(bn2(conv2(bn1(conv1(x)).relu())).relu()))
        return residualSum(out, x, downsample: downsample, residual: residual)
    }
}

/// relu(out + shortcut(x)) — or relu(out) for a plain block.
private func residualSum(_ out: Tensor, _ x: Tensor, downsample: Sequential?, residual: Bool) -> Tensor {
    guard residual else { return out.relu() }
    return (out + (downsample.map { $0(x) } ?? x)).relu()
}

/// A residual network, as `torchvision.models.ResNet` (ImageNet layout) or the CIFAR networks of [1] §4.2.
///
/// stem → stages of residual blocks → global average pool → fc. The ImageNet stem is a 7×7 convolution with
/// stride 2 (3 → 64, no bias), batch norm, ReLU and a 3×3 max pool with stride 2; stages of 64, 128, 256, 512
/// planes. The CIFAR stem is a 3×3 convolution (3 → 16, stride 1), batch norm and ReLU; stages of 16, 32, 64
/// planes. Every stage but the first halves the resolution in its first block, whose shortcut is then a
/// ``projectionShortcut(_:_:stride:)`` (for the CIFAR networks this is option B of [1], not the paper's
/// zero-padding option A, so that the keys are torchvision's).
///
/// Shapes: [N, 3, H, W] → logits [N, numClasses]. State-dict keys as torchvision's: `conv1.weight`,
/// `bn1.weight`, …, `layer1.0.conv1.weight`, `layer2.0.downsample.0.weight`, …, `fc.weight`, `fc.bias`.
/// Initialisation as torchvision: convolutions Kaiming-normal (std √(2 / fan_out), fan_out = out·kh·kw),
/// batch norms γ = 1, β = 0, fc PyTorch's default; `zeroInitResidual` sets γ = 0 in the last batch norm of
/// every block, so that each block starts as the identity (Goyal et al. 2017).
public final class ResNet: Module, Layer {
    /// The input stem's layout.
    public enum Stem: Sendable {
        /// 7×7 stride-2 convolution with 64 channels and a 3×3 stride-2 max pool (ImageNet, 224×224 inputs).
        case imageNet
        /// 3×3 stride-1 convolution with 16 channels (CIFAR, 32×32 inputs; [1] §4.2).
        case cifar
    }

    public let conv1: Conv2d
    public let bn1: BatchNorm2d
    /// 3×3 stride-2 max pool after the ImageNet stem; nil for the CIFAR stem.
    public let maxpool: MaxPool2d?
    /// The stages, keys `layer1`, `layer2`, …; each a ``Sequential`` of blocks.
    public let stages: [Sequential]
    public let fc: Linear
    /// The name in messages, e.g. `resnet20`.
    public let name: String
    /// Whether the blocks add their shortcuts (false: a plain network of the same depth).
    public let residual: Bool

    /// A ResNet of `Block`s: `layers[i]` blocks in stage i with `widths[i]` planes (stride 1 in the first
    /// stage, 2 in the others), on the given stem, with `numClasses` outputs.
    public init<Block: ResidualBlock>(_ block: Block.Type, layers: [Int], widths: [Int]? = nil, stem: Stem = .imageNet,
                                      numClasses: Int = 1000, zeroInitResidual: Bool = false, residual: Bool = true,
                                      name: String? = nil) {
        let widths = widths ?? (stem == .imageNet ? [64, 128, 256, 512] : [16, 32, 64])
        require(layers.count == widths.count && !layers.isEmpty && layers.allSatisfy { $0 > 0 },
                "ResNet: \(layers.count) stage sizes \(layers) for \(widths.count) stage widths \(widths); each stage needs ≥ 1 block")
        self.name = name ?? "ResNet\(layers)"
        self.residual = residual
        var inplanes = widths[0]
        switch stem {
        case .imageNet:
            conv1 = Conv2d(3, inplanes, kernelSize: 7, stride: 2, padding: 3, bias: false)
            maxpool = MaxPool2d(kernelSize: 3, stride: 2, padding: 1)
        case .cifar:
            conv1 = Conv2d(3, inplanes, kernelSize: 3, stride: 1, padding: 1, bias: false)
            maxpool = nil
        }
        bn1 = BatchNorm2d(inplanes)
        var stages: [Sequential] = []
        for (i, (count, planes)) in zip(layers, widths).enumerated() {
            let stride = i == 0 ? 1 : 2
            let out = planes * Block.expansion
            var blocks: [any Layer] = []
            for j in 0..<count {
                let s = j == 0 ? stride : 1
                let projection = residual && j == 0 && (s != 1 || inplanes != out)
                blocks.append(Block(inplanes, planes, stride: s,
                                    downsample: projection ? projectionShortcut(inplanes, out, stride: s) : nil, residual: residual))
                inplanes = out
            }
            stages.append(Sequential(blocks))
        }
        self.stages = stages
        fc = Linear(inplanes, numClasses)
        super.init()
        for (_, m) in namedModules() {
            if let conv = m as? Conv2d { conv.weight.assign(Self.kaimingNormalFanOut(conv.weight.shape)) }
        }
        if zeroInitResidual {
            for (_, m) in namedModules() {
                if let b = m as? Block { b.lastNorm.weight?.assign(Tensor.zeros([b.lastNorm.numFeatures])) }
            }
        }
    }

    /// N(0, 2 / fan_out) samples from the global generator, fan_out = shape[0] · kh · kw, as
    /// `torch.nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")`.
    static func kaimingNormalFanOut(_ shape: [Int]) -> Tensor {
        let fanOut = shape[0] * shape.dropFirst(2).reduce(1, *)
        return Tensor.randn(shape, using: &RandomGenerator.global) * (2 / Float(fanOut)).squareRoot()
    }

    public override func namedChildren() -> [(String, Module)] {
        var children: [(String, Module)] = [("conv1", conv1), ("bn1", bn1)]
        children += stages.enumerated().map { ("layer\($0.offset + 1)", $0.element) }
        return children + [("fc", fc)]
    }

    /// The features before `fc`: [N, 3, H, W] → [N, channels of the last stage] (global average pool).
    public func features(_ x: Tensor) -> Tensor {
        require(x.rank == 4 && x.shape[1] == 3,
                "\(name): input of shape \(x.shape) must be images [N, 3, H, W] (conv1 is Conv2d(3, \(conv1.outChannels)))")
        var h = bn1(conv1(x)).relu()
        if let maxpool { h = maxpool(h) }
        for stage in stages { h = stage(h) }
        return adaptiveAvgPool2d(h, outputSize: (1, 1)).flattened(from: 1)
    }

    /// Logits: [N, 3, H, W] → [N, numClasses].
    public func callAsFunction(_ x: Tensor) -> Tensor { fc(features(x)) }
}

/// ResNet-18 of torchvision (`torchvision.models.resnet18()`): ``BasicBlock`` × [2, 2, 2, 2], ImageNet stem.
public func resnet18(numClasses: Int = 1000, zeroInitResidual: Bool = false) -> ResNet {
    ResNet(BasicBlock.self, layers: [2, 2, 2, 2], numClasses: numClasses, zeroInitResidual: zeroInitResidual, name: "resnet18")
}

/// ResNet-34 of torchvision: ``BasicBlock`` × [3, 4, 6, 3], ImageNet stem.
public func resnet34(numClasses: Int = 1000, zeroInitResidual: Bool = false) -> ResNet {
    ResNet(BasicBlock.self, layers: [3, 4, 6, 3], numClasses: numClasses, zeroInitResidual: zeroInitResidual, name: "resnet34")
}

/// ResNet-50 of torchvision (v1.5): ``Bottleneck`` × [3, 4, 6, 3], ImageNet stem.
public func resnet50(numClasses: Int = 1000, zeroInitResidual: Bool = false) -> ResNet {
    ResNet(Bottleneck.self, layers: [3, 4, 6, 3], numClasses: numClasses, zeroInitResidual: zeroInitResidual, name: "resnet50")
}

/// The CIFAR network of [1] §4.2 with `depth` = 6n + 2 layers: 3×3 stem with 16 channels, three stages of n
/// ``BasicBlock``s with 16, 32, 64 planes (32×32 → 16×16 → 8×8), global average pool, fc 64 → numClasses.
/// Shortcuts that change shape are projections (option B); `residual: false` gives the plain network of the
/// same depth ([1] §4.2, "plain-20/56"). Shapes: [N, 3, 32, 32] → [N, numClasses].
public func cifarResNet(depth: Int, numClasses: Int = 10, zeroInitResidual: Bool = false, residual: Bool = true) -> ResNet {
    require(depth >= 8 && (depth - 2) % 6 == 0, "cifarResNet: depth \(depth) must be 6n + 2 with n ≥ 1 (8, 20, 32, 44, 56, 110)")
    return ResNet(BasicBlock.self, layers: Array(repeating: (depth - 2) / 6, count: 3), stem: .cifar, numClasses: numClasses,
                  zeroInitResidual: zeroInitResidual, residual: residual, name: (residual ? "resnet" : "plain") + "\(depth)")
}

/// ResNet-20 for CIFAR-10 ([1] §4.2, n = 3; 0.27 M parameters): see ``cifarResNet(depth:numClasses:zeroInitResidual:residual:)``.
public func resnet20(numClasses: Int = 10, zeroInitResidual: Bool = false) -> ResNet {
    cifarResNet(depth: 20, numClasses: numClasses, zeroInitResidual: zeroInitResidual)
}

/// ResNet-32 for CIFAR-10 ([1] §4.2, n = 5).
public func resnet32(numClasses: Int = 10, zeroInitResidual: Bool = false) -> ResNet {
    cifarResNet(depth: 32, numClasses: numClasses, zeroInitResidual: zeroInitResidual)
}

/// ResNet-44 for CIFAR-10 ([1] §4.2, n = 7).
public func resnet44(numClasses: Int = 10, zeroInitResidual: Bool = false) -> ResNet {
    cifarResNet(depth: 44, numClasses: numClasses, zeroInitResidual: zeroInitResidual)
}

/// ResNet-56 for CIFAR-10 ([1] §4.2, n = 9).
public func resnet56(numClasses: Int = 10, zeroInitResidual: Bool = false) -> ResNet {
    cifarResNet(depth: 56, numClasses: numClasses, zeroInitResidual: zeroInitResidual)
}
