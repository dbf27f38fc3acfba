@testable import DeepLearning
import Foundation
import XCTest

final class CIFARTests: XCTestCase {
    let folder = dataRoot + "/cifar10-subset"
    var directory = ""

    override func setUpWithError() throws { directory = try makeTemporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    func testTrainingSubset() throws {
        let path = folder + "/data_batch_1_first4000.bin"
        try requireFile(path)
        let batch = try CIFARBinary.read(atPath: path)
        XCTAssertEqual(batch.count, 4000)
        XCTAssertEqual(batch.images.count, 4000 * 3072)
        XCTAssertEqual(Array(batch.labels.prefix(10)), [6, 9, 9, 4, 1, 1, 2, 7, 8, 3])
        // Image 1 is the pixel bytes of record 1, label byte removed.
        let raw = try readBytes(atPath: path)
        XCTAssertEqual(Array(batch.images[3072 ..< 6144]), Array(raw[3074 ..< 6146]))
        XCTAssertEqual(Array(batch.images.suffix(3072)), Array(raw.suffix(3072)))
    }

    func testTestSubset() throws {
        let path = folder + "/test_batch_first1000.bin"
        try requireFile(path)
        let batch = try CIFARBinary.read(atPath: path)
        XCTAssertEqual(batch.count, 1000)
        XCTAssertEqual(Array(batch.labels.prefix(10)), [3, 8, 8, 0, 6, 6, 1, 6, 3, 1])
        XCTAssertEqual(CIFARBinary.classNames[Int(batch.labels[0])], "cat")
    }

    func testTruncatedCopyNamesTheIncompleteRecord() throws {
        let source = folder + "/test_batch_first1000.bin"
        try requireFile(source)
        let path = directory + "/test_batch.bin"
        try writeAtomically(Array(try readBytes(atPath: source)[0 ..< (2 * 3073 + 100)]), toPath: path)
        XCTAssertThrowsError(try CIFARBinary.read(atPath: path)) { error in
            guard case DataError.truncated(path, 6246, 3073, _) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual("\(error)", "\(path): truncated at byte 6246: needed 3073 bytes of CIFAR record 2, "
                + "which starts at byte 6146 (file size must be a multiple of 3073)")
        }
    }

    func testEmptyFileIsTruncated() throws {
        XCTAssertThrowsError(try CIFARBinary.parse([], path: "e")) { error in
            guard case DataError.truncated("e", 0, 3073, _) = error else { return XCTFail("got \(error)") }
        }
    }

    func testBadLabelIsCorruptWithItsOffset() {
        var bytes = [UInt8](repeating: 0, count: 3 * 3073)
        bytes[3073] = 3
        bytes[2 * 3073] = 10
        XCTAssertThrowsError(try CIFARBinary.parse(bytes, path: "c")) { error in
            guard case DataError.corrupt("c", 6146, let reason) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(reason, "label 10 of record 2 is not in 0...9")
        }
        bytes[2 * 3073] = 9
        XCTAssertEqual(try CIFARBinary.parse(bytes, path: "c").labels, [0, 3, 9])
    }

    func testGzippedBatch() throws {
        var bytes = [UInt8](repeating: 7, count: 2 * 3073)
        bytes[0] = 1
        bytes[3073] = 2
        try writeAtomically(gzipCompress(bytes), toPath: directory + "/b.bin.gz")
        let batch = try CIFARBinary.read(atPath: directory + "/b.bin.gz")
        XCTAssertEqual(batch, CIFARBinary(images: [UInt8](repeating: 7, count: 2 * 3072), labels: [1, 2]))
    }

    func testBundledSubsetLoadsAsADataset() throws {
        let train = try CIFAR10(split: .train), test = try CIFAR10(split: .test)
        XCTAssertEqual(train.inputs.shape, [4000, 3, 32, 32])
        XCTAssertEqual(test.inputs.shape, [1000, 3, 32, 32])
        XCTAssertEqual(Array(test.labels.scalars.prefix(10)), [3, 8, 8, 0, 6, 6, 1, 6, 3, 1])
        XCTAssertEqual(Array(train.labels.scalars.prefix(10)), [6, 9, 9, 4, 1, 1, 2, 7, 8, 3])
        let pixels = test.inputs.scalars
        XCTAssertEqual(pixels.min()!, 0)
        XCTAssertEqual(pixels.max()!, 1)
    }

    func testDataDirectoryWithAWrongSizeBatchNamesTheFileAndOffset() throws {
        var record = [UInt8](repeating: 7, count: 3073)
        record[0] = 2
        try writeAtomically(record + record, toPath: directory + "/test_batch.bin")
        let test = try CIFAR10(split: .test, directory: directory)
        XCTAssertEqual(test.labels.scalars, [2, 2])
        XCTAssertEqual(test.inputs.scalars[0], 7 * (1 / 255))
        try writeAtomically(record + record.prefix(3000), toPath: directory + "/test_batch.bin")
        XCTAssertThrowsError(try CIFAR10(split: .test, directory: directory)) { error in
            XCTAssertEqual("\(error)", "\(self.directory)/test_batch.bin: truncated at byte 6073: needed 3073 bytes of CIFAR record 1, "
                + "which starts at byte 3073 (file size must be a multiple of 3073)")
        }
        XCTAssertThrowsError(try CIFAR10(split: .train, directory: directory)) { error in
            XCTAssertTrue("\(error)".contains("data_batch_1.bin"), "\(error)")
        }
    }
}
