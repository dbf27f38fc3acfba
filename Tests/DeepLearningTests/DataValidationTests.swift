import Foundation
import Testing
@testable import DeepLearning

/// Damaged data files give a DataError naming the file and the record, not a crash later in a loss or a layer;
/// a gzip trailer or stream cannot make a reader reserve or inflate more than the data justifies
/// (issue 11, item 8).
@Suite struct DataValidationTests {
    static func directory() throws -> String {
        let path = NSTemporaryDirectory() + "data-validation-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func idx(magic: UInt32, dimensions: [Int], bytes: [UInt8]) -> [UInt8] {
        func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        return be(magic) + dimensions.flatMap { be(UInt32($0)) } + bytes
    }

    /// Writes an MNIST-like pair `train-images-idx3-ubyte` / `train-labels-idx1-ubyte` into a new directory.
    static func mnistPair(rows: Int = 28, columns: Int = 28, labels: [UInt8]) throws -> String {
        let dir = try directory()
        let images = idx(magic: 2051, dimensions: [labels.count, rows, columns], bytes: [UInt8](repeating: 3, count: labels.count * rows * columns))
        try Data(images).write(to: URL(fileURLWithPath: dir + "/train-images-idx3-ubyte"))
        try Data(idx(magic: 2049, dimensions: [labels.count], bytes: labels)).write(to: URL(fileURLWithPath: dir + "/train-labels-idx1-ubyte"))
        return dir
    }

    static func message(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch { return (error as? DataError)?.description ?? "not a DataError: \(error)" }
    }

    @Test func mnistLabelOutOfRange() throws {
        let dir = try Self.mnistPair(labels: [3, 200, 1])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(Self.message { _ = try MNIST(split: .train, directory: dir) }
            == dir + "/train-labels-idx1-ubyte: corrupt at byte 9: label 200 of record 1 is not a class in 0..<10")
        let good = try Self.mnistPair(labels: [3, 9, 0])
        defer { try? FileManager.default.removeItem(atPath: good) }
        #expect(try MNIST(split: .train, directory: good).labels.scalars == [3, 9, 0])
    }

    @Test func mnistImagesOfTheWrongSize() throws {
        let dir = try Self.mnistPair(rows: 27, columns: 27, labels: [1, 2])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(Self.message { _ = try MNIST(split: .train, directory: dir) }
            == dir + "/train-images-idx3-ubyte: corrupt at byte 4: images of dimensions [2, 27, 27], expected [n, 28, 28]")
    }

    static func digits(_ text: String) throws -> String {
        let dir = try directory()
        try Data(gzipCompress(Array(text.utf8))).write(to: URL(fileURLWithPath: dir + "/digits.csv.gz"))
        return dir
    }

    @Test func digitsWithTheWrongColumnCount() throws {
        let row = Array(repeating: "1", count: 64).joined(separator: ",")
        let dir = try Self.digits(row + "\n" + row + "\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(Self.message { _ = try Digits(directory: dir) } == dir + "/digits.csv.gz: corrupt: row 1 has 64 cells, expected 64 features and a label")
    }

    @Test func digitsWithABadLabelOrFeature() throws {
        let features = Array(repeating: "1", count: 64).joined(separator: ",")
        let dir = try Self.digits(features + ",3\n" + features + ",10\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(Self.message { _ = try Digits(directory: dir) } == dir + "/digits.csv.gz: corrupt: row 2, column 65: label 10.0 is not a class in 0..<10")
        let nan = try Self.digits("nan," + Array(repeating: "1", count: 63).joined(separator: ",") + ",3\n")
        defer { try? FileManager.default.removeItem(atPath: nan) }
        #expect(Self.message { _ = try Digits(directory: nan) } == nan + "/digits.csv.gz: corrupt: row 1, column 1: feature nan is not finite")
    }

    /// A trailer claiming 4 GiB reserves no more than the limit and deflate's ratio allow.
    @Test func gzipTrailerIsOnlyAHint() throws {
        var stream = gzipCompress([UInt8](repeating: 7, count: 1000))
        for k in 1 ... 4 { stream[stream.count - k] = 0xFF }  // ISIZE = 2^32 − 1
        #expect(gunzipReservation(stream, limit: gunzipLimit) == stream.count * 1032)
        #expect(gunzipReservation(stream, limit: 1034) == 1034)
        #expect(throws: DataError.self) { _ = try gunzip(stream) }  // the length check fails: a DataError, not a trap
    }

    @Test func gzipLimitRefusesLargerStreams() throws {
        let stream = gzipCompress([UInt8](repeating: 7, count: 100_000))
        #expect(Self.message { _ = try gunzip(stream, path: "big.gz", limit: 50_000) }?
            .hasPrefix("big.gz: corrupt at byte ") == true)
        #expect(Self.message { _ = try gunzip(stream, path: "big.gz", limit: 50_000) }?
            .hasSuffix("the gzip stream inflates to more than 50000 bytes, the most this file may hold") == true)
        #expect(try gunzip(stream, limit: 100_000).count == 100_000)
        #expect(try gunzipPrefix(stream, count: 10, path: "big.gz") == [UInt8](repeating: 7, count: 10))
    }

    /// A compressed IDX file is inflated only as far as its header declares.
    @Test func idxInflatesOnlyWhatItsHeaderDeclares() throws {
        let declared = Self.idx(magic: 2049, dimensions: [3], bytes: [1, 2, 3])
        #expect(try IDXFile.decode(gzipCompress(declared), path: "l.gz").bytes == [1, 2, 3])
        let padded = gzipCompress(declared + [UInt8](repeating: 0, count: 1_000_000))
        #expect(Self.message { _ = try IDXFile.decode(padded, path: "l.gz") }?
            .hasSuffix("the gzip stream inflates to more than 11 bytes, the most this file may hold") == true)
    }
}
