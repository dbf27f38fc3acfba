import Foundation

// Losses over class indices: cross-entropy (from logits) and negative log-likelihood (from log-probabilities).
// Both run as one fused op over rows [M, C] (the class axis moved last): the forward computes each row's
// loss in one pass, the backward writes ∂ℓ/∂x directly (for cross-entropy, softmax − target distribution),
// which is much cheaper than logSoftmax → gather → weighted mean as separate ops in a small training step.

/// Cross-entropy between logits and class indices (or class probabilities), as
/// `torch.nn.functional.cross_entropy`.
///
/// With p = softmax(xₙ) over the classes, weights w (all 1 when `weight` is nil), label smoothing ε and
/// C classes, the target distribution is qₙ = (1 − ε)·onehot(yₙ) + ε/C and
///
///     ℓₙ = −Σ_c w_c q_{n,c} log p_{n,c}
///
/// ℓₙ = 0 where yₙ = `ignoreIndex`. `.mean` divides Σₙ ℓₙ by Σₙ w_{yₙ} over the targets not ignored (the
/// number of those targets when unweighted), `.sum` sums, `.none` gives ℓ in the target's shape.
/// Gradient: ∂ℓₙ/∂xₙ = (Σ_c w_c q_{n,c})·pₙ − w ⊙ qₙ.
///
/// Shapes: `logits` [N, C] or [N, C, d₁, …] (or [C] for one sample); `target` holds class indices as
/// Floats, shape [N] or [N, d₁, …] (a scalar for one sample). A `target` of the logits' shape is read as
/// class probabilities instead (`ignoreIndex` does not apply; `.mean` divides by N·d₁·…).
/// `weight`: [C]. A class index outside 0..<C (other than `ignoreIndex`) is a programmer error.
public func crossEntropy(_ logits: Tensor, _ target: Tensor, weight: Tensor? = nil, labelSmoothing: Float = 0,
                         ignoreIndex: Int? = nil, reduction: Reduction = .mean) -> Tensor {
    require(labelSmoothing >= 0 && labelSmoothing <= 1,
                 "crossEntropy: labelSmoothing must lie in [0, 1], got \(labelSmoothing)")
    if target.shape == logits.shape && logits.rank >= 1 {
        return softTargetCrossEntropy(logits, target, weight: weight, labelSmoothing: labelSmoothing, reduction: reduction)
    }
    let batch = ClassIndexBatch(logits, target, weight: weight, ignoreIndex: ignoreIndex, loss: "crossEntropy")
    return batch.loss(fromLogits: true, smoothing: labelSmoothing, reduction: reduction)
}

/// Negative log-likelihood of class indices under log-probabilities, as `torch.nn.functional.nll_loss`.
///
///     ℓₙ = −w_{yₙ} · x_{n, yₙ}
///
/// ℓₙ = 0 where yₙ = `ignoreIndex`; `.mean` divides Σₙ ℓₙ by Σₙ w_{yₙ} over the targets not ignored.
/// `crossEntropy(x, y)` equals `nllLoss(x.logSoftmax(alongAxis: 1), y)`.
///
/// Shapes: `logProbs` [N, C] or [N, C, d₁, …] (or [C]); `target` class indices as Floats, [N] or
/// [N, d₁, …] (or a scalar); `weight` [C].
public func nllLoss(_ logProbs: Tensor, _ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int? = nil,
                    reduction: Reduction = .mean) -> Tensor {
    let batch = ClassIndexBatch(logProbs, target, weight: weight, ignoreIndex: ignoreIndex, loss: "nllLoss")
    return batch.loss(fromLogits: false, smoothing: 0, reduction: reduction)
}

/// Cross-entropy against class probabilities (the target has the logits' shape), composed from ops.
private func softTargetCrossEntropy(_ logits: Tensor, _ target: Tensor, weight: Tensor?, labelSmoothing: Float,
                                    reduction: Reduction) -> Tensor {
    let classAxis = logits.rank == 1 ? 0 : 1
    let classes = logits.shape[classAxis]
    var q = target
    if labelSmoothing > 0 { q = q * (1 - labelSmoothing) + labelSmoothing / Float(classes) }
    var terms = logits.logSoftmax(alongAxis: classAxis) * q
    if let weight {
        require(weight.shape == [classes], "crossEntropy: weight of shape \(weight.shape) for \(classes) classes, expected [\(classes)]")
        let trailing = logits.rank - classAxis - 1
        terms = terms * weight.reshaped(to: [classes] + Array(repeating: 1, count: trailing))
    }
    return (-terms.sum(alongAxis: classAxis)).reduced(by: reduction)
}

/// Class-index targets checked against the input and the input viewed as rows [M, C].
struct ClassIndexBatch {
    /// The input as [M, C], a differentiable view (a copy only when the class axis had to move).
    let rows: Tensor
    /// Class index of each row; −1 where the target is `ignoreIndex`.
    let targets: [Int]
    /// Class weights, if any.
    let weight: [Float]?
    /// Shape of the per-element loss (the target's shape).
    let lossShape: [Int]
    let name: String

    init(_ input: Tensor, _ target: Tensor, weight: Tensor?, ignoreIndex: Int?, loss name: String) {
        require(input.rank >= 1, "\(name): input must have a class axis, got shape \(input.shape)")
        let classes = input.rank == 1 ? input.shape[0] : input.shape[1]
        let expected = input.rank == 1 ? [] : [input.shape[0]] + input.shape.dropFirst(2)
        require(target.shape == expected,
                     "\(name): target of shape \(target.shape) for input of shape \(input.shape), expected \(expected)")
        if let weight {
            require(weight.shape == [classes], "\(name): weight of shape \(weight.shape) for \(classes) classes, expected [\(classes)]")
        }
        switch input.rank {
        case 1: rows = input.reshaped(to: [1, classes])
        case 2: rows = input
        default: rows = input.movingAxis(1, to: -1).reshaped(to: [-1, classes])
        }
        targets = target.checkedIndices(below: classes, op: name, what: "target", ignoring: ignoreIndex)
        self.weight = weight?.scalars
        lossShape = target.shape
        self.name = name
    }

    /// The loss as one fused op: from logits (cross-entropy with label smoothing ε) or from log-probabilities
    /// (NLL).
    func loss(fromLogits: Bool, smoothing eps: Float, reduction: Reduction) -> Tensor {
        let m = rows.shape[0], c = rows.shape[1]
        let x = withNoGrad { rows.contiguous() }
        let recording = Tensor.shouldRecord(rows)
        // Σ_c w_c (C when unweighted) and the mean's denominator Σₙ w_{yₙ}.
        let totalWeight = weight.map { $0.reduce(0, +) } ?? Float(c)
        var denominator: Double = 0
        for t in targets where t >= 0 { denominator += Double(weight?[t] ?? 1) }

        let perRow = Tensor(uninitialized: [m])
        // Softmax rows, kept for the backward pass (cross-entropy only).
        let probs = fromLogits ? Tensor(uninitialized: [m, c]) : nil
        let xp = x.pointer, lp = perRow.pointer, weights = weight, targets = targets
        Parallel.forEach(m, costPerItem: fromLogits ? 8 * c : 1) { range in
            for r in range {
                let t = targets[r]
                guard t >= 0 else { lp[r] = 0; continue }
                let wt = weights?[t] ?? 1
                let row = xp + r * c
                guard let probs else { lp[r] = -wt * row[t]; continue }
                let lse = logSumExp(row, into: probs.pointer + r * c, c, normalize: recording)
                var loss = (1 - eps) * wt * (lse - row[t])
                if eps > 0 {
                    var weightedSum: Float = 0  // Σ_c w_c x_c
                    if let weights { for j in 0..<c { weightedSum += weights[j] * row[j] } } else { for j in 0..<c { weightedSum += row[j] } }
                    loss += eps / Float(c) * (totalWeight * lse - weightedSum)
                }
                lp[r] = loss
            }
        }

        var out: Tensor
        switch reduction {
        case .none:
            out = withNoGrad { perRow.reshaped(to: lossShape) }
        case .sum, .mean:
            var total: Double = 0
            for r in 0..<m { total += Double(lp[r]) }
            out = Tensor(Float(reduction == .sum ? total : total / denominator))
        }
        guard recording else { return out }
        let scale = reduction == .mean ? Float(1 / denominator) : 1
        out.attach(fromLogits ? "crossEntropy" : "nllLoss", rows) { g in
            let gc = g.contiguous()
            let grad = Tensor(uninitialized: [m, c])
            let gp = gc.pointer, dp = grad.pointer
            Parallel.forEach(m, costPerItem: c) { range in
                for r in range {
                    let dRow = dp + r * c
                    let t = targets[r]
                    guard t >= 0 else { dRow.update(repeating: 0, count: c); continue }
                    let coefficient = (reduction == .none ? gp[r] : gp[0]) * scale
                    let wt = weights?[t] ?? 1
                    guard let probs else {
                        dRow.update(repeating: 0, count: c)
                        dRow[t] = -coefficient * wt
                        continue
                    }
                    // (Σ_c w_c q_c)·p − w ⊙ q with q = (1 − ε)·onehot(t) + ε/C
                    let pRow = probs.pointer + r * c
                    let a = coefficient * ((1 - eps) * wt + eps * totalWeight / Float(c))
                    for j in 0..<c { dRow[j] = a * pRow[j] }
                    if eps > 0 {
                        let b = coefficient * eps / Float(c)
                        if let weights { for j in 0..<c { dRow[j] -= b * weights[j] } } else { for j in 0..<c { dRow[j] -= b } }
                    }
                    dRow[t] -= coefficient * (1 - eps) * wt
                }
            }
            return [grad]
        }
        return out
    }
}

/// log Σ e^{x} of one row; `p` receives e^{x − max} (divided by its sum, so softmax, when `normalize`).
@inline(__always)
private func logSumExp(_ x: UnsafePointer<Float>, into p: UnsafeMutablePointer<Float>, _ n: Int, normalize: Bool) -> Float {
    var m = Loops.reduce(MaxKernel.self, x, n)
    if !m.isFinite { m = 0 }
    Loops.zip(ShiftedExpKernel(), x, 1, &m, 0, p, n)
    let s = Loops.reduce(SumKernel.self, p, n)
    if normalize {
        var inv = 1 / s
        Loops.zip(MulKernel(), p, 1, &inv, 0, p, n)
    }
    return m + Foundation.log(s)
}

extension Reference {
    /// Cross-entropy between logits and class indices, composed: `logSoftmax`, then the target's entry
    /// gathered (the reference of ``crossEntropy(_:_:weight:labelSmoothing:ignoreIndex:reduction:)``, as
    /// `torch.nn.functional.cross_entropy`):
    ///
    ///     log p = logSoftmax(x) over the classes
    ///     ℓₙ = (1 − ε)·(−w_{yₙ} log p_{n,yₙ}) + ε·(−Σ_c w_c log p_{n,c} / C)
    ///
    /// with ℓₙ = 0 where yₙ = `ignoreIndex`; `.mean` divides Σₙ ℓₙ by Σₙ w_{yₙ} over the targets kept.
    /// Shapes: logits [N, C] or [N, C, d₁, …]; target class indices as Floats, [N] or [N, d₁, …];
    /// weight [C].
    public static func crossEntropy(_ logits: Tensor, _ target: Tensor, weight: Tensor? = nil, labelSmoothing: Float = 0,
                                    ignoreIndex: Int? = nil, reduction: Reduction = .mean) -> Tensor {
        let classes = logits.shape[1]
        let logP = logits.logSoftmax(alongAxis: 1)
        let kept = ignoreIndex.map { target .!= Float($0) } ?? Tensor.ones(like: target)  // 0 where ignored
        let y = target * kept                                                             // ignored targets read class 0
        let w = weight ?? Tensor.ones([classes])
        let wy = w.indexSelect(alongAxis: 0, indices: y.reshaped(to: [-1])).reshaped(to: target.shape) * kept
        let nll = -logP.gathering(alongAxis: 1, indices: y.unsqueezed(at: 1)).squeezed(axis: 1) * wy
        let classWeights = w.reshaped(to: [1, classes] + Array(repeating: 1, count: logits.rank - 2))
        let uniform = -(logP * classWeights).sum(alongAxis: 1) * kept / Float(classes)
        let loss = (1 - labelSmoothing) * nll + labelSmoothing * uniform
        switch reduction {
        case .none: return loss
        case .sum: return loss.sum()
        case .mean: return loss.sum() / wy.sum()
        }
    }
}
