import Foundation
import Testing
@testable import DeepLearning

@Suite struct CheckpointTests {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dl-checkpoint-\(UUID().uuidString)").path

    @Test func roundTripKeepsKeysShapesAndValues() throws {
        let a = Sequential(Linear(4, 3), ReLU(), Linear(3, 2))
        let path = dir + "/m.safetensors"
        try a.save(to: path)
        let b = Sequential(Linear(4, 3), ReLU(), Linear(3, 2))
        try b.load(from: path)
        for ((ka, ta), (kb, tb)) in zip(a.namedState(), b.namedState()) {
            #expect(ka == kb)
            #expect(ta.scalars == tb.scalars)
        }
        let contents = try SafeTensors.read(from: path)
        #expect(contents.tensors.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        #expect(contents.metadata["format"] == "pt")
    }

    @Test func loadsAFileWrittenByPyTorch() throws {
        let c = try Fixture.load("checkpoint").case("torch_mlp")
        let m = Sequential(Linear(4, 3), ReLU(), Linear(3, 2))
        try m.load(from: Fixture.directory.appendingPathComponent("torch_mlp.safetensors").path)
        let x = c.tensor("x").requiringGrad()
        let y = m(x)
        expectClose(y, c.tensor("y"), "PyTorch model output")
        (y * c.tensor("up")).sum().backward()
        expectClose(x.grad, c.tensor("grad.x"), "∂x")
        for (key, p) in m.namedParameters() { expectClose(p.grad, c.tensor("grad." + key), "∂\(key)") }
    }

    @Test func truncatedFileNamesFileAndOffset() throws {
        let path = dir + "/t.safetensors"
        try Sequential(Linear(4, 3)).save(to: path)
        let full = try Data(contentsOf: URL(fileURLWithPath: path))
        try full.prefix(full.count - 5).write(to: URL(fileURLWithPath: path))
        #expect {
            try SafeTensors.read(from: path)
        } throws: { error in
            let text = "\(error)"
            return text.contains(path) && text.contains("truncated") && text.contains("byte")
        }
        try full.prefix(5).write(to: URL(fileURLWithPath: path))
        #expect(throws: CheckpointError.self) { try SafeTensors.read(from: path) }
    }

    @Test func badHeaderIsAClearError() throws {
        let path = dir + "/bad.safetensors"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var data = Data()
        withUnsafeBytes(of: UInt64(6).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array("{nope}".utf8))
        try data.write(to: URL(fileURLWithPath: path))
        #expect {
            try SafeTensors.read(from: path)
        } throws: { error in "\(error)".contains("bad header") && "\(error)".contains(path) }
        let wrongShape = Sequential(Linear(4, 5))
        let p2 = dir + "/m.safetensors"
        try Sequential(Linear(4, 3)).save(to: p2)
        #expect { try wrongShape.load(from: p2) } throws: { "\($0)".contains("0.weight") && "\($0)".contains("[3, 4]") }
    }

    @Test func readsOtherDTypes() throws {
        // I64 (PyTorch's num_batches_tracked) and F16 values convert to Float.
        let header = #"{"a":{"dtype":"I64","shape":[2],"data_offsets":[0,16]},"h":{"dtype":"F16","shape":[2],"data_offsets":[16,20]}}"#
        var data = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8))
        for v: Int64 in [7, -3] { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        for h: UInt16 in [0x3C00, 0xC000] { withUnsafeBytes(of: h.littleEndian) { data.append(contentsOf: $0) } }  // 1.0, -2.0
        let c = try SafeTensors.decode(data).dictionary
        #expect(c["a"]!.scalars == [7, -3])
        #expect(c["h"]!.scalars == [1, -2])
    }
}
