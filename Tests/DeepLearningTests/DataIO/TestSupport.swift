import CZlib
import Foundation
import XCTest

/// The repository's bundled data (MNIST, digits, Tiny Shakespeare).
let bundledData = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Data").path

/// The workplace's shared data sets beside the checkout (CIFAR-10 subset, iris); tests that need them skip
/// when they are absent.
let dataRoot = URL(fileURLWithPath: bundledData).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("shared/data").path

/// Skips the current test when a data file is not available.
func requireFile(_ path: String) throws {
    try XCTSkipUnless(FileManager.default.fileExists(atPath: path), "missing data file \(path)")
}

/// A fresh empty directory for one test; removed by the caller's tearDown if wanted.
func makeTemporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "dataio-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Compresses bytes into a gzip stream with zlib (windowBits 15 + 16 selects the gzip wrapper).
func gzipCompress(_ data: [UInt8]) -> [UInt8] {
    var stream = z_stream()
    precondition(deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                               zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK)
    defer { deflateEnd(&stream) }
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(data.count))) + 64)
    let status = data.withUnsafeBufferPointer { input in
        output.withUnsafeMutableBufferPointer { out -> Int32 in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = UInt32(input.count)
            stream.next_out = out.baseAddress
            stream.avail_out = UInt32(out.count)
            return deflate(&stream, Z_FINISH)
        }
    }
    precondition(status == Z_STREAM_END)
    output.removeLast(Int(stream.avail_out))
    return output
}

/// Deterministic, mildly compressible test bytes.
func sampleBytes(count: Int) -> [UInt8] {
    var state: UInt32 = 12345
    return (0 ..< count).map { i in
        state = state &* 1_103_515_245 &+ 12345
        return i % 3 == 0 ? UInt8(i % 251) : UInt8(state >> 24 & 0x0F)
    }
}

/// Big-endian 32-bit integer at `offset`.
func readUInt32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
    UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
}

/// One chunk of a PNG file.
struct PNGChunk {
    var type: String
    var data: [UInt8]
    var storedCRC: UInt32
    var computedCRC: UInt32
}

/// Splits a PNG file into chunks, checking the signature.
func parsePNGChunks(_ png: [UInt8]) -> [PNGChunk]? {
    guard png.count >= 8, Array(png[0 ..< 8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { return nil }
    var chunks: [PNGChunk] = []
    var offset = 8
    while offset + 12 <= png.count {
        let length = Int(readUInt32(png, offset))
        guard offset + 12 + length <= png.count else { return nil }
        let typeAndData = Array(png[(offset + 4) ..< (offset + 8 + length)])
        let computed = typeAndData.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count))) }
        chunks.append(PNGChunk(type: String(decoding: typeAndData[0 ..< 4], as: UTF8.self),
                               data: Array(typeAndData[4...]),
                               storedCRC: readUInt32(png, offset + 8 + length),
                               computedCRC: computed))
        offset += 12 + length
    }
    return offset == png.count ? chunks : nil
}

/// Inflates a zlib stream whose uncompressed size is known, with zlib's `uncompress`.
func zlibUncompress(_ data: [UInt8], expectedSize: Int) -> [UInt8]? {
    var size = UInt(expectedSize)
    var output = [UInt8](repeating: 0, count: expectedSize)
    let status = output.withUnsafeMutableBufferPointer { out in
        data.withUnsafeBufferPointer { input in
            uncompress(out.baseAddress, &size, input.baseAddress, UInt(input.count))
        }
    }
    return status == Z_OK && Int(size) == expectedSize ? output : nil
}

/// Decodes a PNG written by `PNG.encode` (8-bit, filter 0 only): size, channels, pixels.
func decodeSimplePNG(_ png: [UInt8]) -> (width: Int, height: Int, channels: Int, pixels: [UInt8])? {
    guard let chunks = parsePNGChunks(png), chunks.first?.type == "IHDR", chunks.last?.type == "IEND",
          chunks.allSatisfy({ $0.storedCRC == $0.computedCRC }) else { return nil }
    let header = chunks[0].data
    let width = Int(readUInt32(header, 0)), height = Int(readUInt32(header, 4))
    guard header[8] == 8, header[9] == 2 || header[9] == 0 else { return nil }
    let channels = header[9] == 2 ? 3 : 1
    let idat = chunks.filter { $0.type == "IDAT" }.flatMap(\.data)
    let rowBytes = width * channels
    guard let raw = zlibUncompress(idat, expectedSize: height * (rowBytes + 1)) else { return nil }
    var pixels: [UInt8] = []
    for y in 0 ..< height {
        guard raw[y * (rowBytes + 1)] == 0 else { return nil }
        pixels += raw[(y * (rowBytes + 1) + 1) ..< ((y + 1) * (rowBytes + 1))]
    }
    return (width, height, channels, pixels)
}
