@testable import DeepLearning
import Foundation
import XCTest

final class TextCorpusTests: XCTestCase {
    func testTinyShakespeare() throws {
        let path = bundledData + "/tinyshakespeare/input.txt.gz"
        try requireFile(path)
        let corpus = try TextCorpus(contentsOfFile: path)
        let vocabulary = corpus.vocabulary
        XCTAssertEqual(vocabulary.count, 65)
        XCTAssertEqual(String(vocabulary.characters),
                       "\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        XCTAssertEqual(corpus.ids.count, corpus.text.utf8.count)
        XCTAssertEqual(Array(corpus.ids.prefix(5)), vocabulary.encode("First"))
        XCTAssertEqual(vocabulary.encode("First"), [18, 47, 56, 57, 58])
        XCTAssertEqual(vocabulary.decode(corpus.ids), corpus.text)
    }

    func testSortedUniqueCharacters() {
        let vocabulary = CharVocabulary(text: "hello world")
        XCTAssertEqual(vocabulary.characters, [" ", "d", "e", "h", "l", "o", "r", "w"])
        XCTAssertEqual(vocabulary.encode("hold"), [3, 5, 4, 1])
        XCTAssertEqual(vocabulary.decode([7, 5, 6, 4, 1]), "world")
        XCTAssertEqual(vocabulary.id(of: "l"), 4)
        XCTAssertNil(vocabulary.id(of: "z"))
    }

    func testNonASCIIUsesUnicodeScalars() {
        let text = "héllo\r\nwörld ✓"
        let vocabulary = CharVocabulary(text: text)
        XCTAssertEqual(vocabulary.characters, ["\n", "\r", " ", "d", "h", "l", "o", "r", "w", "é", "ö", "✓"])
        let ids = vocabulary.encode(text)
        XCTAssertEqual(ids.count, text.unicodeScalars.count)
        XCTAssertEqual(Array(ids[5 ..< 7]), [1, 0])  // "\r\n" is two ids
        XCTAssertEqual(vocabulary.decode(ids), text)
        XCTAssertEqual(vocabulary.encode("héllo"), [4, 9, 5, 5, 6])
        XCTAssertEqual(vocabulary.decode([11, 2, 10]), "✓ ö")
    }

    func testCustomOrderRemovesDuplicates() {
        let vocabulary = CharVocabulary(characters: ["b", "a", "b", "c"])
        XCTAssertEqual(vocabulary.characters, ["b", "a", "c"])
        XCTAssertEqual(vocabulary.encode("cab"), [2, 1, 0])
    }

    func testInvalidUTF8IsCorrupt() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/bad.txt"
        try writeAtomically([0x61, 0xFF, 0x62], toPath: path)
        XCTAssertThrowsError(try TextCorpus(contentsOfFile: path)) { error in
            guard case DataError.corrupt(path, nil, _) = error else { return XCTFail("got \(error)") }
        }
    }
}
