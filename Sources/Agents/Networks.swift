import DeepLearning

/// A multilayer perceptron: Linear layers of the given sizes with `activation` between them (none after the
/// last), as Stable-Baselines3's `net_arch` builds them. `sizes` = [input, hidden…, output].
public func multilayerPerceptron(_ sizes: [Int], activation: () -> any Layer = { ReLU() }) -> Sequential {
    require(sizes.count >= 2, "multilayerPerceptron: need at least input and output sizes, got \(sizes)")
    var layers: [any Layer] = []
    for k in 0..<(sizes.count - 1) {
        layers.append(Linear(sizes[k], sizes[k + 1]))
        if k < sizes.count - 2 { layers.append(activation()) }
    }
    return Sequential(layers)
}

/// A batch of observations ([N · d] floats, row i for environment i) as an [N, d] tensor.
public func observationBatch(_ observations: [Float], size d: Int) -> Tensor {
    Tensor(observations, shape: [observations.count / d, d])
}

/// The first `count` values of a linear schedule from `start` to `end` reached at `fraction` of `total`
/// steps and held after (Stable-Baselines3's `get_linear_fn`, DQN's ε schedule).
public func linearSchedule(start: Float, end: Float, fraction: Float, total: Int, step: Int) -> Float {
    let progress = Float(step) / max(1, fraction * Float(total))
    return progress >= 1 ? end : start + (end - start) * progress
}

/// An environment action made from a policy network's output row: a class index for a discrete space, the
/// values themselves for a box.
public protocol PolicyAction {
    init(policyOutput row: ArraySlice<Float>)
}

extension Int: PolicyAction {
    public init(policyOutput row: ArraySlice<Float>) { self = Int(row[row.startIndex]) }
}

extension Array: PolicyAction where Element == Float {
    public init(policyOutput row: ArraySlice<Float>) { self = Array(row) }
}
