/// A minimal animated-GIF encoder (GIF89a), for episodes rendered frame by frame.
///
/// The file is the header, a logical screen descriptor with one global color table, the NETSCAPE2.0
/// extension (loop forever), and for each frame a graphic control extension (its delay) and an image whose
/// palette indices are compressed with variable-width LZW (Welch, 1984, as the GIF89a specification has it:
/// codes of 9 to 12 bits, least-significant bit first, a clear code when the table is full; the code-width
/// and table-full steps follow Go's `compress/lzw`). The palette holds the frames' colors exactly when there
/// are at most 256 of them (rendered environments have a handful); otherwise colors are reduced to 3-3-2 bits.
public enum GIF {
    /// Encodes RGB frames of one size as an animated GIF that loops forever.
    /// - Parameters:
    ///   - frames: each `width · height · 3` bytes, row-major, R G B per pixel.
    ///   - width: pixels per row of every frame.
    ///   - height: rows of every frame.
    ///   - delay: time each frame is shown, in hundredths of a second.
    /// - Precondition: at least one frame, all of the given size.
    public static func encode(frames: [[UInt8]], width: Int, height: Int, delay: Int = 4) -> [UInt8] {
        require(!frames.isEmpty && width > 0 && height > 0 && width < 65536 && height < 65536,
                "GIF.encode: need at least one frame of a positive size below 65536, got \(frames.count) frames of \(width)x\(height)")
        for (i, frame) in frames.enumerated() {
            require(frame.count == width * height * 3, "GIF.encode: frame \(i) has \(frame.count) bytes, expected \(width * height * 3) for \(width)x\(height)")
        }
        let (palette, indexOf) = makePalette(frames)
        var gif = Array("GIF89a".utf8)
        appendLittleEndian(width, to: &gif)
        appendLittleEndian(height, to: &gif)
        gif += [0xF7, 0, 0]  // global color table of 256 entries, 8 bits per primary; background 0; aspect 0
        for i in 0..<256 {
            let c = i < palette.count ? palette[i] : 0
            gif += [UInt8(c >> 16), UInt8(c >> 8 & 0xFF), UInt8(c & 0xFF)]
        }
        gif += [0x21, 0xFF, 11] + Array("NETSCAPE2.0".utf8) + [3, 1, 0, 0, 0]  // loop forever
        for frame in frames {
            gif += [0x21, 0xF9, 4, 0]  // graphic control: no disposal, no transparency
            appendLittleEndian(delay, to: &gif)
            gif += [0, 0]
            gif += [0x2C, 0, 0, 0, 0]  // image descriptor at (0, 0), full size, no local table
            appendLittleEndian(width, to: &gif)
            appendLittleEndian(height, to: &gif)
            gif.append(0)
            let indices = (0..<(width * height)).map { p in
                indexOf(Int(frame[3 * p]) << 16 | Int(frame[3 * p + 1]) << 8 | Int(frame[3 * p + 2]))
            }
            gif.append(8)  // minimum code size
            let data = lzwCompress(indices, minimumCodeSize: 8)
            for start in stride(from: 0, to: data.count, by: 255) {
                let block = data[start..<min(start + 255, data.count)]
                gif.append(UInt8(block.count))
                gif += block
            }
            gif.append(0)
        }
        gif.append(0x3B)
        return gif
    }

    /// Encodes the frames and writes them atomically to `path`, creating missing directories.
    /// - Throws: `DataError.io` naming the file when it cannot be written.
    public static func write(frames: [[UInt8]], width: Int, height: Int, delay: Int = 4, toPath path: String) throws {
        try writeAtomically(encode(frames: frames, width: width, height: height, delay: delay), toPath: path)
    }

    /// The palette (colors as 0xRRGGBB) and the map from a color to its index.
    private static func makePalette(_ frames: [[UInt8]]) -> ([Int], (Int) -> UInt8) {
        var seen: [Int: UInt8] = [:], palette: [Int] = []
        for frame in frames {
            for p in stride(from: 0, to: frame.count, by: 3) {
                let c = Int(frame[p]) << 16 | Int(frame[p + 1]) << 8 | Int(frame[p + 2])
                if seen[c] == nil {
                    if palette.count == 256 {
                        // Too many colors: the 3-3-2 palette, each color mapped to its nearest level.
                        let levels = (0..<256).map { (i: Int) -> Int in
                            let r = (i >> 5) * 255 / 7, g = (i >> 2 & 7) * 255 / 7, b = (i & 3) * 255 / 3
                            return r << 16 | g << 8 | b
                        }
                        return (levels, { (c: Int) -> UInt8 in
                            let r = c >> 21, g = c >> 13 & 7, b = c >> 6 & 3
                            return UInt8(r << 5 | g << 2 | b)
                        })
                    }
                    seen[c] = UInt8(palette.count)
                    palette.append(c)
                }
            }
        }
        return (palette, { seen[$0]! })
    }

    /// Variable-width LZW codes for `indices`, packed least-significant bit first.
    static func lzwCompress(_ indices: [UInt8], minimumCodeSize: Int) -> [UInt8] {
        let clear = 1 << minimumCodeSize, end = clear + 1
        var output: [UInt8] = [], bitBuffer = 0, bitCount = 0
        var codeSize = minimumCodeSize + 1, nextCode = end + 1
        var table: [Int: Int] = [:]
        func emit(_ code: Int) {
            bitBuffer |= code << bitCount
            bitCount += codeSize
            while bitCount >= 8 {
                output.append(UInt8(bitBuffer & 0xFF))
                bitBuffer >>= 8
                bitCount -= 8
            }
        }
        emit(clear)
        var prefix = Int(indices[0])
        for symbol in indices.dropFirst() {
            let key = prefix << 8 | Int(symbol)
            if let code = table[key] { prefix = code; continue }
            emit(prefix)
            let code = nextCode
            if code == 1 << codeSize { codeSize += 1 }
            if code == 4095 {
                emit(clear)
                table.removeAll(keepingCapacity: true)
                codeSize = minimumCodeSize + 1
                nextCode = end + 1
            } else {
                table[key] = code
                nextCode = code + 1
            }
            prefix = Int(symbol)
        }
        emit(prefix)
        emit(end)
        if bitCount > 0 { output.append(UInt8(bitBuffer & 0xFF)) }
        return output
    }

    private static func appendLittleEndian(_ value: Int, to bytes: inout [UInt8]) {
        bytes += [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)]
    }
}
