import Foundation
import Testing
@testable import DeepLearning

/// The safetensors reader refuses what Hugging Face's reader refuses (fixtures from
/// Scripts/fixtures/safetensors_rules.py, run against `safetensors` 0.8), with a ``CheckpointError`` that names
/// the file, the byte offset and the tensor; sizes read from the file use checked arithmetic (issue 11, items 6–7).
@Suite struct SafeTensorsStrictnessTests {
    /// Cases where we are deliberately stricter than Hugging Face's reader, which keeps the last of two equal keys.
    static let stricter: Set<String> = ["key_twice", "metadata_key_twice"]

    static func bytes(hex: String) -> Data {
        var data = Data(capacity: hex.count / 2)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            data.append(UInt8(hex[index ..< next], radix: 16)!)
            index = next
        }
        return data
    }

    @Test func acceptsAndRefusesWhatHuggingFaceDoes() throws {
        let fixture = try JSONSerialization.jsonObject(with: Data(contentsOf: Fixture.directory.appendingPathComponent("safetensors_rules.json")))
            as! [String: [String: Any]]
        #expect(fixture.count >= 40)
        for (name, c) in fixture.sorted(by: { $0.key < $1.key }) {
            let file = Self.bytes(hex: c["file"] as! String)
            let expected = (c["accepted"] as! Bool) && !Self.stricter.contains(name)
            var error: CheckpointError?
            do { _ = try SafeTensors.decode(file, path: name + ".safetensors") } catch let e as CheckpointError { error = e }
            #expect((error == nil) == expected, "\(name): Hugging Face \(c["accepted"] as! Bool ? "accepts" : "refuses (\(c["error"]!))"), we \(error.map { "refuse: \($0)" } ?? "accept")")
            if let error { #expect(error.description.hasPrefix(name + ".safetensors")) }
        }
    }

    /// A header written as text, framed with its 8-byte length, then `data`.
    static func file(_ header: String, _ data: [UInt8] = []) -> Data {
        var file = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(contentsOf: Array(header.utf8) + data)
        return file
    }

    static func error(_ header: String, _ data: [UInt8] = []) -> CheckpointError? {
        do { _ = try SafeTensors.decode(file(header, data), path: "m.safetensors"); return nil } catch { return error as? CheckpointError }
    }

    @Test func overflowingShapeIsAnErrorNamingTheFileAndTensor() throws {
        // The 82-byte file of the issue: it trapped before.
        let header = #"{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}}"#
        #expect(Self.file(header).count == 82)
        let directory = NSTemporaryDirectory() + "st-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/huge.safetensors"
        try Self.file(header).write(to: URL(fileURLWithPath: path))
        do {
            _ = try SafeTensors.read(from: path)
            Issue.record("accepted")
        } catch let e as CheckpointError {
            #expect(e.description == path + #" (byte 13): bad header: tensor "a" of shape [4294967296, 4294967296] and dtype F32 with data_offsets [0, 0]: its size in bytes overflows"#)
        }
    }

    @Test func zeroDimensionDoesNotHideAnOverflow() {
        let e = Self.error(#"{"a":{"dtype":"F32","shape":[0,9223372036854775807,4],"data_offsets":[0,0]}}"#)
        #expect(e?.reason.hasSuffix("its size in bytes overflows") == true)
        let beyond = Self.error(#"{"a":{"dtype":"F32","shape":[0,18446744073709551615],"data_offsets":[0,0]}}"#)
        #expect(beyond?.description == #"m.safetensors (byte 39): bad header: tensor "a": shape holds 18446744073709551615, not an integer in 0...9223372036854775807"#)
    }

    @Test func numbersMustBeNonNegativeIntegers() {
        for bad in ["-1", "1.0", "1e0", "-0", "\"1\""] {
            let e = Self.error(#"{"a":{"dtype":"F32","shape":["# + bad + #"],"data_offsets":[0,4]}}"#, [0, 0, 0, 0])
            #expect(e?.reason == #"bad header: tensor "a": shape holds "# + (bad == "\"1\"" ? "\"1\"" : bad) + ", not an integer in 0...9223372036854775807", "\(bad)")
        }
        #expect(Self.error(#"{"a":{"dtype":"F32","shape":[01],"data_offsets":[0,4]}}"#, [0, 0, 0, 0])?.reason == "bad header: invalid number: leading zero")
    }

    @Test func offsetsMustTileTheDataSection() {
        let four: [UInt8] = [0, 0, 0, 0]
        #expect(Self.error(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, four + four)?.reason
            == #"bad header: tensor "a" of shape [1] and dtype F32 with data_offsets [4, 8] leaves a gap: bytes 0..<4 of the data belong to no tensor"#)
        #expect(Self.error(#"{"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, four)?.reason
            == #"bad header: tensor "b" of shape [1] and dtype F32 with data_offsets [0, 4] overlaps tensor "a", which ends at 4"#)
        #expect(Self.error(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, four + [9])?.description
            == "m.safetensors (byte 66): 1 trailing bytes after the last tensor's data (the file has 67 bytes, the tensors end at 66)")
        #expect(Self.error(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, four)?.reason
            == #"bad header: tensor "a" of shape [2] and dtype F32 with data_offsets [0, 4] holds 4 bytes, its shape and dtype need 8"#)
    }

    @Test func duplicatesAndMetadataAreRefused() {
        let entry = #"{"dtype":"F32","shape":[1],"data_offsets":[0,4]}"#
        #expect(Self.error(#"{"a":"# + entry + #","a":"# + entry + "}", [0, 0, 0, 0])?.description
            == #"m.safetensors (byte 66): bad header: key "a" appears twice"#)
        #expect(Self.error(#"{"a":{"dtype":"F32","shape":[1],"shape":[1],"data_offsets":[0,4]}}"#, [0, 0, 0, 0])?.reason
            == #"bad header: tensor "a" has field "shape" twice"#)
        #expect(Self.error(#"{"__metadata__":{"x":1}}"#)?.description == #"m.safetensors (byte 29): bad header: __metadata__ value for "x" is 1, not a string"#)
    }

    @Test func headerLimitsAndNesting() {
        var huge = Data()
        withUnsafeBytes(of: UInt64(100_000_001).littleEndian) { huge.append(contentsOf: $0) }
        #expect(throws: CheckpointError.self) { try SafeTensors.decode(huge) }
        let deep = #"{"__metadata__":{"x":"# + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}}"
        #expect(Self.error(deep)?.reason == "bad header: nesting deeper than 64 levels")
    }

    /// The first error is the same whatever the order of the entries in the JSON: entries are checked by offset.
    @Test func errorsComeInOffsetOrder() {
        let a = #""a":{"dtype":"F32","shape":[3],"data_offsets":[8,16]}"#, b = #""b":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}"#
        let data = [UInt8](repeating: 0, count: 16)
        let first = Self.error("{" + a + "," + b + "}", data), second = Self.error("{" + b + "," + a + "}", data)
        #expect(first?.reason == #"bad header: tensor "b" of shape [3] and dtype F32 with data_offsets [0, 8] holds 8 bytes, its shape and dtype need 12"#)
        #expect(second?.reason == first?.reason)
    }

    /// Files we write pass our own checks and keep their values, including empty and scalar tensors.
    @Test func ourFilesStillRoundTrip() throws {
        let tensors = [("s", Tensor(2.5)), ("e", Tensor.zeros([0, 3])), ("w", Tensor([[1, 2], [3, 4]]))]
        let back = try SafeTensors.decode(SafeTensors.encode(tensors, metadata: ["format": "pt"]))
        #expect(back.metadata == ["format": "pt"])
        #expect(back.tensors.map(\.name) == ["s", "e", "w"])  // by offset; the empty "e" sits at 4..<4
        #expect(back.dictionary["w"]?.scalars == [1, 2, 3, 4])
        #expect(back.dictionary["e"]?.shape == [0, 3])
        #expect(back.dictionary["s"]?.shape == [])
    }
}
