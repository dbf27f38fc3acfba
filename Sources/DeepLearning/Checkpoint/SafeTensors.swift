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

    /// Reads a safetensors file; every structural problem is reported with the file name and byte offset.
    public static func read(from path: String) throws -> Contents {
        guard let data = FileManager.default.contents(atPath: path) else { throw CheckpointError(path: path, offset: nil, "file not found or unreadable") }
        return try decode(data, path: path)
    }

    /// Decodes safetensors bytes; `path` names the source in errors.
    public static func decode(_ data: Data, path: String = "<memory>") throws -> Contents {
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else { throw CheckpointError(path: path, offset: bytes.count, "truncated: \(bytes.count) bytes, the 8-byte header length is missing") }
        let n = bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard n <= UInt64(bytes.count - 8) else {
            throw CheckpointError(path: path, offset: 8, "truncated: header length \(n) but only \(bytes.count - 8) bytes follow")
        }
        let headerEnd = 8 + Int(n)
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes[8..<headerEnd])), let header = object as? [String: Any] else {
            throw CheckpointError(path: path, offset: 8, "bad header: not a JSON object")
        }
        let dataSize = bytes.count - headerEnd
        var metadata: [String: String] = [:]
        var entries: [(name: String, begin: Int, end: Int, dtype: String, shape: [Int])] = []
        for (name, value) in header {
            if name == "__metadata__" {
                metadata = (value as? [String: String]) ?? [:]
                continue
            }
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = (info["shape"] as? [NSNumber])?.map(\.intValue),
                  let offsets = (info["data_offsets"] as? [NSNumber])?.map(\.intValue), offsets.count == 2 else {
                throw CheckpointError(path: path, offset: 8, "bad header: entry \"\(name)\" lacks dtype, shape or data_offsets")
            }
            guard let size = dtypeSizes[dtype] else { throw CheckpointError(path: path, offset: 8, "tensor \"\(name)\": unsupported dtype \(dtype)") }
            let count = shape.reduce(1, *)
            guard offsets[0] >= 0, offsets[1] - offsets[0] == count * size, shape.allSatisfy({ $0 >= 0 }) else {
                throw CheckpointError(path: path, offset: 8, "bad header: tensor \"\(name)\" of shape \(shape) and dtype \(dtype) has data_offsets \(offsets)")
            }
            guard offsets[1] <= dataSize else {
                throw CheckpointError(path: path, offset: headerEnd + offsets[0],
                                      "truncated: tensor \"\(name)\" needs bytes \(headerEnd + offsets[0])..<\(headerEnd + offsets[1]), the file has \(bytes.count)")
            }
            entries.append((name, offsets[0], offsets[1], dtype, shape))
        }
        entries.sort { $0.begin < $1.begin }
        let tensors = bytes.withUnsafeBytes { raw in
            entries.map { e in
                (e.name, Tensor(shape: e.shape) { p, count in
                    convert(raw.baseAddress! + headerEnd + e.begin, dtype: e.dtype, count: count, to: p)
                })
            }
        }
        return Contents(tensors: tensors, metadata: metadata)
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
