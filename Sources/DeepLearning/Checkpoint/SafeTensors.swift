import Foundation

/// Reading and writing the safetensors format (Hugging Face; readable by PyTorch through the
/// `safetensors` package): an 8-byte little-endian header length N, N bytes of JSON mapping each name to
/// `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets relative to the data section), then the raw
/// little-endian tensor bytes. We write F32; we read F32, F64, F16, BF16, I64, I32, I16, I8, U8 and BOOL,
/// converting to Float (PyTorch stores `num_batches_tracked` as I64).
public enum SafeTensors {
    /// Encodes named tensors (in the given order) and optional string metadata.
    public static func encode(_ tensors: [(String, Tensor)], metadata: [String: String]? = nil) throws -> Data {
        var header: [String: Any] = [:]
        var offset = 0
        for (name, t) in tensors {
            require(header[name] == nil, "SafeTensors.encode: duplicate name \(name)")
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + 4 * t.count]] as [String: Any]
            offset += 4 * t.count
        }
        if let metadata { header["__metadata__"] = metadata }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while (8 + json.count) % 8 != 0 { json.append(0x20) }  // pad with spaces so data is 8-byte aligned
        var data = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        for (_, t) in tensors {
            t.withUnsafeBufferPointer { buffer in
                #if _endian(big)
                for v in buffer { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
                #else
                data.append(UnsafeBufferPointer(start: UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: UInt8.self), count: buffer.count * 4))
                #endif
            }
        }
        return data
    }

    /// Writes named tensors to `path` atomically (a temporary file renamed over the destination), so a crash
    /// never leaves a half-written checkpoint.
    public static func write(_ tensors: [(String, Tensor)], metadata: [String: String]? = nil, to path: String) throws {
        try writeAtomically(encode(tensors, metadata: metadata), toPath: path)
    }

    /// A decoded file: tensors by name in file order, and the metadata.
    public struct Contents {
        /// The tensors in file order, under their names (Float32; F16/BF16 entries are converted on reading).
        public var tensors: [(name: String, tensor: Tensor)]
        /// The file's `__metadata__` entries (empty when it has none).
        public var metadata: [String: String]
        /// Tensors by name.
        public var dictionary: [String: Tensor] { Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, $0.tensor) }) }
    }

    /// Reads a safetensors file; every structural problem is a ``CheckpointError`` with the file name and byte
    /// offset (see ``decode(_:path:)`` for the rules).
    public static func read(from path: String) throws -> Contents {
        guard let data = FileManager.default.contents(atPath: path) else { throw CheckpointError(path: path, offset: nil, "file not found or unreadable") }
        return try decode(data, path: path)
    }

    /// Largest header accepted, in bytes (100 MB, the limit of Hugging Face's reader).
    public static let maxHeaderSize = 100_000_000

    /// Decodes safetensors bytes; `path` names the source in errors.
    ///
    /// As strict as Hugging Face's reader (`safetensors` 0.8): the header is at most ``maxHeaderSize`` bytes of
    /// UTF-8 JSON holding one object; each tensor has a known `dtype`, a `shape` and two `data_offsets` that are
    /// non-negative integers (not `-1`, `1.0` or `1e3`); the tensors, sorted by offset, tile the data section
    /// exactly — no gap, no overlap, no trailing byte — and each holds the bytes its shape and dtype need,
    /// computed with checked arithmetic (a shape whose size overflows, even beside a zero dimension, is an
    /// error); `__metadata__` maps strings to strings. Stricter than Hugging Face's reader: a key that appears
    /// twice is an error (it keeps the last one). Entries are checked in order of their offsets, so a file
    /// always fails at the same place. Every failure is a ``CheckpointError`` naming `path`, the byte offset
    /// in the file and the tensor's name.
    public static func decode(_ data: Data, path: String = "<memory>") throws -> Contents {
        try data.withUnsafeBytes { try decode(bytes: $0, path: path) }
    }

    private typealias Entry = (name: String, begin: Int, end: Int, dtype: String, shape: [Int], offset: Int)

    private static func decode(bytes: UnsafeRawBufferPointer, path: String) throws -> Contents {
        func fail(_ offset: Int?, _ reason: String) -> CheckpointError { CheckpointError(path: path, offset: offset, reason) }
        guard bytes.count >= 8 else { throw fail(bytes.count, "truncated: \(bytes.count) bytes, the 8-byte header length is missing") }
        let n = (0 ..< 8).reduce(UInt64(0)) { $0 | UInt64(bytes[$1]) << (8 * UInt64($1)) }
        guard n <= UInt64(maxHeaderSize) else { throw fail(0, "header length \(n) exceeds the limit of \(maxHeaderSize) bytes") }
        guard n <= UInt64(bytes.count - 8) else { throw fail(8, "truncated: header length \(n) but only \(bytes.count - 8) bytes follow") }
        let headerEnd = 8 + Int(n)
        let text = UnsafeRawBufferPointer(rebasing: bytes[8 ..< headerEnd])
        if let bad = firstInvalidUTF8(text) { throw fail(8 + bad, "bad header: not valid UTF-8") }
        let root: HeaderJSON
        do { root = try HeaderJSON.parse(text) } catch let e as HeaderJSON.SyntaxError {
            throw fail(8 + e.offset, "bad header: \(e.reason)")
        }
        guard case .object(let members) = root.value else { throw fail(8, "bad header: not a JSON object") }

        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        var seen = Set<String>()
        for (name, value) in members {
            let at = 8 + value.offset
            guard seen.insert(name).inserted else { throw fail(at, "bad header: key \"\(name)\" appears twice") }
            if name == "__metadata__" {
                metadata = try metadataStrings(value, fail: fail)
                continue
            }
            guard case .object(let fields) = value.value else { throw fail(at, "bad header: tensor \"\(name)\" is \(value.summary), not an object") }
            var byName: [String: HeaderJSON] = [:]
            for (field, v) in fields {
                guard byName.updateValue(v, forKey: field) == nil else { throw fail(8 + v.offset, "bad header: tensor \"\(name)\" has field \"\(field)\" twice") }
            }
            func field(_ key: String) throws -> HeaderJSON {
                guard let v = byName[key] else { throw fail(at, "bad header: tensor \"\(name)\" has no \"\(key)\"") }
                return v
            }
            func integers(_ key: String) throws -> [Int] {
                let v = try field(key)
                guard case .array(let elements) = v.value else { throw fail(8 + v.offset, "bad header: tensor \"\(name)\": \(key) is \(v.summary), not an array") }
                return try elements.map { e in
                    guard let i = e.nonNegativeInteger else {
                        throw fail(8 + e.offset, "bad header: tensor \"\(name)\": \(key) holds \(e.summary), not an integer in 0...\(Int.max)")
                    }
                    return i
                }
            }
            let dtypeValue = try field("dtype")
            guard case .string(let dtype) = dtypeValue.value else { throw fail(8 + dtypeValue.offset, "bad header: tensor \"\(name)\": dtype is \(dtypeValue.summary), not a string") }
            guard dtypeSizes[dtype] != nil else { throw fail(8 + dtypeValue.offset, "tensor \"\(name)\": unsupported dtype \(dtype)") }
            let shape = try integers("shape")
            let offsets = try integers("data_offsets")
            guard offsets.count == 2 else { throw fail(8 + (try field("data_offsets")).offset, "bad header: tensor \"\(name)\": data_offsets has \(offsets.count) elements, not 2") }
            entries.append((name, offsets[0], offsets[1], dtype, shape, at))
        }

        // Deterministic order: by offsets, then by name; the tensors must tile the data section.
        entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        let dataSize = bytes.count - headerEnd
        var covered = 0, previous: String?
        for e in entries {
            let described = "tensor \"\(e.name)\" of shape \(e.shape) and dtype \(e.dtype) with data_offsets [\(e.begin), \(e.end)]"
            if e.begin < covered {
                throw fail(e.offset, "bad header: \(described) overlaps tensor \"\(previous!)\", which ends at \(covered)")
            }
            if e.begin > covered {
                throw fail(e.offset, "bad header: \(described) leaves a gap: bytes \(covered)..<\(e.begin) of the data belong to no tensor")
            }
            guard e.end >= e.begin else { throw fail(e.offset, "bad header: \(described): the end is before the beginning") }
            guard let size = byteCount(shape: e.shape, dtype: e.dtype) else {
                throw fail(e.offset, "bad header: \(described): its size in bytes overflows")
            }
            guard e.end - e.begin == size else {
                throw fail(e.offset, "bad header: \(described) holds \(e.end - e.begin) bytes, its shape and dtype need \(size)")
            }
            guard e.end <= dataSize else {
                throw fail(headerEnd + e.begin, "truncated: tensor \"\(e.name)\" needs bytes \(headerEnd + e.begin)..<\(headerEnd + e.end), the file has \(bytes.count)")
            }
            covered = e.end
            previous = e.name
        }
        guard covered == dataSize else {
            throw fail(headerEnd + covered, "\(dataSize - covered) trailing bytes after the last tensor's data (the file has \(bytes.count) bytes, the tensors end at \(headerEnd + covered))")
        }

        let tensors = entries.map { e in
            (e.name, Tensor(shape: e.shape) { p, count in
                convert(bytes.baseAddress! + headerEnd + e.begin, dtype: e.dtype, count: count, to: p)
            })
        }
        return Contents(tensors: tensors, metadata: metadata)
    }

    /// The bytes a tensor of `shape` and `dtype` takes, or nil when that overflows an `Int`. The nonzero
    /// dimensions are multiplied first, so that a zero dimension does not hide an overflowing one.
    private static func byteCount(shape: [Int], dtype: String) -> Int? {
        var product = dtypeSizes[dtype]!
        for d in shape where d != 0 {
            let (p, overflow) = product.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            product = p
        }
        return shape.contains(0) ? 0 : product
    }

    /// The `__metadata__` entry: null, or an object whose values are all strings (keys listed once).
    private static func metadataStrings(_ value: HeaderJSON, fail: (Int?, String) -> CheckpointError) throws -> [String: String] {
        if case .null = value.value { return [:] }
        guard case .object(let members) = value.value else { throw fail(8 + value.offset, "bad header: __metadata__ is \(value.summary), not an object") }
        var result: [String: String] = [:]
        for (key, v) in members {
            guard case .string(let s) = v.value else { throw fail(8 + v.offset, "bad header: __metadata__ value for \"\(key)\" is \(v.summary), not a string") }
            guard result.updateValue(s, forKey: key) == nil else { throw fail(8 + v.offset, "bad header: __metadata__ key \"\(key)\" appears twice") }
        }
        return result
    }

    /// The offset of the first byte that is not part of valid UTF-8, or nil.
    private static func firstInvalidUTF8(_ text: UnsafeRawBufferPointer) -> Int? {
        var iterator = text.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let s): offset += UTF8.width(s)
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    private static let dtypeSizes = ["F32": 4, "F64": 8, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1]

    private static func convert(_ src: UnsafeRawPointer, dtype: String, count: Int, to dst: UnsafeMutablePointer<Float>) {
        func each<T>(_: T.Type, _ f: (T) -> Float) {
            for i in 0..<count { dst[i] = f(src.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self)) }
        }
        switch dtype {
        case "F32": each(UInt32.self) { Float(bitPattern: UInt32(littleEndian: $0)) }
        case "F64": each(UInt64.self) { Float(Double(bitPattern: UInt64(littleEndian: $0))) }
        case "F16": each(UInt16.self) { Float(halfBits: UInt16(littleEndian: $0)) }
        case "BF16": each(UInt16.self) { Float(bitPattern: UInt32(UInt16(littleEndian: $0)) << 16) }
        case "I64": each(Int64.self) { Float(Int64(littleEndian: $0)) }
        case "I32": each(Int32.self) { Float(Int32(littleEndian: $0)) }
        case "I16": each(Int16.self) { Float(Int16(littleEndian: $0)) }
        case "I8": each(Int8.self) { Float($0) }
        default: each(UInt8.self) { Float($0) }  // U8, BOOL
        }
    }
}

extension Float {
    /// Decodes an IEEE half-precision bit pattern.
    init(halfBits h: UInt16) {
        let sign = UInt32(h >> 15) << 31
        let exponent = Int((h >> 10) & 0x1F), mantissa = UInt32(h & 0x3FF)
        if exponent == 0 {
            self = (sign != 0 ? -1 : 1) * Float(mantissa) * 0x1p-24
        } else if exponent == 31 {
            self = Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        } else {
            self = Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
        }
    }
}

/// A checkpoint that cannot be read: names the file, the byte offset when known, and what is wrong.
public struct CheckpointError: Error, CustomStringConvertible, LocalizedError {
    /// The file that could not be read.
    public let path: String
    /// The byte offset in the file where the problem is, when known.
    public let offset: Int?
    /// What is wrong, e.g. "header length 12345 exceeds file size 100".
    public let reason: String
    init(path: String, offset: Int?, _ reason: String) { self.path = path; self.offset = offset; self.reason = reason }
    /// `path (byte offset): reason`.
    public var description: String { "\(path)\(offset.map { " (byte \($0))" } ?? ""): \(reason)" }
    /// The same text as ``description``, for `localizedDescription`.
    public var errorDescription: String? { description }
}

extension Module {
    /// Saves parameters and buffers under PyTorch's state-dict keys, atomically.
    public func save(to path: String) throws {
        try SafeTensors.write(namedState(), metadata: ["format": "pt"], to: path)
    }

    /// Loads parameters and buffers saved by ``save(to:)`` or by PyTorch's
    /// `safetensors.torch.save_file(model.state_dict(), path)`.
    public func load(from path: String, strict: Bool = true) throws {
        do {
            try loadState(SafeTensors.read(from: path).dictionary, strict: strict)
        } catch let error as ModuleError {
            throw CheckpointError(path: path, offset: nil, error.description)
        }
    }
}
