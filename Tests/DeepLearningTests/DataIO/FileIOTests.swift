@testable import DeepLearning
import Foundation
import XCTest

final class FileIOTests: XCTestCase {
    var directory = ""

    override func setUpWithError() throws { directory = try makeTemporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    func testMissingFileThrowsFileNotFound() {
        let path = directory + "/nope.bin"
        XCTAssertThrowsError(try readBytes(atPath: path)) { error in
            guard case DataError.fileNotFound(let reported) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(reported, path)
            XCTAssertEqual("\(error)", "\(path): file not found")
        }
        XCTAssertThrowsError(try readMaybeGzipped(atPath: path)) { error in
            guard case DataError.fileNotFound = error else { return XCTFail("got \(error)") }
        }
    }

    func testReadingADirectoryThrowsIOError() {
        XCTAssertThrowsError(try readBytes(atPath: directory)) { error in
            guard case DataError.io(let path, _) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(path, directory)
        }
    }

    func testWriteAtomicallyCreatesDirectoriesAndReplacesTheFile() throws {
        let path = directory + "/a/b/c.bin"
        try writeAtomically([1, 2, 3], toPath: path)
        XCTAssertEqual(try readBytes(atPath: path), [1, 2, 3])
        try writeAtomically(Data([9, 8]), toPath: path)
        XCTAssertEqual(try readBytes(atPath: path), [9, 8])
        try writeAtomically([UInt8](), toPath: path)
        XCTAssertEqual(try readBytes(atPath: path), [])
        // No temporary files are left behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory + "/a/b"), ["c.bin"])
    }

    func testWriteAtomicallyIntoAFileThrowsIOErrorNamingThePath() throws {
        let blocker = directory + "/file"
        try writeAtomically([0], toPath: blocker)
        XCTAssertThrowsError(try writeAtomically([1], toPath: blocker + "/inside.bin")) { error in
            guard case DataError.io(let path, _) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(path, blocker + "/inside.bin")
        }
    }

    func testLargeFileRoundTrip() throws {
        let bytes = sampleBytes(count: 3_000_001)
        let path = directory + "/big.bin"
        try writeAtomically(bytes, toPath: path)
        XCTAssertEqual(try readBytes(atPath: path), bytes)
        XCTAssertEqual(try readMaybeGzipped(atPath: path), bytes)  // not gzip: returned as is
    }

    func testGzipRoundTrip() throws {
        let bytes = sampleBytes(count: 1_000_003)
        let compressed = gzipCompress(bytes)
        XCTAssertTrue(isGzip(compressed))
        XCTAssertFalse(isGzip(bytes))
        let path = directory + "/data.gz"
        try writeAtomically(compressed, toPath: path)
        XCTAssertEqual(try readMaybeGzipped(atPath: path), bytes)
        XCTAssertEqual(try gunzip(compressed), bytes)
    }

    func testEmptyGzipPayload() throws {
        XCTAssertEqual(try gunzip(gzipCompress([])), [])
    }

    func testConcatenatedGzipMembersAreAllInflated() throws {
        let a = sampleBytes(count: 5000), b = Array(sampleBytes(count: 7000).reversed())
        XCTAssertEqual(try gunzip(gzipCompress(a) + gzipCompress(b)), a + b)
        XCTAssertEqual(try gunzip(gzipCompress(a) + [0, 0, 0, 0]), a)  // zero padding is ignored
    }

    func testTrailingGarbageAfterGzipIsCorrupt() {
        let compressed = gzipCompress(sampleBytes(count: 100))
        XCTAssertThrowsError(try gunzip(compressed + [0, 7], path: "x.gz")) { error in
            guard case DataError.corrupt("x.gz", let offset, _) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(offset, compressed.count + 1)
        }
    }

    func testTruncatedGzipThrowsCorruptNamingTheFile() throws {
        let compressed = gzipCompress(sampleBytes(count: 200_000))
        let path = directory + "/cut.gz"
        try writeAtomically(Array(compressed[0 ..< compressed.count / 2]), toPath: path)
        XCTAssertThrowsError(try readMaybeGzipped(atPath: path)) { error in
            guard case DataError.corrupt(let reported, let offset, let reason) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(reported, path)
            XCTAssertEqual(offset, compressed.count / 2)
            XCTAssertTrue(reason.contains("truncated"), reason)
            XCTAssertTrue("\(error)".hasPrefix("\(path): corrupt at byte \(compressed.count / 2): gzip stream is truncated"))
        }
        // Only the header: still a clean error.
        XCTAssertThrowsError(try gunzip([0x1f, 0x8b, 8], path: "tiny.gz")) { error in
            guard case DataError.corrupt("tiny.gz", _, _) = error else { return XCTFail("got \(error)") }
        }
    }

    func testTruncatedRealMNISTGzipGivesAClearError() throws {
        let source = bundledData + "/mnist/train-labels-idx1-ubyte.gz"
        try requireFile(source)
        let path = directory + "/train-labels-idx1-ubyte.gz"
        try writeAtomically(Array(try readBytes(atPath: source)[0 ..< 1000]), toPath: path)
        XCTAssertThrowsError(try IDXFile.read(atPath: path)) { error in
            guard case DataError.corrupt(path, 1000, _) = error else { return XCTFail("got \(error)") }
            XCTAssertTrue("\(error)".contains("train-labels-idx1-ubyte.gz"))
        }
    }

    func testCorruptGzipThrowsCorrupt() {
        var compressed = gzipCompress(sampleBytes(count: 50_000))
        for i in 20 ..< 60 { compressed[i] ^= 0xA5 }
        XCTAssertThrowsError(try gunzip(compressed, path: "bad.gz")) { error in
            guard case DataError.corrupt("bad.gz", let offset?, let reason) = error else { return XCTFail("got \(error)") }
            XCTAssertGreaterThanOrEqual(offset, 10)
            XCTAssertTrue(reason.hasPrefix("bad gzip data: "), reason)
        }
    }

    func testErrorDescriptionsNameTheFileAndOffset() {
        XCTAssertEqual(DataError.truncated(path: "train-images-idx3-ubyte.gz", offset: 1024, needed: 47_040_000,
                                           what: "pixel data").description,
                       "train-images-idx3-ubyte.gz: truncated at byte 1024: needed 47040000 bytes of pixel data")
        XCTAssertEqual(DataError.truncated(path: "f", offset: 3, needed: 4).description,
                       "f: truncated at byte 3: needed 4 bytes of data")
        XCTAssertEqual(DataError.badMagic(path: "f", found: 2049, expected: 2051).description,
                       "f: bad magic number 0x00000801 (2049), expected 0x00000803 (2051)")
        XCTAssertEqual(DataError.corrupt(path: "f", offset: 7, reason: "why").description, "f: corrupt at byte 7: why")
        XCTAssertEqual(DataError.corrupt(path: "f", offset: nil, reason: "why").description, "f: corrupt: why")
        XCTAssertEqual(DataError.io(path: "f", reason: "cannot write: Disk full").description, "f: cannot write: Disk full")
        XCTAssertEqual(DataError.fileNotFound(path: "f").localizedDescription, "f: file not found")
        XCTAssertEqual(DataError.corrupt(path: "g", offset: nil, reason: "").path, "g")
    }
}
