/// A CIFAR-10 binary batch file (e.g. `data_batch_1.bin`), plain or gzip-compressed.
///
/// The file is a sequence of 3073-byte records: 1 label byte (0...9), then 3072 pixel bytes
/// holding a 32x32 image as three planes, red then green then blue, each row-major.
public struct CIFARBinary: Sendable, Equatable {
    /// Bytes in one record: the label plus the image.
    public static let recordSize = 1 + imageSize
    /// Bytes in one image: 3 colour planes of 32x32.
    public static let imageSize = 3 * 32 * 32
    /// The ten CIFAR-10 class names, indexed by label.
    public static let classNames = ["airplane", "automobile", "bird", "cat", "deer",
                                    "dog", "frog", "horse", "ship", "truck"]

    /// All images back to back, `count * 3072` bytes; image `i` starts at `i * 3072`
    /// and is laid out as the R, G and B planes of 32x32 pixels.
    public let images: [UInt8]
    /// One label (0...9) per image.
    public let labels: [UInt8]

    /// The number of records.
    public var count: Int { labels.count }

    /// Creates a batch from its parts.
    /// - Precondition: `images.count == labels.count * 3072`.
    public init(images: [UInt8], labels: [UInt8]) {
        require(images.count == labels.count * Self.imageSize, "CIFAR images do not match the label count")
        self.images = images
        self.labels = labels
    }

    /// Reads a CIFAR-10 binary batch file.
    ///
    /// - Throws: `DataError.fileNotFound`; `.truncated` when the file is empty or its size is not a
    ///   multiple of 3073 (the message names the offset of the incomplete record);
    ///   `.corrupt` with the record's offset when a label is greater than 9.
    public static func read(atPath path: String) throws -> CIFARBinary {
        try parse(readMaybeGzipped(atPath: path), path: path)
    }

    /// Parses the bytes of a CIFAR-10 binary batch; `path` is only used in error messages.
    public static func parse(_ data: [UInt8], path: String) throws -> CIFARBinary {
        let recordCount = data.count / recordSize
        let incompleteStart = recordCount * recordSize
        if data.isEmpty || incompleteStart != data.count {
            throw DataError.truncated(path: path, offset: data.count, needed: recordSize, what:
                "CIFAR record \(recordCount), which starts at byte \(incompleteStart) (file size must be a multiple of \(recordSize))")
        }

        var labels = [UInt8](repeating: 0, count: recordCount)
        var images = [UInt8](repeating: 0, count: recordCount * imageSize)
        try data.withUnsafeBufferPointer { source in
            try images.withUnsafeMutableBufferPointer { target in
                for record in 0 ..< recordCount {
                    let start = record * recordSize
                    let label = source[start]
                    guard label <= 9 else {
                        throw DataError.corrupt(path: path, offset: start,
                                                reason: "label \(label) of record \(record) is not in 0...9")
                    }
                    labels[record] = label
                    (target.baseAddress! + record * imageSize)
                        .update(from: source.baseAddress! + start + 1, count: imageSize)
                }
            }
        }
        return CIFARBinary(images: images, labels: labels)
    }
}
