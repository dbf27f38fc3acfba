/// An IDX file of unsigned bytes (element type code 0x08), the format of MNIST and Fashion-MNIST.
///
/// Layout: a big-endian magic number `00 00 08 d` (`d` = number of dimensions), then `d`
/// big-endian 32-bit sizes, then the elements in row-major order. Images files have magic
/// 2051 and dimensions `[n, rows, cols]`; labels files have magic 2049 and dimensions `[n]`.
public struct IDXFile: Sendable, Equatable {
    /// Magic number of an images file: unsigned bytes, 3 dimensions `[n, rows, cols]`.
    public static let imagesMagic: UInt32 = 2051
    /// Magic number of a labels file: unsigned bytes, 1 dimension `[n]`.
    public static let labelsMagic: UInt32 = 2049

    /// The size of each dimension, outermost first (e.g. `[60000, 28, 28]`).
    public let dimensions: [Int]
    /// The elements in row-major order; `bytes.count` is the product of `dimensions`.
    public let bytes: [UInt8]

    /// The number of items: the size of the first dimension.
    public var count: Int { dimensions.first ?? 0 }

    /// Creates an IDX file from its parts.
    /// - Precondition: `bytes.count` equals the product of `dimensions`.
    public init(dimensions: [Int], bytes: [UInt8]) {
        require(bytes.count == dimensions.reduce(1, *), "IDX bytes do not match dimensions \(dimensions)")
        self.dimensions = dimensions
        self.bytes = bytes
    }

    /// Reads an unsigned-byte IDX file, plain or gzip-compressed.
    ///
    /// - Parameters:
    ///   - path: the file to read.
    ///   - expectedMagic: when given (e.g. `IDXFile.imagesMagic`), the file must start with exactly this magic number.
    /// - Throws: `DataError.fileNotFound`, `.badMagic`, `.truncated` (with the byte offset where the data ran out),
    ///   or `.corrupt` (unsupported element type, extra bytes after the data, damaged gzip stream).
    public static func read(atPath path: String, expectedMagic: UInt32? = nil) throws -> IDXFile {
        try decode(readBytes(atPath: path), path: path, expectedMagic: expectedMagic)
    }

    /// Decodes the bytes of an IDX file as stored: plain, or gzip-compressed. A compressed file is inflated
    /// only as far as its header declares (the header is inflated first), so a damaged size trailer or a
    /// stream that inflates to gigabytes never makes the reader reserve more than the data the header
    /// describes. `path` is only used in error messages.
    /// - Throws: as ``read(atPath:expectedMagic:)``; `DataError.corrupt` when the stream inflates to more
    ///   bytes than the header declares.
    public static func decode(_ stored: [UInt8], path: String, expectedMagic: UInt32? = nil) throws -> IDXFile {
        guard isGzip(stored) else { return try parse(stored, path: path, expectedMagic: expectedMagic) }
        let head = try header(gunzipPrefix(stored, count: 4 + 4 * 255, path: path), path: path, expectedMagic: expectedMagic)
        let (declared, overflow) = head.size.addingReportingOverflow(head.elementCount)
        return try parse(gunzip(stored, path: path, limit: overflow ? gunzipLimit : min(declared, gunzipLimit)),
                         path: path, expectedMagic: expectedMagic)
    }

    /// Parses the bytes of an uncompressed IDX file; `path` is only used in error messages.
    public static func parse(_ data: [UInt8], path: String, expectedMagic: UInt32? = nil) throws -> IDXFile {
        let (magic, dimensions, headerSize, elementCount) = try header(data, path: path, expectedMagic: expectedMagic)
        let payload = data.count - headerSize
        if payload < elementCount {
            let what = magic == imagesMagic ? "pixel data" : magic == labelsMagic ? "label data" : "element data"
            throw DataError.truncated(path: path, offset: data.count, needed: elementCount,
                                      what: "\(what) starting at byte \(headerSize)")
        }
        if payload > elementCount {
            throw DataError.corrupt(path: path, offset: headerSize + elementCount, reason:
                "\(payload - elementCount) unexpected bytes after the \(elementCount) bytes of data for dimensions \(dimensions)")
        }
        return IDXFile(dimensions: dimensions, bytes: Array(data[headerSize...]))
    }

    /// The header at the start of `data`: magic number, dimensions, header size and element count (checked
    /// for overflow).
    private static func header(_ data: [UInt8], path: String, expectedMagic: UInt32?) throws
        -> (magic: UInt32, dimensions: [Int], size: Int, elementCount: Int) {
        guard data.count >= 4 else {
            throw DataError.truncated(path: path, offset: data.count, needed: 4, what: "IDX magic number")
        }
        let magic = bigEndianUInt32(data, at: 0)
        if let expectedMagic, magic != expectedMagic {
            throw DataError.badMagic(path: path, found: magic, expected: expectedMagic)
        }
        guard data[0] == 0, data[1] == 0 else {
            throw DataError.corrupt(path: path, offset: 0, reason: "not an IDX file (magic number \(magic))")
        }
        guard data[2] == 0x08 else {
            throw DataError.corrupt(path: path, offset: 2, reason:
                "IDX element type 0x\(String(data[2], radix: 16)) is not supported, only unsigned bytes (0x08)")
        }
        let rank = Int(data[3])
        guard rank > 0 else {
            throw DataError.corrupt(path: path, offset: 3, reason: "IDX file has zero dimensions")
        }

        let headerSize = 4 + 4 * rank
        guard data.count >= headerSize else {
            throw DataError.truncated(path: path, offset: data.count, needed: headerSize, what: "IDX header")
        }
        let dimensions = (0 ..< rank).map { Int(bigEndianUInt32(data, at: 4 + 4 * $0)) }

        // Product of the dimensions, guarding against overflow from a garbage header.
        var elementCount = 1
        for size in dimensions {
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: size)
            guard !overflow else {
                throw DataError.corrupt(path: path, offset: 4, reason: "IDX dimensions \(dimensions) are too large")
            }
            elementCount = product
        }
        return (magic, dimensions, headerSize, elementCount)
    }
}

/// Reads 4 bytes at `offset` as a big-endian unsigned integer.
private func bigEndianUInt32(_ data: [UInt8], at offset: Int) -> UInt32 {
    UInt32(data[offset]) << 24 | UInt32(data[offset + 1]) << 16 | UInt32(data[offset + 2]) << 8 | UInt32(data[offset + 3])
}
