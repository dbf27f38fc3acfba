@testable import DeepLearning
import Foundation
import XCTest

final class CSVTests: XCTestCase {
    func testSklearnDigits() throws {
        let path = bundledData + "/digits/digits.csv.gz"
        try requireFile(path)
        let table = try CSVTable.read(atPath: path, hasHeader: false)
        XCTAssertNil(table.header)
        XCTAssertEqual(table.rows.count, 1797)
        XCTAssertEqual(table.columnCount, 65)
        XCTAssertTrue(table.rows.allSatisfy { $0.count == 65 })
        XCTAssertEqual(Array(table.rows[0].prefix(8)), [0, 0, 5, 13, 9, 1, 0, 0])
        XCTAssertEqual(table.rows[0][64], 0)
        XCTAssertEqual(table.rows[1][64], 1)
        XCTAssertEqual(table.rows[2][64], 2)
        XCTAssertEqual(Set(table.rows.map { $0[64] }), Set((0 ... 9).map(Float.init)))
        XCTAssertTrue(table.rows.allSatisfy { $0.prefix(64).allSatisfy { (0 ... 16).contains($0) } })
    }

    func testSklearnIrisWithHeader() throws {
        let path = dataRoot + "/sklearn-iris/iris.csv"
        try requireFile(path)
        let table = try CSVTable.read(atPath: path, hasHeader: true)
        XCTAssertEqual(table.header, ["150", "4", "setosa", "versicolor", "virginica"])
        XCTAssertEqual(table.rows.count, 150)
        XCTAssertEqual(table.columnCount, 5)
        XCTAssertEqual(table.rows.first, [5.1, 3.5, 1.4, 0.2, 0])
        XCTAssertEqual(table.rows.last, [5.9, 3.0, 5.1, 1.8, 2])
        XCTAssertEqual(table.rows.filter { $0[4] == 1 }.count, 50)
    }

    func testIrisWithoutHeaderIsCorruptAtLine1() throws {
        let path = dataRoot + "/sklearn-iris/iris.csv"
        try requireFile(path)
        XCTAssertThrowsError(try CSVTable.read(atPath: path, hasHeader: false)) { error in
            guard case DataError.corrupt(path, nil, let reason) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(reason, "line 1, column 3: \"setosa\" is not a number")
        }
    }

    func testRowOfDifferentWidthNamesTheLine() {
        let text = "a,b\n1,2\n3,4,5\n"
        XCTAssertThrowsError(try CSVTable.parse(Array(text.utf8), path: "t.csv", hasHeader: true)) { error in
            guard case DataError.corrupt("t.csv", nil, let reason) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(reason, "line 3 has 3 cells, expected 2")
            XCTAssertEqual("\(error)", "t.csv: corrupt: line 3 has 3 cells, expected 2")
        }
    }

    func testEmptyCellIsNotANumber() {
        XCTAssertThrowsError(try CSVTable.parse(Array("1,2\n3,\n".utf8), path: "t", hasHeader: false)) { error in
            guard case DataError.corrupt("t", nil, "line 2, column 2: \"\" is not a number") = error else {
                return XCTFail("got \(error)")
            }
        }
    }

    func testCRLFBlankLinesSpacesQuotedHeaderAndNumberForms() throws {
        let text = "\"x\", \"y\"\r\n\r\n 1 ,-2.5\r\n\n1e3,+0.25\r\n"
        let table = try CSVTable.parse(Array(text.utf8), path: "t", hasHeader: true)
        XCTAssertEqual(table, CSVTable(header: ["x", "y"], rows: [[1, -2.5], [1000, 0.25]]))
    }

    func testEmptyInput() throws {
        XCTAssertEqual(try CSVTable.parse([], path: "t", hasHeader: true), CSVTable(header: nil, rows: []))
    }

    func testGzippedFile() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try writeAtomically(gzipCompress(Array("1,2\n3,4\n".utf8)), toPath: directory + "/t.csv.gz")
        XCTAssertEqual(try CSVTable.read(atPath: directory + "/t.csv.gz", hasHeader: false).rows, [[1, 2], [3, 4]])
    }
}
