import Foundation

// Sample-quality scores of a generative model, measured through a trained classifier: the Inception Score
// (Salimans et al. 2016, "Improved Techniques for Training GANs") from its class probabilities and the
// Fréchet distance (Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule", the FID) between
// Gaussians fitted to its penultimate-layer features.

/// The Inception Score of samples from their class probabilities: IS = exp(E_x[KL(p(y|x) ‖ p(y))]), with
/// p(y) the mean of p(y|x) over the samples (one split, all samples). Between 1 (every sample gets the same
/// distribution) and the number of classes (each sample certain of its class, classes equally frequent).
///
/// Shapes: probabilities [N, classes], rows summing to 1 (e.g. `logits.softmax(alongAxis: 1)`).
public func inceptionScore(probabilities: Tensor) -> Double {
    require(probabilities.rank == 2 && probabilities.shape[0] > 0,
            "inceptionScore: probabilities of shape \(probabilities.shape) must be [N, classes] with N > 0")
    let (n, k) = (probabilities.shape[0], probabilities.shape[1])
    let p = probabilities.scalars.map(Double.init)
    var marginal = [Double](repeating: 0, count: k)
    for i in 0..<n { for y in 0..<k { marginal[y] += p[i * k + y] / Double(n) } }
    var kl = 0.0
    for i in 0..<n {
        for y in 0..<k where p[i * k + y] > 0 { kl += p[i * k + y] * Foundation.log(p[i * k + y] / marginal[y]) }
    }
    return Foundation.exp(kl / Double(n))
}

/// The mean μ and covariance Σ of a set of feature vectors, the Gaussian the Fréchet distance compares.
public struct FeatureStatistics: Sendable {
    /// Length d of each feature vector.
    public let dimension: Int
    /// μ [d].
    public let mean: [Double]
    /// Σ [d, d], row-major, the unbiased sample covariance (divided by N − 1, as numpy.cov).
    public let covariance: [Double]
    /// Number of feature vectors N.
    public let count: Int

    /// Statistics of features [N, d], N ≥ 2 (accumulated in Double).
    public init(features: Tensor) {
        require(features.rank == 2 && features.shape[0] >= 2,
                "FeatureStatistics: features of shape \(features.shape) must be [N, d] with N >= 2")
        let (n, d) = (features.shape[0], features.shape[1])
        let x = features.scalars.map(Double.init)
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += x[i * d + j] } }
        for j in 0..<d { mean[j] /= Double(n) }
        var cov = [Double](repeating: 0, count: d * d)
        var centred = [Double](repeating: 0, count: d)
        for i in 0..<n {
            for j in 0..<d { centred[j] = x[i * d + j] - mean[j] }
            for a in 0..<d {
                let ca = centred[a]
                if ca == 0 { continue }
                for b in a..<d { cov[a * d + b] += ca * centred[b] }
            }
        }
        for a in 0..<d { for b in a..<d { cov[a * d + b] /= Double(n - 1); cov[b * d + a] = cov[a * d + b] } }
        self.init(mean: mean, covariance: cov, count: n)
    }

    /// Statistics given directly (μ of length d, Σ of d² entries).
    public init(mean: [Double], covariance: [Double], count: Int) {
        require(covariance.count == mean.count * mean.count,
                "FeatureStatistics: covariance of \(covariance.count) entries for a mean of length \(mean.count)")
        self.dimension = mean.count
        self.mean = mean
        self.covariance = covariance
        self.count = count
    }
}

/// The Fréchet distance between the Gaussians N(μ₁, Σ₁) and N(μ₂, Σ₂) fitted to two sets of features:
/// d² = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^½) (Heusel et al. 2017; FID when the features are Inception's).
///
/// Tr((Σ₁Σ₂)^½) is computed as Σ √λᵢ over the eigenvalues of the symmetric matrix Σ₁^½·Σ₂·Σ₁^½, which are
/// those of Σ₁Σ₂; both square roots come from ``SymmetricEigen`` (negative rounding noise clamped to 0).
public func frechetDistance(_ a: FeatureStatistics, _ b: FeatureStatistics) -> Double {
    require(a.dimension == b.dimension, "frechetDistance: features of length \(a.dimension) and \(b.dimension) differ")
    let d = a.dimension
    var meanTerm = 0.0
    for j in 0..<d { meanTerm += (a.mean[j] - b.mean[j]) * (a.mean[j] - b.mean[j]) }
    var trace = 0.0
    for j in 0..<d { trace += a.covariance[j * d + j] + b.covariance[j * d + j] }
    let root = SymmetricEigen(a.covariance, n: d).applying { Swift.max($0, 0).squareRoot() }
    // M = Σ₁^½ · Σ₂ · Σ₁^½
    var t = [Double](repeating: 0, count: d * d), m = [Double](repeating: 0, count: d * d)
    for i in 0..<d { for k in 0..<d { let r = root[i * d + k]; if r != 0 { for j in 0..<d { t[i * d + j] += r * b.covariance[k * d + j] } } } }
    for i in 0..<d { for k in 0..<d { let r = t[i * d + k]; if r != 0 { for j in 0..<d { m[i * d + j] += r * root[k * d + j] } } } }
    let crossTrace = SymmetricEigen(m, n: d).values.reduce(0) { $0 + Swift.max($1, 0).squareRoot() }
    return Swift.max(meanTerm + trace - 2 * crossTrace, 0)
}
