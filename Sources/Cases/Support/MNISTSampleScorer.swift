import Foundation
import DeepLearning

/// Inception Score and Fréchet distance of MNIST-like images, measured with the project's own MNIST
/// classifier (the MNIST analogue of IS and FID: Salimans et al. 2016, Heusel et al. 2017).
///
/// The classifier is the network of the `mnist-cnn` case, trained by
/// `deep train mnist-cnn --epochs 6 --batch-size 64 --lr 0.001 --optimizer adam --seed 0` and bundled as
/// `Data/mnist-classifier/mnist-cnn.safetensors` (its test accuracy and provenance are in Data/README.md).
/// Its class probabilities give the Inception Score, its penultimate layer (the 128 ReLU features before the
/// last Linear) the Fréchet distance. Images are [N, 1, 28, 28] with pixel values in [0, 1] (map a tanh
/// generator's output with (x + 1) / 2); they are normalised as the classifier was trained (``MNISTCNN/transform``).
public final class MNISTSampleScorer {
    /// The bundled checkpoint, under Data/.
    public static let bundledCheckpoint = "mnist-classifier/mnist-cnn.safetensors"

    /// The mnist-cnn network (``MNISTCNN/makeModel()``), in eval mode.
    let model = MNISTCNN.makeModel()
    /// Its layers up to the penultimate features (Linear(800, 128) and its ReLU), and the rest.
    let featureLayers: [any Layer], headLayers: [any Layer]

    /// The classifier from `checkpoint`, or the bundled one. Throws when the file is missing or does not hold
    /// the mnist-cnn network.
    public init(checkpoint: String? = nil) throws {
        try model.load(from: checkpoint ?? DataLocation.bundled(Self.bundledCheckpoint))
        model.eval()
        let layers = model.layers.map { $0 as! any Layer }
        let penultimate = layers.lastIndex { $0 is ReLU }!
        (featureLayers, headLayers) = (Array(layers[...penultimate]), Array(layers[(penultimate + 1)...]))
    }

    /// Class probabilities p(y|x) [N, 10] and penultimate features [N, 128] of images [N, 1, 28, 28] in [0, 1].
    public func classify(_ images: Tensor, batchSize: Int = 500) -> (probabilities: Tensor, features: Tensor) {
        require(images.rank == 4 && Array(images.shape.dropFirst()) == [1, 28, 28],
                "MNISTSampleScorer: images of shape \(images.shape) must be [N, 1, 28, 28]")
        var probabilities: [Tensor] = [], features: [Tensor] = []
        withNoGrad {
            for start in stride(from: 0, to: images.shape[0], by: batchSize) {
                let batch = images[start..<Swift.min(start + batchSize, images.shape[0])]
                let f = featureLayers.reduce(MNISTCNN.transform!(batch)) { x, layer in layer(x) }
                features.append(f)
                probabilities.append(headLayers.reduce(f) { x, layer in layer(x) }.softmax(alongAxis: 1))
            }
        }
        return (Tensor.concatenated(probabilities, alongAxis: 0), Tensor.concatenated(features, alongAxis: 0))
    }

    /// IS and the Fréchet distance to `reference` (e.g. ``testSetStatistics()``) of images [N, 1, 28, 28] in [0, 1].
    public func scores(_ images: Tensor, reference: FeatureStatistics) -> SampleScores {
        let (p, f) = classify(images)
        return SampleScores(inceptionScore: inceptionScore(probabilities: p),
                            frechetDistance: frechetDistance(FeatureStatistics(features: f), reference), count: images.shape[0])
    }

    /// The feature statistics of the first `count` MNIST test images (all 10,000 by default) and their own scores
    /// (IS, and the Fréchet distance to themselves, 0 up to rounding).
    public func testSetStatistics(count: Int = 10_000) throws -> (statistics: FeatureStatistics, scores: SampleScores) {
        let images = try MNIST(split: .test).inputs
        let (p, f) = classify(images[0..<Swift.min(count, images.shape[0])])
        let statistics = FeatureStatistics(features: f)
        return (statistics, SampleScores(inceptionScore: inceptionScore(probabilities: p),
                                         frechetDistance: frechetDistance(statistics, statistics), count: p.shape[0]))
    }
}

/// Inception Score (1 to 10, higher is better) and Fréchet distance (≥ 0, lower is better) of a set of samples.
public struct SampleScores: Sendable, CustomStringConvertible {
    /// exp(E[KL(p(y|x) ‖ p(y))]).
    public let inceptionScore: Double
    /// Fréchet distance between the classifier's penultimate features of the samples and of the reference.
    public let frechetDistance: Double
    /// Number of samples scored.
    public let count: Int

    public var description: String {
        String(format: "IS %.3f, FD %.3f (%d samples)", inceptionScore, frechetDistance, count)
    }
}
