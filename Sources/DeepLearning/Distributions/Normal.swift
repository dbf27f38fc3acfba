import Foundation

/// A normal (Gaussian) distribution, as `torch.distributions.Normal(loc, scale)`; the policy of a
/// continuous-action agent (a diagonal Gaussian when the parameters are vectors).
///
/// Parameters `loc` μ and `scale` σ > 0 broadcast together; logProb and entropy are per component (sum them
/// over the action axis for a diagonal Gaussian's joint log-density), and gradients flow to both.
public struct Normal {
    /// The mean μ.
    public let loc: Tensor
    /// The standard deviation σ.
    public let scale: Tensor

    public init(loc: Tensor, scale: Tensor) {
        require(scale.scalars.allSatisfy { $0 > 0 }, "Normal: scale must be positive everywhere (shape \(scale.shape))")
        self.loc = loc
        self.scale = scale
    }

    /// log N(x; μ, σ) = −(x − μ)² / (2σ²) − log σ − ½ log 2π.
    public func logProb(_ value: Tensor) -> Tensor {
        -(value - loc).square() / (2 * scale.square()) - scale.log() - Float(0.5 * Foundation.log(2 * Double.pi))
    }

    /// H = ½ + ½ log 2π + log σ, in the shape of `scale` broadcast with `loc`.
    public func entropy() -> Tensor {
        scale.log() + Float(0.5 + 0.5 * Foundation.log(2 * Double.pi)) + Tensor.zeros(like: loc)
    }

    /// The most probable value μ (the greedy action).
    public var mode: Tensor { loc }

    /// μ + σ ε with ε ~ N(0, 1) drawn from `generator`, in the broadcast shape (no gradient).
    public func sample(using generator: inout RandomGenerator) -> Tensor {
        withNoGrad {
            let shape = (loc + scale).shape
            return (loc + scale * Tensor.randn(shape, using: &generator)).detached()
        }
    }
}
