/// How a loss combines its per-element values, as PyTorch's `reduction` argument.
public enum Reduction: Sendable {
    /// The per-element losses, in the shape of the input (PyTorch's `"none"`).
    case none
    /// The average of the per-element losses (weighted losses divide by the sum of the weights instead).
    case mean
    /// The sum of the per-element losses.
    case sum
}

extension Tensor {
    /// Per-element losses reduced as `reduction` says: unchanged, averaged or summed (to a scalar).
    func reduced(by reduction: Reduction) -> Tensor {
        switch reduction {
        case .none: return self
        case .mean: return mean()
        case .sum: return sum()
        }
    }
}
