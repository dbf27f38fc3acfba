extension PNG {
    /// Tiles a batch of one-channel images [N, 1, H, W] (or [N, H, W]), H = W, into a grid PNG: pixel values
    /// in `range` map linearly onto black…white (clamped), e.g. `-1...1` for a tanh generator's samples.
    /// `cols` defaults to ⌈√N⌉. Throws `DataError.io` naming the file when it cannot be written.
    public static func writeGrid(_ images: Tensor, range: ClosedRange<Float> = 0...1, cols: Int? = nil, scale: Int = 2,
                                 toPath path: String) throws {
        require((images.rank == 4 && images.shape[1] == 1 || images.rank == 3) && images.shape[images.rank - 1] == images.shape[images.rank - 2],
                "PNG.writeGrid: images of shape \(images.shape) must be [N, 1, S, S] or [N, S, S]")
        let n = images.shape[0], size = images.shape[images.rank - 1]
        let cols = cols ?? Int(Double(n).squareRoot().rounded(.up))
        let values = images.contiguous().scalars
        let span = range.upperBound - range.lowerBound
        let bytes = (0..<n).map { i in
            values[(i * size * size)..<((i + 1) * size * size)].map { v -> UInt8 in
                UInt8(Swift.max(0, Swift.min(255, ((v - range.lowerBound) / span * 255).rounded())))
            }
        }
        try writeGrid(gray: bytes, rows: (n + cols - 1) / cols, cols: cols, size: size, scale: scale, toPath: path)
    }
}
