// Probability distributions for policies (as `torch.distributions`): sample an action, score it with
// logProb (whose gradient is the policy gradient), and measure the policy's entropy.

/// A categorical distribution over K classes, as `torch.distributions.Categorical`.
///
/// Batched: parameters of shape [..., K] describe one distribution per leading index. Stored as normalized
/// logits, log pₖ = logitsₖ − logsumexp(logits), which ``probs``, ``logProb(_:)`` and ``entropy()`` use, so
/// that gradients flow back to the network's logits.
public struct Categorical {
    /// Normalized log-probabilities, [..., K].
    public let logits: Tensor

    /// From unnormalized log-probabilities (a network's output), [..., K].
    public init(logits: Tensor) {
        require(logits.rank >= 1 && logits.shape.last! > 0, "Categorical: logits of shape \(logits.shape) need a non-empty class axis")
        self.logits = logits.logSoftmax(alongAxis: -1)
    }

    /// From non-negative weights, [..., K], normalized to sum to 1 along the last axis.
    public init(probs: Tensor) {
        require(probs.rank >= 1 && probs.shape.last! > 0, "Categorical: probs of shape \(probs.shape) need a non-empty class axis")
        logits = (probs / probs.sum(alongAxis: -1, keepDims: true)).log()
    }

    /// The number of classes K.
    public var classCount: Int { logits.shape.last! }
    /// The batch shape [...] (the parameters' shape without the class axis).
    public var batchShape: [Int] { Array(logits.shape.dropLast()) }

    /// pₖ = softmax(logits), [..., K].
    public var probs: Tensor { logits.exp() }

    /// log p_value for class indices `value` (as Floats), of the batch shape.
    public func logProb(_ value: Tensor) -> Tensor {
        require(value.shape == batchShape, "Categorical.logProb: value of shape \(value.shape) for a batch of shape \(batchShape)")
        let bad = value.scalars.first { $0 < 0 || $0 >= Float(classCount) || $0 != $0.rounded() }
        require(bad == nil, "Categorical.logProb: value \(bad ?? 0) is not a class index in 0..<\(classCount)")
        return logits.gathering(alongAxis: -1, indices: value.unsqueezed(at: value.rank)).squeezed(axis: -1)
    }

    /// H = −Σₖ pₖ log pₖ, of the batch shape (classes of probability 0 add 0).
    public func entropy() -> Tensor {
        let p = probs
        let plogp = Tensor.where(p .> 0, p * logits, Tensor.zeros(like: p))
        return -plogp.sum(alongAxis: -1)
    }

    /// The most probable class of each distribution (the greedy action), as Floats of the batch shape.
    public var mode: Tensor { logits.argmax(alongAxis: -1) }

    /// One class index per distribution drawn by inverse transform sampling, as Floats of the batch shape
    /// (no gradient).
    public func sample(using generator: inout RandomGenerator) -> Tensor {
        let k = classCount
        let p = withNoGrad { probs }.scalars
        var out = [Float](repeating: 0, count: p.count / k)
        for row in out.indices {
            let u = generator.nextUniform()
            var cumulative: Float = 0, choice = k - 1
            for j in 0..<k {
                cumulative += p[row * k + j]
                if u < cumulative { choice = j; break }
            }
            // A class of probability 0 is never drawn, even when rounding leaves the cumulative sum below 1.
            while p[row * k + choice] == 0 && choice > 0 { choice -= 1 }
            out[row] = Float(choice)
        }
        return Tensor(out, shape: batchShape)
    }
}
