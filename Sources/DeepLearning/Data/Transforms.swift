// Data augmentation applied to whole batches of images on the fly, as torchvision.transforms (which apply
// to one image at a time; here every image of the batch draws its own random choice, in order).
//
// Randomness is explicit: a transform draws from the generator it is given, and ``DataLoader`` gives each batch
// a generator seeded by (seed, pass, batch index), so a run is reproducible from its seed whether or not the
// next batch is prepared on another thread.

/// A transformation of a batch of inputs [N, ...] that may draw random numbers.
public protocol BatchTransform {
    /// The transformed batch; random choices are drawn from `generator`.
    func callAsFunction(_ x: Tensor, using generator: inout RandomGenerator) -> Tensor
}

extension BatchTransform {
    /// The transformed batch, with random choices drawn from a generator seeded by `seed`.
    public func callAsFunction(_ x: Tensor, seed: UInt64) -> Tensor {
        var g = RandomGenerator(seed: seed)
        return self(x, using: &g)
    }
}

/// Checks that `x` is a batch of images [N, C, H, W] and returns its dimensions.
private func imageBatchShape(_ x: Tensor, _ name: String) -> (n: Int, c: Int, h: Int, w: Int) {
    require(x.rank == 4, "\(name): input of shape \(x.shape) must be a batch of images [N, C, H, W]")
    return (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
}

/// Crops each image at a random place, after padding its borders with zeros, as
/// `torchvision.transforms.RandomCrop(size, padding)`: [N, C, H, W] → [N, C, size.0, size.1].
///
/// For each image the top row i is uniform in 0…H + 2p − size.0 and the left column j in 0…W + 2p − size.1
/// (drawn in that order); output pixel (y, x) is the padded image's (i + y, j + x). A standard CIFAR
/// augmentation (He et al. 2016 §4.2: 4 pixels of padding, 32×32 crops).
public struct RandomCrop: BatchTransform {
    /// Output height and width.
    public let size: (Int, Int)
    /// Zeros added on each side (top/bottom, left/right) before cropping.
    public let padding: (Int, Int)

    /// A crop of `size` × `size` after `padding` zeros on every side.
    public init(size: Int, padding: Int = 0) { self.init(size: (size, size), padding: (padding, padding)) }

    /// A crop of size.0 × size.1 after padding.0 rows of zeros above and below and padding.1 columns left and right.
    public init(size: (Int, Int), padding: (Int, Int)) {
        require(size.0 > 0 && size.1 > 0 && padding.0 >= 0 && padding.1 >= 0,
                "RandomCrop: size \(size) must be positive and padding \(padding) non-negative")
        self.size = size
        self.padding = padding
    }

    public func callAsFunction(_ x: Tensor, using generator: inout RandomGenerator) -> Tensor {
        let (n, c, h, w) = imageBatchShape(x, "RandomCrop(size: \(size), padding: \(padding))")
        let (oh, ow) = size, (ph, pw) = padding
        require(oh <= h + 2 * ph && ow <= w + 2 * pw,
                "RandomCrop(size: \(size), padding: \(padding)): images of shape \(x.shape) are smaller than the crop")
        let offsets = (0..<n).map { _ in (generator.nextInt(below: h + 2 * ph - oh + 1), generator.nextInt(below: w + 2 * pw - ow + 1)) }
        let src = x.contiguous()
        return src.withUnsafeBufferPointer { s in
            Tensor(shape: [n, c, oh, ow]) { d, _ in
                for (b, (i, j)) in offsets.enumerated() {
                    for ch in 0..<c {
                        let plane = s.baseAddress! + (b * c + ch) * h * w, out = d + (b * c + ch) * oh * ow
                        for y in 0..<oh {
                            let sy = i + y - ph, row = out + y * ow
                            guard sy >= 0 && sy < h else { row.update(repeating: 0, count: ow); continue }
                            for xo in 0..<ow {
                                let sx = j + xo - pw
                                row[xo] = sx >= 0 && sx < w ? plane[sy * w + sx] : 0
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Mirrors each image left–right with probability p, as `torchvision.transforms.RandomHorizontalFlip(p)`:
/// [N, C, H, W] → the same shape. One uniform number u is drawn per image; it is flipped when u < p.
public struct RandomHorizontalFlip: BatchTransform {
    /// Probability of flipping an image.
    public let p: Float

    public init(p: Float = 0.5) {
        require(p >= 0 && p <= 1, "RandomHorizontalFlip: p = \(p) must be in [0, 1]")
        self.p = p
    }

    public func callAsFunction(_ x: Tensor, using generator: inout RandomGenerator) -> Tensor {
        let (n, c, h, w) = imageBatchShape(x, "RandomHorizontalFlip(p: \(p))")
        let flips = (0..<n).map { _ in generator.nextUniform() < p }
        let src = x.contiguous()
        return src.withUnsafeBufferPointer { s in
            Tensor(shape: src.shape) { d, _ in
                for (b, flip) in flips.enumerated() {
                    let base = b * c * h * w
                    for row in stride(from: base, to: base + c * h * w, by: w) {
                        if flip {
                            for xo in 0..<w { d[row + xo] = s[row + w - 1 - xo] }
                        } else {
                            (d + row).update(from: s.baseAddress! + row, count: w)
                        }
                    }
                }
            }
        }
    }
}

/// Per-channel standardisation (x − mean[c]) / std[c] of inputs [N, C, ...], as
/// `torchvision.transforms.Normalize(mean, std)`; draws nothing. See ``normalize(mean:std:)``.
public struct Normalize: BatchTransform {
    public let mean: [Float], std: [Float]
    private let apply: (Tensor) -> Tensor

    public init(mean: [Float], std: [Float]) {
        self.mean = mean
        self.std = std
        apply = normalize(mean: mean, std: std)
    }

    public func callAsFunction(_ x: Tensor, using generator: inout RandomGenerator) -> Tensor {
        require(x.rank >= 2 && x.shape[1] == mean.count,
                "Normalize: input of shape \(x.shape) has \(x.rank >= 2 ? x.shape[1] : 0) channels, expected \(mean.count)")
        return apply(x)
    }
}

/// Transforms applied one after another, as `torchvision.transforms.Compose`; all draw from the same
/// generator, in order.
public struct Compose: BatchTransform {
    public let transforms: [any BatchTransform]

    public init(_ transforms: [any BatchTransform]) { self.transforms = transforms }

    public func callAsFunction(_ x: Tensor, using generator: inout RandomGenerator) -> Tensor {
        transforms.reduce(x) { $1($0, using: &generator) }
    }
}
