/// A character-level vocabulary: the sorted distinct characters of a text, each mapped to its index.
///
/// A "character" here is one Unicode scalar (like a Python `str` element), so `"\r\n"` counts as
/// two characters, and ids match the usual `sorted(set(text))` of char-level language models.
/// Pure-ASCII text takes a fast path that works on bytes through a lookup table.
public struct CharVocabulary: Sendable, Equatable {
    /// The distinct characters, sorted by code point; the id of a character is its index here.
    public let characters: [Character]

    /// id for each Unicode scalar value, for fast encoding.
    private let ids: [UInt32: Int]
    /// id for each ASCII byte, or -1 when the byte is not in the vocabulary.
    private let asciiIDs: [Int]
    /// The scalars in id order, for decoding.
    private let scalars: [Unicode.Scalar]

    /// The number of distinct characters.
    public var count: Int { characters.count }

    /// Builds the vocabulary of `text`: its distinct characters, sorted by code point.
    public init(text: String) {
        var seen = Set<UInt32>()
        let utf8 = text.utf8
        if utf8.allSatisfy({ $0 < 0x80 }) {
            var present = [Bool](repeating: false, count: 128)
            for byte in utf8 { present[Int(byte)] = true }
            for byte in 0 ..< 128 where present[byte] { seen.insert(UInt32(byte)) }
        } else {
            for scalar in text.unicodeScalars { seen.insert(scalar.value) }
        }
        self.init(scalars: seen.sorted().map { Unicode.Scalar($0)! })
    }

    /// Creates a vocabulary from characters in the given order (duplicates are removed, first one kept).
    /// - Precondition: every character is a single Unicode scalar.
    public init(characters: [Character]) {
        var seen = Set<Character>()
        let unique = characters.filter { seen.insert($0).inserted }
        self.init(scalars: unique.map { character in
            require(character.unicodeScalars.count == 1, "vocabulary entry \(character.debugDescription) is not a single Unicode scalar")
            return character.unicodeScalars.first!
        })
    }

    private init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
        self.characters = scalars.map(Character.init)
        var ids: [UInt32: Int] = [:]
        var asciiIDs = [Int](repeating: -1, count: 128)
        for (id, scalar) in scalars.enumerated() {
            ids[scalar.value] = id
            if scalar.isASCII { asciiIDs[Int(scalar.value)] = id }
        }
        self.ids = ids
        self.asciiIDs = asciiIDs
    }

    /// The id of `character`, or nil when it is not in the vocabulary (or is not a single scalar).
    public func id(of character: Character) -> Int? {
        guard character.unicodeScalars.count == 1 else { return nil }
        return ids[character.unicodeScalars.first!.value]
    }

    /// Converts text to ids, one per Unicode scalar.
    /// - Precondition: every character of `text` is in the vocabulary.
    public func encode(_ text: String) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            guard byte < 0x80 else { return encodeScalars(text) }  // non-ASCII: slow path
            let id = asciiIDs[Int(byte)]
            require(id >= 0, "character \(Character(Unicode.Scalar(byte)).debugDescription) is not in the vocabulary")
            result.append(id)
        }
        return result
    }

    private func encodeScalars(_ text: String) -> [Int] {
        text.unicodeScalars.map { scalar in
            guard let id = ids[scalar.value] else {
                failure("character \(Character(scalar).debugDescription) is not in the vocabulary")
            }
            return id
        }
    }

    /// Converts ids back to text.
    /// - Precondition: every id is in `0 ..< count`.
    public func decode(_ ids: [Int]) -> String {
        if scalars.allSatisfy(\.isASCII) {  // fast path: build the UTF-8 bytes directly
            let bytes = ids.map { id -> UInt8 in
                require(id >= 0 && id < scalars.count, "id \(id) is outside the vocabulary of \(scalars.count) characters")
                return UInt8(scalars[id].value)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        var text = String.UnicodeScalarView()
        for id in ids {
            require(id >= 0 && id < scalars.count, "id \(id) is outside the vocabulary of \(scalars.count) characters")
            text.append(scalars[id])
        }
        return String(text)
    }
}

/// A text file loaded for character-level language modelling: the text, its vocabulary and its ids.
public struct TextCorpus: Sendable {
    /// The whole text.
    public let text: String
    /// The sorted distinct characters of `text`.
    public let vocabulary: CharVocabulary
    /// `text` encoded with `vocabulary`, one id per character.
    public let ids: [Int]

    /// Reads a UTF-8 text file (plain or gzip-compressed) and encodes it.
    /// - Throws: `DataError.fileNotFound`, or `DataError.corrupt` when the file is not valid UTF-8.
    public init(contentsOfFile path: String) throws {
        try self.init(bytes: readMaybeGzipped(atPath: path), path: path)
    }

    /// Decodes the bytes of an uncompressed UTF-8 text file and encodes it; `path` is only used in errors.
    /// - Throws: `DataError.corrupt` when the bytes are not valid UTF-8.
    public init(bytes: [UInt8], path: String = "<memory>") throws {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DataError.corrupt(path: path, offset: nil, reason: "the file is not valid UTF-8 text")
        }
        self.init(text: text)
    }

    /// Builds the vocabulary of `text` and encodes it.
    public init(text: String) {
        self.text = text
        self.vocabulary = CharVocabulary(text: text)
        self.ids = vocabulary.encode(text)
    }
}
