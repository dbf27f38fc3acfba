import Testing
@testable import DeepLearning

/// The GIF encoder, checked by decoding its files with an independent decoder written here from the GIF89a
/// specification (Scripts/check_gif.py does the same with Pillow).
@Suite struct GIFTests {
    /// Decodes a GIF89a file with a global color table into its frames (RGB bytes) and delays.
    static func decode(_ bytes: [UInt8]) -> (width: Int, height: Int, frames: [[UInt8]], delays: [Int], loops: Bool)? {
        guard bytes.count > 13, Array(bytes[0..<6]) == Array("GIF89a".utf8) else { return nil }
        func u16(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 }
        let width = u16(6), height = u16(8), flags = bytes[10]
        guard flags & 0x80 != 0 else { return nil }
        let tableSize = 1 << (Int(flags & 7) + 1)
        let table = Array(bytes[13..<(13 + 3 * tableSize)])
        var i = 13 + 3 * tableSize, frames: [[UInt8]] = [], delays: [Int] = [], loops = false
        func subBlocks() -> [UInt8] {
            var data: [UInt8] = []
            while bytes[i] != 0 { let n = Int(bytes[i]); data += bytes[(i + 1)...(i + n)]; i += n + 1 }
            i += 1
            return data
        }
        while i < bytes.count {
            switch bytes[i] {
            case 0x3B: return (width, height, frames, delays, loops)
            case 0x21:
                let label = bytes[i + 1]
                i += 2
                let data = subBlocks()
                if label == 0xF9 { delays.append(Int(data[1]) | Int(data[2]) << 8) }
                if label == 0xFF && String(decoding: data.prefix(11), as: UTF8.self) == "NETSCAPE2.0" { loops = true }
            case 0x2C:
                guard u16(i + 5) == width, u16(i + 7) == height, bytes[i + 9] & 0x80 == 0 else { return nil }
                let minimumCodeSize = Int(bytes[i + 10])
                i += 11
                guard let indices = lzwDecode(subBlocks(), minimumCodeSize: minimumCodeSize), indices.count == width * height else { return nil }
                frames.append(indices.flatMap { Array(table[(3 * Int($0))..<(3 * Int($0) + 3)]) })
            default: return nil
            }
        }
        return nil
    }

    /// The GIF LZW decoder: codes LSB first, width growing when the table reaches 2^width (at most 12 bits).
    static func lzwDecode(_ data: [UInt8], minimumCodeSize: Int) -> [UInt8]? {
        let clear = 1 << minimumCodeSize, end = clear + 1
        var entries: [[UInt8]] = [], width = minimumCodeSize + 1, previous: [UInt8]? = nil
        func reset() { entries = (0..<clear).map { [UInt8($0)] } + [[], []]; width = minimumCodeSize + 1; previous = nil }
        reset()
        var output: [UInt8] = [], bit = 0
        while bit + width <= data.count * 8 {
            var code = 0
            for k in 0..<width where data[(bit + k) / 8] >> UInt8((bit + k) % 8) & 1 == 1 { code |= 1 << k }
            bit += width
            if code == clear { reset(); continue }
            if code == end { return output }
            let entry: [UInt8]
            if code < entries.count { entry = entries[code] } else if code == entries.count, let p = previous { entry = p + [p[0]] } else { return nil }
            output += entry
            if let p = previous, entries.count < 4096 { entries.append(p + [entry[0]]) }
            previous = entry
            if entries.count == 1 << width && width < 12 { width += 1 }
        }
        return nil
    }

    @Test func framesSurviveARoundTrip() {
        // Two frames of a few colors (as rendered environments have), 37 × 23 so rows do not align with bytes.
        let (w, h) = (37, 23)
        let colors: [[UInt8]] = [[255, 255, 255], [0, 0, 0], [202, 152, 101], [129, 132, 203]]
        let frames: [[UInt8]] = (0..<2).map { (f: Int) -> [UInt8] in
            (0..<(w * h)).flatMap { (p: Int) -> [UInt8] in colors[(p / 7 + p % 5 + f) % colors.count] }
        }
        let gif = GIF.encode(frames: frames, width: w, height: h, delay: 5)
        let decoded = Self.decode(gif)
        #expect(decoded?.width == w && decoded?.height == h && decoded?.loops == true)
        #expect(decoded?.delays == [5, 5])
        #expect(decoded?.frames == frames)
    }

    @Test func longFramesResetTheCodeTable() {
        // 256 colors of random pixels fill the 4096-entry table many times over.
        var g = RandomGenerator(seed: 5)
        let (w, h) = (120, 90)
        var frame: [UInt8] = []
        for _ in 0..<(w * h) { let i = g.nextInt(below: 256); frame += [UInt8(i), UInt8(255 - i), UInt8(i / 2)] }
        #expect(Self.decode(GIF.encode(frames: [frame], width: w, height: h))?.frames == [frame])
    }

    @Test func manyColorsAreReducedTo332() {
        let (w, h) = (40, 30)
        var frame: [UInt8] = []
        for p in 0..<(w * h) { frame += [UInt8(p % 256), UInt8((p / 256) * 50), UInt8((p * 13) % 256)] }  // 1200 colors
        let decoded = Self.decode(GIF.encode(frames: [frame], width: w, height: h))!.frames[0]
        #expect(decoded.count == frame.count)
        // Each primary within one 3-bit level (2-bit for blue) of the original.
        for k in frame.indices {
            let loss = Int(frame[k]) - Int(decoded[k]), limit = k % 3 == 2 ? 85 : 37
            #expect(abs(loss) <= limit, "byte \(k): \(decoded[k]) for \(frame[k])")
        }
    }
}
