@testable import DeepLearning
import Foundation
import XCTest

final class IDXTests: XCTestCase {
    let mnist = bundledData + "/mnist"
    var directory = ""

    override func setUpWithError() throws { directory = try makeTemporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    func testMNISTTrainingSet() throws {
        try requireFile(mnist + "/train-images-idx3-ubyte.gz")
        let images = try IDXFile.read(atPath: mnist + "/train-images-idx3-ubyte.gz", expectedMagic: IDXFile.imagesMagic)
        XCTAssertEqual(images.dimensions, [60000, 28, 28])
        XCTAssertEqual(images.count, 60000)
        XCTAssertEqual(images.bytes.count, 47_040_000)
        let mean = Double(images.bytes.reduce(0) { $0 + Int($1) }) / Double(images.bytes.count) / 255
        XCTAssertEqual(mean, 0.1307, accuracy: 0.0001)

        let labels = try IDXFile.read(atPath: mnist + "/train-labels-idx1-ubyte.gz", expectedMagic: IDXFile.labelsMagic)
        XCTAssertEqual(labels.dimensions, [60000])
        XCTAssertEqual(Array(labels.bytes.prefix(5)), [5, 0, 4, 1, 9])
        XCTAssertTrue(labels.bytes.allSatisfy { $0 <= 9 })
    }

    func testMNISTTestSet() throws {
        try requireFile(mnist + "/t10k-images-idx3-ubyte.gz")
        let images = try IDXFile.read(atPath: mnist + "/t10k-images-idx3-ubyte.gz", expectedMagic: IDXFile.imagesMagic)
        XCTAssertEqual(images.dimensions, [10000, 28, 28])
        let labels = try IDXFile.read(atPath: mnist + "/t10k-labels-idx1-ubyte.gz")
        XCTAssertEqual(labels.dimensions, [10000])
        XCTAssertEqual(Array(labels.bytes.prefix(5)), [7, 2, 1, 0, 4])
    }

    func testTruncatedUncompressedCopyThrowsTruncated() throws {
        try requireFile(mnist + "/train-images-idx3-ubyte.gz")
        let full = try readMaybeGzipped(atPath: mnist + "/train-images-idx3-ubyte.gz")
        let path = directory + "/train-images-idx3-ubyte"
        try writeAtomically(Array(full[0 ..< 1000]), toPath: path)
        XCTAssertThrowsError(try IDXFile.read(atPath: path, expectedMagic: IDXFile.imagesMagic)) { error in
            guard case DataError.truncated(let reported, let offset, let needed, _) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(reported, path)
            XCTAssertEqual(offset, 1000)
            XCTAssertEqual(needed, 47_040_000)
            XCTAssertEqual("\(error)",
                           "\(path): truncated at byte 1000: needed 47040000 bytes of pixel data starting at byte 16")
        }
        // A header cut short.
        try writeAtomically(Array(full[0 ..< 10]), toPath: path)
        XCTAssertThrowsError(try IDXFile.read(atPath: path)) { error in
            guard case DataError.truncated(path, 10, 16, "IDX header") = error else { return XCTFail("got \(error)") }
        }
    }

    func testWrongMagicThrowsBadMagic() throws {
        try requireFile(mnist + "/t10k-labels-idx1-ubyte.gz")
        let path = mnist + "/t10k-labels-idx1-ubyte.gz"
        XCTAssertThrowsError(try IDXFile.read(atPath: path, expectedMagic: IDXFile.imagesMagic)) { error in
            guard case DataError.badMagic(path, 2049, 2051) = error else { return XCTFail("got \(error)") }
            XCTAssertTrue("\(error)".contains("t10k-labels-idx1-ubyte.gz: bad magic number"))
        }
    }

    func testMissingFileThrowsFileNotFound() {
        XCTAssertThrowsError(try IDXFile.read(atPath: directory + "/missing-idx3-ubyte")) { error in
            guard case DataError.fileNotFound(let path) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(path, directory + "/missing-idx3-ubyte")
        }
    }

    func testSmallFileParses() throws {
        let bytes: [UInt8] = [0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]
        let file = try IDXFile.parse(bytes, path: "m")
        XCTAssertEqual(file, IDXFile(dimensions: [2, 3], bytes: [1, 2, 3, 4, 5, 6]))
        // The same file gzipped and read from disk.
        try writeAtomically(gzipCompress(bytes), toPath: directory + "/m.gz")
        XCTAssertEqual(try IDXFile.read(atPath: directory + "/m.gz"), file)
    }

    func testExtraBytesAreCorrupt() {
        let bytes: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 2, 7, 7, 7]
        XCTAssertThrowsError(try IDXFile.parse(bytes, path: "m")) { error in
            guard case DataError.corrupt("m", 10, let reason) = error else { return XCTFail("got \(error)") }
            XCTAssertTrue(reason.hasPrefix("1 unexpected bytes"), reason)
        }
    }

    func testUnsupportedElementTypeIsCorrupt() {
        let floats: [UInt8] = [0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0]
        XCTAssertThrowsError(try IDXFile.parse(floats, path: "f")) { error in
            guard case DataError.corrupt("f", 2, _) = error else { return XCTFail("got \(error)") }
        }
        XCTAssertThrowsError(try IDXFile.parse([0x50, 0x4B, 3, 4, 0, 0], path: "zip")) { error in
            guard case DataError.corrupt("zip", 0, _) = error else { return XCTFail("got \(error)") }
        }
        XCTAssertThrowsError(try IDXFile.parse([0, 0], path: "e")) { error in
            guard case DataError.truncated("e", 2, 4, _) = error else { return XCTFail("got \(error)") }
        }
    }

    func testHugeDimensionsDoNotCrash() {
        let bytes: [UInt8] = [0, 0, 8, 3] + [0xFF, 0xFF, 0xFF, 0xFF] + [0xFF, 0xFF, 0xFF, 0xFF] + [0xFF, 0xFF, 0xFF, 0xFF]
        XCTAssertThrowsError(try IDXFile.parse(bytes, path: "h")) { error in
            guard case DataError.corrupt("h", 4, _) = error else { return XCTFail("got \(error)") }
        }
    }
}
