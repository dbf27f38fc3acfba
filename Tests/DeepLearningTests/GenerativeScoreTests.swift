import Foundation
import Testing
@testable import Cases
@testable import DeepLearning

/// The symmetric eigendecomposition, the Inception Score and the Fréchet distance on known answers, and the
/// MNIST sample scorer on real test images and on noise (it must tell them apart).
@Suite struct GenerativeScoreTests {
    @Test func eigendecompositionReconstructsTheMatrix() {
        let n = 12
        let b = Tensor.randn([n, n], seed: 3).scalars.map(Double.init)
        var a = [Double](repeating: 0, count: n * n)  // A = B·Bᵀ + diag: symmetric positive definite
        for i in 0..<n { for j in 0..<n { for k in 0..<n { a[i * n + j] += b[i * n + k] * b[j * n + k] } } }
        let eigen = SymmetricEigen(a, n: n)
        #expect(eigen.values == eigen.values.sorted())
        let back = eigen.applying { $0 }
        for i in 0..<(n * n) { #expect(Swift.abs(back[i] - a[i]) <= 1e-9 * (1 + Swift.abs(a[i]))) }
        // The eigenvectors are orthonormal, and the square root squares back to A.
        let root = eigen.applying { $0.squareRoot() }
        for i in 0..<n {
            for j in 0..<n {
                var dot = 0.0, square = 0.0
                for k in 0..<n { dot += eigen.vectors[k * n + i] * eigen.vectors[k * n + j]; square += root[i * n + k] * root[k * n + j] }
                #expect(Swift.abs(dot - (i == j ? 1 : 0)) <= 1e-10)
                #expect(Swift.abs(square - a[i * n + j]) <= 1e-8 * (1 + Swift.abs(a[i * n + j])))
            }
        }
    }

    @Test func eigenvaluesOfAKnownMatrix() {
        // [[2, 1], [1, 2]] has eigenvalues 1 and 3 with eigenvectors (1, −1)/√2 and (1, 1)/√2.
        let eigen = SymmetricEigen([2, 1, 1, 2], n: 2)
        #expect(Swift.abs(eigen.values[0] - 1) < 1e-12 && Swift.abs(eigen.values[1] - 3) < 1e-12)
        #expect(Swift.abs(Swift.abs(eigen.vectors[0]) - 0.5.squareRoot()) < 1e-12)
        #expect(Swift.abs(eigen.vectors[0] + eigen.vectors[2]) < 1e-12)
    }

    @Test func inceptionScoreBounds() {
        // Each sample certain of its class, classes equally frequent: IS = number of classes.
        let certain = Tensor.eye(4).expanded(to: [3, 4, 4]).reshaped(to: [12, 4])
        #expect(Swift.abs(inceptionScore(probabilities: certain) - 4) < 1e-5)
        // Every sample the same distribution: IS = 1.
        let same = Tensor([[0.7, 0.2, 0.1], [0.7, 0.2, 0.1]])
        #expect(Swift.abs(inceptionScore(probabilities: same) - 1) < 1e-6)
        // Two samples, each certain, of the same class: mode collapse also gives 1.
        #expect(Swift.abs(inceptionScore(probabilities: Tensor([[1, 0], [1, 0]])) - 1) < 1e-6)
    }

    @Test func frechetDistanceOfDiagonalGaussians() {
        // With commuting (diagonal) covariances, d² = ‖μ₁ − μ₂‖² + Σ (√a − √b)².
        let a = FeatureStatistics(mean: [0, 1, 2], covariance: [4, 0, 0, 0, 1, 0, 0, 0, 9], count: 2)
        let b = FeatureStatistics(mean: [1, 1, 0], covariance: [1, 0, 0, 0, 1, 0, 0, 0, 16], count: 2)
        #expect(Swift.abs(frechetDistance(a, b) - (1 + 4 + 1 + 0 + 1)) < 1e-9)
        #expect(frechetDistance(a, a) < 1e-9)
    }

    @Test func frechetDistanceOfSamplesMatchesTheClosedForm() {
        // Features x and 2x + 1: μ₂ = 2μ₁ + 1, Σ₂ = 4Σ₁, so d² = ‖μ₁ + 1‖² + Tr(Σ₁).
        let x = Tensor.randn([400, 5], seed: 11)
        let s1 = FeatureStatistics(features: x), s2 = FeatureStatistics(features: x * 2 + 1)
        var expected = 0.0
        for j in 0..<5 { expected += (s1.mean[j] + 1) * (s1.mean[j] + 1) + s1.covariance[j * 5 + j] }
        #expect(Swift.abs(frechetDistance(s1, s2) - expected) < 1e-6 * expected)
    }

    @Test func scorerTellsRealDigitsFromNoise() throws {
        // 1,000 images keep this test quick in a debug build; `deep eval` scores 10,000.
        let scorer = try MNISTSampleScorer()
        let (reference, own) = try scorer.testSetStatistics(count: 1000)
        #expect(own.inceptionScore >= 9.5, "real MNIST test images: \(own)")
        #expect(own.frechetDistance < 1e-6, "real MNIST test images against themselves: \(own)")
        let noise = Tensor.rand([1000, 1, 28, 28], seed: 4)
        let noisy = scorer.scores(noise, reference: reference)
        #expect(noisy.inceptionScore <= 2, "uniform noise: \(noisy)")
        // Other real digits (the training set) are far closer to the test set than noise is (with 1,000 samples of
        // 128 features the distance between two real sets is about 40, noise about 1,400).
        let train = try MNIST(split: .train).inputs[0..<1000]
        let real = scorer.scores(train, reference: reference)
        #expect(real.inceptionScore >= 9.5 && real.frechetDistance < noisy.frechetDistance / 10, "training images: \(real), noise: \(noisy)")
    }
}
