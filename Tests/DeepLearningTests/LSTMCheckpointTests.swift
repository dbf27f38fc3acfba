import Foundation
import Testing
@testable import DeepLearning

/// LSTM state dicts move between PyTorch and us (Scripts/fixtures/lstm_checkpoint.py checks the PyTorch side).
@Suite struct LSTMCheckpointTests {
    static func makeLSTM() -> LSTM { LSTM(4, 5, numLayers: 2, bidirectional: true) }

    @Test func lstmCheckpointWrittenByPyTorchLoads() throws {
        let c = try Fixture.load("lstm_checkpoint").case("torch")
        let lstm = Self.makeLSTM()
        try lstm.load(from: Fixture.directory.appendingPathComponent("torch_lstm.safetensors").path)
        let (y, state) = lstm(c.tensor("x"))
        expectClose(y, c.tensor("output"), "output")
        expectClose(state.h, c.tensor("h"), "h_n")
        expectClose(state.c, c.tensor("c"), "c_n")
    }

    /// Our file, committed so PyTorch can load it: it still has our current keys and layout, and reloading it
    /// reproduces the output recorded beside it. With DEEPLEARNING_WRITE_FIXTURES=1 it is written anew.
    @Test func lstmCheckpoints() throws {
        let file = Fixture.directory.appendingPathComponent("ours_lstm.safetensors").path
        let json = Fixture.directory.appendingPathComponent("ours_lstm.json")
        if ProcessInfo.processInfo.environment["DEEPLEARNING_WRITE_FIXTURES"] != nil {
            let lstm = LSTM(4, 5, numLayers: 2, bidirectional: true)
            try lstm.save(to: file)
            let x = Tensor.randn([6, 2, 4], seed: 5)
            let y = lstm(x).output
            let record: [String: Any] = ["x": ["shape": x.shape, "data": x.scalars.map(Double.init)],
                                         "output": ["shape": y.shape, "data": y.scalars.map(Double.init)]]
            try JSONSerialization.data(withJSONObject: record).write(to: json)
        }
        let lstm = Self.makeLSTM()
        try lstm.load(from: file)
        #expect(try SafeTensors.read(from: file).tensors.map(\.name).sorted() == lstm.namedState().map(\.0).sorted())
        let c = FixtureCase(name: "ours", values: try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as! [String: Any])
        expectClose(lstm(c.tensor("x")).output, c.tensor("output"), "our LSTM reloaded")
    }
}
