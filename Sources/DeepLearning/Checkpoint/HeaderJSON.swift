/// A JSON value parsed strictly (RFC 8259), with the byte offset where it starts: the header of a safetensors
/// file. Unlike Foundation's `JSONSerialization` it keeps an object's keys in file order with their
/// duplicates (so that a duplicate can be reported), keeps a number's text (so that `1.0`, `-1` and `1e30`
/// are told apart from the integer `1`), and limits nesting (so that `[[[[…` cannot exhaust the stack).
struct HeaderJSON {
    enum Value {
        /// Members in file order, duplicates kept.
        case object([(key: String, value: HeaderJSON)])
        case array([HeaderJSON])
        case string(String)
        /// The number as written, e.g. `"-1.5e3"`.
        case number(String)
        case bool(Bool)
        case null
    }

    let value: Value
    /// Offset of the value's first byte in the parsed text.
    let offset: Int

    /// A syntax error at byte `offset` of the text.
    struct SyntaxError: Error {
        let offset: Int
        let reason: String
    }

    /// Deepest nesting accepted; a safetensors header nests 3 deep.
    static let maxDepth = 64

    /// Parses `text` (already known to be valid UTF-8): one value, surrounded by optional whitespace.
    static func parse(_ text: UnsafeRawBufferPointer) throws -> HeaderJSON {
        var parser = Parser(bytes: text)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == text.count else { throw SyntaxError(offset: parser.index, reason: "unexpected text after the JSON value") }
        return value
    }

    /// The value as a non-negative integer that fits in an `Int`, or nil (a string, `-1`, `1.0`, `1e3`, 2^63…).
    var nonNegativeInteger: Int? {
        guard case .number(let text) = value, !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)  // nil on overflow
    }

    /// A textual form for error messages: the number's text, a string quoted, or the kind of value.
    var summary: String {
        switch value {
        case .number(let text): return text
        case .string(let s): return "\"\(s)\""
        case .bool(let b): return "\(b)"
        case .null: return "null"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    private struct Parser {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        func fail(_ reason: String, at offset: Int? = nil) -> SyntaxError {
            SyntaxError(offset: offset ?? index, reason: reason)
        }

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipWhitespace() {
            while let b = peek, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { index += 1 }
        }

        mutating func expect(_ literal: String) throws {
            for byte in literal.utf8 {
                guard peek == byte else { throw fail("invalid literal, expected \(literal)") }
                index += 1
            }
        }

        mutating func value(depth: Int) throws -> HeaderJSON {
            guard depth < HeaderJSON.maxDepth else { throw fail("nesting deeper than \(HeaderJSON.maxDepth) levels") }
            let start = index
            guard let b = peek else { throw fail("unexpected end of the header, expected a value") }
            switch b {
            case UInt8(ascii: "{"):
                index += 1
                var members: [(key: String, value: HeaderJSON)] = []
                skipWhitespace()
                if peek == UInt8(ascii: "}") { index += 1; return HeaderJSON(value: .object(members), offset: start) }
                while true {
                    skipWhitespace()
                    guard peek == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                    let key = try string()
                    skipWhitespace()
                    guard peek == UInt8(ascii: ":") else { throw fail("expected ':' after a key") }
                    index += 1
                    skipWhitespace()
                    members.append((key, try value(depth: depth + 1)))
                    skipWhitespace()
                    if peek == UInt8(ascii: ",") { index += 1; continue }
                    guard peek == UInt8(ascii: "}") else { throw fail("expected ',' or '}' in an object") }
                    index += 1
                    return HeaderJSON(value: .object(members), offset: start)
                }
            case UInt8(ascii: "["):
                index += 1
                var elements: [HeaderJSON] = []
                skipWhitespace()
                if peek == UInt8(ascii: "]") { index += 1; return HeaderJSON(value: .array(elements), offset: start) }
                while true {
                    skipWhitespace()
                    elements.append(try value(depth: depth + 1))
                    skipWhitespace()
                    if peek == UInt8(ascii: ",") { index += 1; continue }
                    guard peek == UInt8(ascii: "]") else { throw fail("expected ',' or ']' in an array") }
                    index += 1
                    return HeaderJSON(value: .array(elements), offset: start)
                }
            case UInt8(ascii: "\""):
                return HeaderJSON(value: .string(try string()), offset: start)
            case UInt8(ascii: "t"):
                try expect("true"); return HeaderJSON(value: .bool(true), offset: start)
            case UInt8(ascii: "f"):
                try expect("false"); return HeaderJSON(value: .bool(false), offset: start)
            case UInt8(ascii: "n"):
                try expect("null"); return HeaderJSON(value: .null, offset: start)
            case UInt8(ascii: "-"), UInt8(ascii: "0") ... UInt8(ascii: "9"):
                return HeaderJSON(value: .number(try number()), offset: start)
            default:
                throw fail("unexpected character '\(Character(Unicode.Scalar(b)))', expected a value")
            }
        }

        /// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
        mutating func number() throws -> String {
            let start = index
            func digits() throws {
                guard let b = peek, b >= 0x30 && b <= 0x39 else { throw fail("invalid number: a digit is missing") }
                while let b = peek, b >= 0x30 && b <= 0x39 { index += 1 }
            }
            if peek == UInt8(ascii: "-") { index += 1 }
            if peek == UInt8(ascii: "0") {
                index += 1
                if let b = peek, b >= 0x30 && b <= 0x39 { throw fail("invalid number: leading zero") }
            } else {
                try digits()
            }
            if peek == UInt8(ascii: ".") { index += 1; try digits() }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                index += 1
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
                try digits()
            }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start ..< index]), as: UTF8.self)
        }

        /// A string starting at the opening quote; escapes decoded, lone surrogates and control characters refused.
        mutating func string() throws -> String {
            index += 1  // the opening quote
            var out: [UInt8] = []
            while true {
                guard let b = peek else { throw fail("unterminated string") }
                index += 1
                switch b {
                case UInt8(ascii: "\""):
                    return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard let e = peek else { throw fail("unterminated escape") }
                    index += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        var code = try hex4()
                        if code >= 0xD800 && code < 0xDC00 {  // a high surrogate must be followed by a low one
                            guard peek == UInt8(ascii: "\\") else { throw fail("lone surrogate in a \\u escape") }
                            index += 1
                            guard peek == UInt8(ascii: "u") else { throw fail("lone surrogate in a \\u escape") }
                            index += 1
                            let low = try hex4()
                            guard low >= 0xDC00 && low < 0xE000 else { throw fail("lone surrogate in a \\u escape") }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        } else if code >= 0xDC00 && code < 0xE000 {
                            throw fail("lone surrogate in a \\u escape")
                        }
                        out.append(contentsOf: String(Character(Unicode.Scalar(code)!)).utf8)
                    default:
                        throw fail("invalid escape '\\\(Character(Unicode.Scalar(e)))'")
                    }
                case 0 ..< 0x20:
                    throw fail("control character 0x\(String(b, radix: 16)) in a string", at: index - 1)
                default:
                    out.append(b)
                }
            }
        }

        mutating func hex4() throws -> UInt32 {
            var code: UInt32 = 0
            for _ in 0 ..< 4 {
                guard let b = peek, let digit = Character(Unicode.Scalar(b)).hexDigitValue else { throw fail("invalid \\u escape") }
                code = code << 4 | UInt32(digit)
                index += 1
            }
            return code
        }
    }
}
