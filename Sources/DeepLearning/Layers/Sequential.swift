/// A layer that maps a tensor to a tensor; what ``Sequential`` chains.
public protocol Layer: Module {
    func callAsFunction(_ x: Tensor) -> Tensor
}

/// Layers applied one after another, as `torch.nn.Sequential`; state-dict keys are the layer indices
/// (`0.weight`, `2.bias`).
public final class Sequential: Module, Layer {
    /// The layers, in the order they are applied; layer i's tensors are saved under `i.`.
    public let layers: [Module]
    private let apply: [(Tensor) -> Tensor]

    /// The layers applied in order, as `nn.Sequential(*layers)`.
    public init(_ layers: [any Layer]) {
        self.layers = layers
        apply = layers.map { layer in { layer($0) } }
        super.init()
    }

    /// The layers applied in order, as `nn.Sequential(a, b, c)`.
    public convenience init(_ layers: any Layer...) { self.init(layers) }

    public override func namedChildren() -> [(String, Module)] {
        layers.enumerated().map { ("\($0.offset)", $0.element) }
    }

    /// The last layer's output of the previous one's …, of the first one's output of x.
    public func callAsFunction(_ x: Tensor) -> Tensor { apply.reduce(x) { $1($0) } }
}
