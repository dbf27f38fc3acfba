@testable import DeepLearning
import Foundation
import XCTest

final class PNGTests: XCTestCase {
    func testRGBRoundTripChunksAndCRCs() throws {
        let width = 7, height = 5
        var rgb: [UInt8] = []
        for y in 0 ..< height {
            for x in 0 ..< width { rgb += [UInt8(x * 30), UInt8(y * 50), UInt8((x + y) % 2 * 255)] }
        }
        let png = PNG.encode(rgb: rgb, width: width, height: height)

        let chunks = try XCTUnwrap(parsePNGChunks(png))
        XCTAssertEqual(chunks.map(\.type), ["IHDR", "IDAT", "IEND"])
        for chunk in chunks { XCTAssertEqual(chunk.storedCRC, chunk.computedCRC, chunk.type) }
        XCTAssertEqual(chunks[0].data, [0, 0, 0, 7, 0, 0, 0, 5, 8, 2, 0, 0, 0])
        XCTAssertEqual(chunks[2].data, [])
        XCTAssertEqual(chunks[2].storedCRC, 0xAE42_6082)  // the well-known CRC of an empty IEND

        let raw = try XCTUnwrap(zlibUncompress(chunks[1].data, expectedSize: height * (width * 3 + 1)))
        for y in 0 ..< height {
            let row = y * (width * 3 + 1)
            XCTAssertEqual(raw[row], 0, "filter type of row \(y)")
            XCTAssertEqual(Array(raw[(row + 1) ..< (row + 1 + width * 3)]), Array(rgb[(y * width * 3) ..< ((y + 1) * width * 3)]))
        }
    }

    func testGrayRoundTrip() throws {
        let gray = (0 ..< 12 * 3).map { UInt8($0 * 7) }
        let decoded = try XCTUnwrap(decodeSimplePNG(PNG.encode(gray: gray, width: 12, height: 3)))
        XCTAssertEqual(decoded.width, 12)
        XCTAssertEqual(decoded.height, 3)
        XCTAssertEqual(decoded.channels, 1)
        XCTAssertEqual(decoded.pixels, gray)
    }

    func testWriteMatchesEncode() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let rgb = [UInt8](repeating: 200, count: 4 * 4 * 3)
        try PNG.write(rgb: rgb, width: 4, height: 4, toPath: directory + "/out/a.png")
        XCTAssertEqual(try readBytes(atPath: directory + "/out/a.png"), PNG.encode(rgb: rgb, width: 4, height: 4))
        try PNG.write(gray: [1, 2], width: 2, height: 1, toPath: directory + "/b.png")
        XCTAssertEqual(try readBytes(atPath: directory + "/b.png"), PNG.encode(gray: [1, 2], width: 2, height: 1))
    }

    func testCaptionedGridPlacesPlanarImagesAndFramesMarkedOnes() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Two 2×2 images in planar RGB: the first pure red, the second pure blue; the second is marked.
        let red: [UInt8] = [255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0], blue: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255]
        let path = directory + "/grid.png"
        try PNG.writeCaptionedGrid(planarRGB: [red, blue], size: 2, captions: [["a"], ["b"]], marked: [false, true], cols: 2, scale: 3, toPath: path)
        let decoded = try XCTUnwrap(decodeSimplePNG(try readBytes(atPath: path)))
        // Cells are max(image 6 px, caption 5 px) + 6 px of padding wide; one caption line of 11 px.
        XCTAssertEqual(decoded.width, 2 * 12 + 6)
        XCTAssertEqual(decoded.height, 6 + 6 + 11 + 6)
        func pixel(_ x: Int, _ y: Int) -> [UInt8] { Array(decoded.pixels[(y * decoded.width + x) * 3 ..< (y * decoded.width + x) * 3 + 3]) }
        XCTAssertEqual(pixel(6, 6), [255, 0, 0])      // first image, top-left
        XCTAssertEqual(pixel(18 + 5, 6 + 5), [0, 0, 255])  // second image, bottom-right
        XCTAssertEqual(pixel(4, 4), [255, 255, 255])  // no frame around the first
        XCTAssertEqual(pixel(16, 4), [0xD6, 0x27, 0x28])  // red frame around the marked one
    }

    func testGridTilesImagesRowByRow() throws {
        let images: [[UInt8]] = [[10, 11, 12, 13], [20, 21, 22, 23], [30, 31, 32, 33]]
        let grid = PNG.grid(gray: images, rows: 2, cols: 2, size: 2, padding: 1, scale: 2, background: 0)
        XCTAssertEqual(grid.width, (2 * 3 + 1) * 2)
        XCTAssertEqual(grid.height, (2 * 3 + 1) * 2)
        func pixel(_ x: Int, _ y: Int) -> UInt8 { grid.pixels[y * grid.width + x] }
        XCTAssertEqual(pixel(0, 0), 0)                 // padding
        XCTAssertEqual(pixel(2, 2), 10)                // image 0, pixel (0, 0), scaled
        XCTAssertEqual(pixel(5, 5), 13)                // image 0, pixel (1, 1)
        XCTAssertEqual(pixel(8, 2), 20)                // image 1 at column 1
        XCTAssertEqual(pixel(2, 8), 30)                // image 2 at row 1
        XCTAssertEqual(pixel(9, 9), 0)                 // empty fourth cell

        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try PNG.writeGrid(gray: images, rows: 2, cols: 2, size: 2, toPath: directory + "/grid.png")
        let decoded = try XCTUnwrap(decodeSimplePNG(try readBytes(atPath: directory + "/grid.png")))
        XCTAssertEqual(decoded.width, 2 * 4 + 2)
    }
}
