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
/// - Parameters:
///   - path: the file to read.
///   - limit: the most bytes the inflated data may hold (see ``gunzipLimit``).
/// - Throws: everything `readBytes(atPath:)` throws, and `DataError.corrupt`
///   naming the file and the compressed byte offset when the gzip stream is damaged, truncated or inflates to
///   more than `limit` bytes.
public func readMaybeGzipped(atPath path: String, limit: Int = gunzipLimit) throws -> [UInt8] {
    let bytes = try readBytes(atPath: path)
    return isGzip(bytes) ? try gunzip(bytes, path: path, limit: limit) : bytes
}

/// The most bytes ``gunzip(_:path:limit:)`` inflates by default: 2 GiB (the largest bundled file, CIFAR-10's
/// training set, is 150 MB). A file that inflates to more is refused rather than exhausting memory.
public let gunzipLimit = 1 << 31

/// Inflates a complete gzip (or zlib) stream held in memory.
///
/// Concatenated gzip members are inflated one after the other, as `gunzip` does;
/// trailing zero padding is ignored. Memory is reserved from the size the last member's trailer states only up
/// to `limit` and to deflate's largest ratio (1032:1), so a trailer that claims 4 GiB reserves nothing
/// unreasonable; the output grows as it is inflated and is refused past `limit`.
///
/// - Parameters:
///   - compressed: the compressed bytes.
///   - path: the file name to put in error messages.
///   - limit: the most bytes the output may hold; a reader that knows its size (IDX) passes it.
/// - Throws: `DataError.corrupt` (with the compressed byte offset) for a damaged or truncated stream, or one
///   that inflates to more than `limit` bytes.
public func gunzip(_ compressed: [UInt8], path: String = "<memory>", limit: Int = gunzipLimit) throws -> [UInt8] {
    try inflate(compressed, path: path, limit: limit, prefixOnly: false)
}

/// The first `count` bytes of a gzip (or zlib) stream, or fewer when it is shorter; inflates no further.
func gunzipPrefix(_ compressed: [UInt8], count: Int, path: String) throws -> [UInt8] {
    try inflate(compressed, path: path, limit: count, prefixOnly: true)
}

/// The capacity to reserve for inflating `compressed`: the size its trailer states (the last 4 bytes of a gzip
/// member hold the uncompressed size modulo 2^32), bounded by deflate's largest ratio (1032:1) and by `limit`,
/// since the trailer is only a hint that a damaged file can set to anything.
func gunzipReservation(_ compressed: [UInt8], limit: Int) -> Int {
    let n = compressed.count
    guard n >= 18 else { return 0 }
    let isize = Int(compressed[n - 4]) | Int(compressed[n - 3]) << 8 | Int(compressed[n - 2]) << 16 | Int(compressed[n - 1]) << 24
    let (ratioBound, overflow) = n.multipliedReportingOverflow(by: 1032)
    return max(0, min(isize, overflow ? Int.max : ratioBound, limit))
}

/// Inflates `compressed` up to `limit` bytes: past it, throws (or, with `prefixOnly`, returns the first `limit`
/// bytes).
private func inflate(_ compressed: [UInt8], path: String, limit: Int, prefixOnly: Bool) throws -> [UInt8] {
    var output: [UInt8] = []
    output.reserveCapacity(gunzipReservation(compressed, limit: limit))

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
            let produced = chunk.count - Int(stream.avail_out)
            let offset = consumed - Int(stream.avail_in)  // position in the compressed file
            if produced > limit - output.count {
                if prefixOnly {
                    output.append(contentsOf: chunk[0 ..< limit - output.count])
                    return
                }
                throw DataError.corrupt(path: path, offset: offset, reason:
                    "the gzip stream inflates to more than \(limit) bytes, the most this file may hold")
            }
            output.append(contentsOf: chunk[0 ..< produced])

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
/// The temporary file is named `.<name>.tmp-<pid>-<random>`. A write that is killed leaves it behind; the next
/// write of the same `path` removes every such file whose process no longer runs (see
/// ``removeStaleTemporaryFiles(of:)``), so killed saves do not pile up.
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

    removeStaleTemporaryFiles(of: path)
    let suffix = String(UInt32.random(in: .min ... .max), radix: 16)
    let temporary = directory + "/" + temporaryPrefix(of: url.lastPathComponent) + "\(getpid())-\(suffix)"
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

/// How the temporary files of a write of `name` begin: `.<name>.tmp-`, followed by the writer's process id.
private func temporaryPrefix(of name: String) -> String { "." + name + ".tmp-" }

/// Removes the temporary files that writes of `path` killed before their rename left in its directory: the
/// files `.<name>.tmp-<pid>-…` whose process `pid` no longer runs. A file of a running process (a write in
/// progress, in this process or another) is left alone. Returns the paths removed.
@discardableResult
public func removeStaleTemporaryFiles(of path: String) -> [String] {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent().path
    let prefix = temporaryPrefix(of: url.lastPathComponent)
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
    var removed: [String] = []
    for name in names where name.hasPrefix(prefix) {
        let rest = name.dropFirst(prefix.count)
        guard let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash]), pid > 0 else { continue }
        // kill(pid, 0) sends nothing: it fails with ESRCH only when no process has that id.
        guard kill(pid, 0) != 0 && errno == ESRCH else { continue }
        if unlink(directory + "/" + name) == 0 { removed.append(directory + "/" + name) }
    }
    return removed
}

/// The message for the current `errno`, e.g. "Permission denied".
private func systemError() -> String {
    String(cString: strerror(errno))
}
