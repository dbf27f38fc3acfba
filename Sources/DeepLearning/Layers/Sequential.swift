/// A layer that maps a tensor to a tensor; what ``Sequential`` chains.
public protocol Layer: Module {
    func callAsFunction(_ x: Tensor) -> Tensor
}

/// Layers applied one after another, as `torch.nn.Sequential`; state-dict keys are the layer indices
/// (`0.weight`, `2.bias`).
public final class Sequential: Module, Layer {
    public let layers: [Module]
    private let apply: [(Tensor) -> Tensor]

    public init(_ layers: [any Layer]) {
        self.layers = layers
        apply = layers.map { layer in { layer($0) } }
        super.init()
    }

    public convenience init(_ layers: any Layer...) { self.init(layers) }

    public override func namedChildren() -> [(String, Module)] {
        layers.enumerated().map { ("\($0.offset)", $0.element) }
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { apply.reduce(x) { $1($0) } }
}
