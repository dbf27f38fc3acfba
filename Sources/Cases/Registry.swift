import DeepLearning

/// Every practice case `deep` can run, in the order `deep list` shows them.
public enum PracticeCases {
    public static let classifiers: [ClassifierCase] = [mnistMLP, mnistCNN, fashionCNN, digitsMLP]

    /// The classifier case with this name.
    public static func classifier(_ name: String) throws -> ClassifierCase {
        guard let c = classifiers.first(where: { $0.name == name }) else {
            throw CaseError("unknown case \(name); `deep list` shows the cases")
        }
        return c
    }
}

/// A per-layer table of a Sequential model: layer, output shape for one example, parameter count.
public func summaryTable(_ model: Sequential, inputShape: [Int]) -> String {
    model.eval()
    defer { model.train() }
    var rows: [(String, String, String)] = [("layer", "output shape", "parameters")]
    var x = Tensor.zeros([1] + inputShape)
    rows.append(("input", "\(x.shape)", ""))
    withNoGrad {
        for (name, layer) in model.namedChildren() {
            x = (layer as! any Layer)(x)
            rows.append(("\(name): \(String(describing: type(of: layer)))", "\(x.shape)", "\(layer.parameterCount)"))
        }
    }
    rows.append(("total", "", "\(model.parameterCount)"))
    let w0 = rows.map(\.0.count).max()!, w1 = rows.map(\.1.count).max()!
    return rows.map { $0.0.padding(toLength: w0 + 2, withPad: " ", startingAt: 0) + $0.1.padding(toLength: w1 + 2, withPad: " ", startingAt: 0) + $0.2 }
        .joined(separator: "\n")
}
