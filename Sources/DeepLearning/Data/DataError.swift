import Foundation

/// An error raised while reading or writing a data file.
///
/// Every case carries the path of the file involved, and the description always
/// names that file and, where known, the byte offset of the problem, e.g.
/// `train-images-idx3-ubyte.gz: truncated at byte 1024: needed 47040000 bytes of pixel data starting at byte 16`.
///
/// For gzip-compressed files, offsets reported by the format readers (IDX, CIFAR, CSV)
/// refer to the *decompressed* bytes; offsets reported while inflating refer to the
/// compressed file.
public enum DataError: Error, CustomStringConvertible, LocalizedError {
    /// No file exists at `path`.
    case fileNotFound(path: String)

    /// The data ended at byte `offset` while `needed` bytes of `what` were still expected
    /// (`needed` is the size of the whole section being read, e.g. all the pixel data).
    case truncated(path: String, offset: Int, needed: Int, what: String = "data")

    /// The file starts with the magic number `found` where `expected` was required.
    case badMagic(path: String, found: UInt32, expected: UInt32)

    /// The file is malformed; `offset` is the byte offset of the problem when it is known.
    case corrupt(path: String, offset: Int?, reason: String)

    /// The operating system refused an operation on the file (permissions, disk full, ...).
    case io(path: String, reason: String)

    /// The path of the file the error is about.
    public var path: String {
        switch self {
        case .fileNotFound(let path), .truncated(let path, _, _, _), .badMagic(let path, _, _),
             .corrupt(let path, _, _), .io(let path, _):
            return path
        }
    }

    /// A one-line, human-readable explanation that names the file and, where known, the byte offset.
    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): file not found"
        case .truncated(let path, let offset, let needed, let what):
            return "\(path): truncated at byte \(offset): needed \(needed) bytes of \(what)"
        case .badMagic(let path, let found, let expected):
            return "\(path): bad magic number \(hex(found)) (\(found)), expected \(hex(expected)) (\(expected))"
        case .corrupt(let path, let offset?, let reason):
            return "\(path): corrupt at byte \(offset): \(reason)"
        case .corrupt(let path, nil, let reason):
            return "\(path): corrupt: \(reason)"
        case .io(let path, let reason):
            return "\(path): \(reason)"
        }
    }

    /// Same as `description`, so that `error.localizedDescription` is informative too.
    public var errorDescription: String? { description }
}

/// Formats a 32-bit value as `0x00000803`.
private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
