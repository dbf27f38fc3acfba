import CZlib
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Reading

/// Reads the whole file at `path` into memory.
///
/// - Throws: `DataError.fileNotFound` when nothing exists at `path`,
///   `DataError.io` for any other failure (permissions, a directory, ...).
public func readBytes(atPath path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
        if errno == ENOENT { throw DataError.fileNotFound(path: path) }
        throw DataError.io(path: path, reason: "cannot open: \(systemError())")
    }
    defer { close(fd) }

    var info = stat()
    guard fstat(fd, &info) == 0 else {
        throw DataError.io(path: path, reason: "cannot stat: \(systemError())")
    }

    // Read the size reported by fstat in one go (one spare byte lets the final read see
    // end of file without growing the buffer), then keep reading in chunks until end of
    // file, in case the file grew or its size was not known (pipes, /proc).
    var bytes = [UInt8](repeating: 0, count: max(Int(info.st_size), 0) + 1)
    var filled = 0
    while true {
        if filled == bytes.count {
            bytes.append(contentsOf: repeatElement(0, count: max(bytes.count, 1 << 16)))
        }
        let n = bytes.withUnsafeMutableBytes { buffer in
            read(fd, buffer.baseAddress! + filled, buffer.count - filled)
        }
        if n < 0 {
            if errno == EINTR { continue }
            throw DataError.io(path: path, reason: "cannot read: \(systemError())")
        }
        if n == 0 { break }
        filled += n
    }
    bytes.removeLast(bytes.count - filled)
    return bytes
}

/// Returns true when `bytes` starts with the gzip magic number 1f 8b.
public func isGzip(_ bytes: [UInt8]) -> Bool {
    bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
}

/// Reads the file at `path`, inflating it first when it is gzip-compressed
/// (detected by the magic bytes 1f 8b, not by the file name).
///
/// - Throws: everything `readBytes(atPath:)` throws, and `DataError.corrupt`
///   naming the file and the compressed byte offset when the gzip stream is damaged or truncated.
public func readMaybeGzipped(atPath path: String) throws -> [UInt8] {
    let bytes = try readBytes(atPath: path)
    return isGzip(bytes) ? try gunzip(bytes, path: path) : bytes
}

/// Inflates a complete gzip (or zlib) stream held in memory.
///
/// Concatenated gzip members are inflated one after the other, as `gunzip` does;
/// trailing zero padding is ignored.
///
/// - Parameters:
///   - compressed: the compressed bytes.
///   - path: the file name to put in error messages.
/// - Throws: `DataError.corrupt` (with the compressed byte offset) for a damaged or truncated stream.
public func gunzip(_ compressed: [UInt8], path: String = "<memory>") throws -> [UInt8] {
    // The last 4 bytes of a gzip member hold the uncompressed size modulo 2^32;
    // use it (bounded by deflate's maximum ratio) as a capacity hint.
    var output: [UInt8] = []
    if compressed.count >= 18 {
        let n = compressed.count
        let isize = Int(compressed[n - 4]) | Int(compressed[n - 3]) << 8
            | Int(compressed[n - 2]) << 16 | Int(compressed[n - 1]) << 24
        output.reserveCapacity(min(isize, n * 1032))
    }

    var stream = z_stream()
    // windowBits 15 + 32: 32 KiB window, auto-detect gzip or zlib headers.
    guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
        throw DataError.io(path: path, reason: "zlib inflateInit2 failed")
    }
    defer { inflateEnd(&stream) }

    var chunk = [UInt8](repeating: 0, count: 1 << 18)
    try compressed.withUnsafeBufferPointer { input in
        var consumed = 0  // compressed bytes fed to zlib so far
        while true {
            // zlib's counters are 32-bit; feed the input in pieces of at most 1 GiB.
            if stream.avail_in == 0 && consumed < input.count {
                let piece = min(input.count - consumed, 1 << 30)
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + consumed)
                stream.avail_in = UInt32(piece)
                consumed += piece
            }
            let status = chunk.withUnsafeMutableBufferPointer { out -> Int32 in
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(out.count)
                return inflate(&stream, Z_NO_FLUSH)
            }
            output.append(contentsOf: chunk[0 ..< chunk.count - Int(stream.avail_out)])
            let offset = consumed - Int(stream.avail_in)  // position in the compressed file

            switch status {
            case Z_OK:
                continue
            case Z_STREAM_END:
                let rest = input[offset...]
                if rest.count >= 2 && rest[offset] == 0x1f && rest[offset + 1] == 0x8b {
                    inflateReset(&stream)  // another gzip member follows
                    continue
                }
                if let junk = rest.firstIndex(where: { $0 != 0 }) {
                    throw DataError.corrupt(path: path, offset: junk,
                                            reason: "unexpected data after the end of the gzip stream")
                }
                return
            case Z_BUF_ERROR where stream.avail_in == 0 && consumed == input.count:
                throw DataError.corrupt(
                    path: path, offset: offset,
                    reason: "gzip stream is truncated: the file ends before the end of the compressed data "
                        + "(\(output.count) bytes inflated so far)")
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw DataError.corrupt(path: path, offset: offset, reason: "bad gzip data: \(message)")
            }
        }
    }
    return output
}

// MARK: - Writing

/// Writes `bytes` to `path` atomically: the data goes to a temporary file in the same
/// directory, is flushed to disk with fsync, and is then renamed over the destination,
/// so a crash leaves either the old file or the complete new one, never a half-written one.
/// Missing parent directories are created.
///
/// - Throws: `DataError.io` naming the file when any step fails.
public func writeAtomically(_ bytes: [UInt8], toPath path: String) throws {
    try bytes.withUnsafeBytes { try writeAtomically(buffer: $0, toPath: path) }
}

/// Writes `data` to `path` atomically; see `writeAtomically(_:toPath:)` for `[UInt8]`.
public func writeAtomically(_ data: Data, toPath path: String) throws {
    try data.withUnsafeBytes { try writeAtomically(buffer: $0, toPath: path) }
}

private func writeAtomically(buffer: UnsafeRawBufferPointer, toPath path: String) throws {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent().path
    do {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    } catch {
        throw DataError.io(path: path, reason: "cannot create directory \(directory): \(error.localizedDescription)")
    }

    let suffix = String(UInt32.random(in: .min ... .max), radix: 16)
    let temporary = directory + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(suffix)"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
    guard fd >= 0 else {
        throw DataError.io(path: path, reason: "cannot create temporary file \(temporary): \(systemError())")
    }

    func fail(_ what: String) -> DataError {
        let error = DataError.io(path: path, reason: "\(what): \(systemError())")
        close(fd)
        unlink(temporary)
        return error
    }

    var written = 0
    while written < buffer.count {
        let n = write(fd, buffer.baseAddress! + written, buffer.count - written)
        if n < 0 {
            if errno == EINTR { continue }
            throw fail("cannot write")
        }
        written += n
    }
    guard fsync(fd) == 0 else { throw fail("cannot fsync") }
    guard close(fd) == 0 else {
        let error = DataError.io(path: path, reason: "cannot close: \(systemError())")
        unlink(temporary)
        throw error
    }
    guard rename(temporary, path) == 0 else {
        let error = DataError.io(path: path, reason: "cannot rename temporary file into place: \(systemError())")
        unlink(temporary)
        throw error
    }

    // Make the rename itself durable; failure here is harmless, so it is ignored.
    let directoryFD = open(directory, O_RDONLY | O_CLOEXEC)
    if directoryFD >= 0 {
        _ = fsync(directoryFD)
        close(directoryFD)
    }
}

/// The message for the current `errno`, e.g. "Permission denied".
private func systemError() -> String {
    String(cString: strerror(errno))
}
