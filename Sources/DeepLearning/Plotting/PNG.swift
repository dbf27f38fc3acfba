import CZlib

/// A minimal PNG encoder for 8-bit RGB and grayscale images.
///
/// The file is the PNG signature followed by three chunks: IHDR (size and pixel format),
/// one IDAT (the rows, each prefixed by filter type 0, compressed with zlib) and IEND.
/// Every chunk ends with the CRC-32 of its type and data.
public enum PNG {
    /// Encodes an 8-bit RGB image as PNG file bytes.
    /// - Parameters:
    ///   - rgb: `width * height * 3` bytes, row-major, R G B for each pixel.
    ///   - width: pixels per row.
    ///   - height: rows.
    /// - Precondition: `width` and `height` are positive and `rgb` has the right size.
    public static func encode(rgb: [UInt8], width: Int, height: Int) -> [UInt8] {
        require(rgb.count == width * height * 3, "PNG.encode(rgb:): expected \(width * height * 3) bytes, got \(rgb.count)")
        return encode(pixels: rgb, width: width, height: height, channels: 3, colorType: 2)
    }

    /// Encodes an 8-bit grayscale image (0 = black, 255 = white) as PNG file bytes.
    /// - Parameters:
    ///   - gray: `width * height` bytes, row-major.
    ///   - width: pixels per row.
    ///   - height: rows.
    /// - Precondition: `width` and `height` are positive and `gray` has the right size.
    public static func encode(gray: [UInt8], width: Int, height: Int) -> [UInt8] {
        require(gray.count == width * height, "PNG.encode(gray:): expected \(width * height) bytes, got \(gray.count)")
        return encode(pixels: gray, width: width, height: height, channels: 1, colorType: 0)
    }

    /// Encodes an RGB image and writes it atomically to `path`, creating missing directories.
    /// - Throws: `DataError.io` naming the file when it cannot be written.
    public static func write(rgb: [UInt8], width: Int, height: Int, toPath path: String) throws {
        try writeAtomically(encode(rgb: rgb, width: width, height: height), toPath: path)
    }

    /// Encodes a grayscale image and writes it atomically to `path`, creating missing directories.
    /// - Throws: `DataError.io` naming the file when it cannot be written.
    public static func write(gray: [UInt8], width: Int, height: Int, toPath path: String) throws {
        try writeAtomically(encode(gray: gray, width: width, height: height), toPath: path)
    }

    /// The 8 bytes every PNG file starts with.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    private static func encode(pixels: [UInt8], width: Int, height: Int, channels: Int, colorType: UInt8) -> [UInt8] {
        require(width > 0 && height > 0, "PNG images must be at least 1x1, got \(width)x\(height)")

        // Raw scanlines: a filter-type byte (0 = none) before each row.
        let rowBytes = width * channels
        var raw = [UInt8](repeating: 0, count: height * (rowBytes + 1))
        for y in 0 ..< height {
            raw[(y * (rowBytes + 1) + 1) ..< ((y + 1) * (rowBytes + 1))] = pixels[(y * rowBytes) ..< ((y + 1) * rowBytes)]
        }

        var header: [UInt8] = []
        appendBigEndian(UInt32(width), to: &header)
        appendBigEndian(UInt32(height), to: &header)
        header += [8, colorType, 0, 0, 0]  // bit depth, colour type, compression, filter, interlace

        var png = signature
        appendChunk("IHDR", header, to: &png)
        appendChunk("IDAT", zlibCompress(raw), to: &png)
        appendChunk("IEND", [], to: &png)
        return png
    }

    /// Appends a chunk: length, type, data, CRC-32 of type and data.
    private static func appendChunk(_ type: String, _ data: [UInt8], to png: inout [UInt8]) {
        appendBigEndian(UInt32(data.count), to: &png)
        let start = png.count
        png += Array(type.utf8)
        png += data
        let crc = png[start...].withUnsafeBufferPointer { crc32(0, $0.baseAddress, UInt32($0.count)) }
        appendBigEndian(UInt32(crc), to: &png)
    }

    private static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    /// Compresses `data` into a zlib stream (what IDAT holds) with zlib's default level.
    private static func zlibCompress(_ data: [UInt8]) -> [UInt8] {
        var capacity = compressBound(UInt(data.count))
        var output = [UInt8](repeating: 0, count: Int(capacity))
        let status = output.withUnsafeMutableBufferPointer { out in
            data.withUnsafeBufferPointer { input in
                compress2(out.baseAddress, &capacity, input.baseAddress, UInt(input.count), Z_DEFAULT_COMPRESSION)
            }
        }
        require(status == Z_OK, "zlib compress2 failed with status \(status)")
        output.removeLast(output.count - Int(capacity))
        return output
    }
}
