import Foundation
import Testing
@testable import DeepLearning

/// Loads are all or nothing, optimizer state is validated, and killed saves leave no litter
/// (issue 11, items 8–9).
@Suite struct LoadSafetyTests {
    final class Net: Module {
        let fc1 = Linear(3, 4)
        let bn = BatchNorm1d(4)
        let fc2 = Linear(4, 2)
    }

    /// Every parameter and buffer's values, by key.
    static func snapshot(_ m: Module) -> [String: [Float]] {
        Dictionary(uniqueKeysWithValues: m.namedState().map { ($0.0, $0.1.scalars) })
    }

    /// An Adam that has taken two steps on `net`, and its state, by key.
    static func trainedAdam(_ net: Net) -> Adam {
        let adam = Adam(net.parameters(), lr: 0.01, amsgrad: true)
        for step in 0 ..< 2 {
            for (i, p) in net.parameters().enumerated() { p.grad = Tensor.full(p.shape, Float(i + step) * 0.1 + 0.05) }
            adam.step()
        }
        return adam
    }

    /// A state dict that is right for `net` except its last key (in PyTorch's order), whose shape is wrong:
    /// a failing load must not have written the keys before it.
    @Test func failedModuleLoadChangesNothing() throws {
        let net = Net(), before = Self.snapshot(net)
        var state = Dictionary(uniqueKeysWithValues: net.namedState().map { ($0.0, Tensor.full($0.1.shape, 7)) })
        state["fc2.bias"] = Tensor.zeros([3])
        #expect(throws: ModuleError.shapeMismatch(key: "fc2.bias", expected: [2], found: [3])) { try net.loadState(state) }
        #expect(Self.snapshot(net) == before)
        state["fc2.bias"] = Tensor.zeros([2])
        state["extra"] = Tensor.zeros([1])
        #expect(throws: ModuleError.unexpectedKey("extra")) { try net.loadState(state) }
        #expect(Self.snapshot(net) == before)
        try net.loadState(state, strict: false)
        #expect(net.fc1.weight.scalars.allSatisfy { $0 == 7 })
    }

    /// Through a file: a checkpoint missing one tensor leaves the model as it was.
    @Test func failedLoadFromFileChangesNothing() throws {
        let net = Net(), before = Self.snapshot(net)
        let path = NSTemporaryDirectory() + "load-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SafeTensors.write(Net().namedState().filter { $0.0 != "bn.running_var" }, to: path)
        #expect(throws: CheckpointError.self) { try net.load(from: path) }
        #expect(Self.snapshot(net) == before)
    }

    static func optimizerSnapshot(_ o: Optimizer) -> [String: [Float]] {
        o.stateDict().mapValues(\.scalars)
    }

    /// A state whose last parameter's buffer is misshapen fails without changing the states of the parameters
    /// before it, the learning rate or the step count.
    @Test func failedOptimizerLoadChangesNothing() throws {
        let net = Net(), adam = Self.trainedAdam(net)
        let before = Self.optimizerSnapshot(adam)
        var state = adam.stateDict().mapValues { $0.count == 1 ? Tensor(1) : Tensor.full($0.shape, 0.5) }
        state["param_groups.0.lr"] = Tensor(0.25)
        let last = net.parameters().count - 1
        state["state.\(last).exp_avg_sq"] = Tensor.zeros([9])
        #expect(throws: OptimizerStateError.shapeMismatch(key: "state.\(last).exp_avg_sq", expected: [2], found: [9])) {
            try adam.loadStateDict(state)
        }
        #expect(Self.optimizerSnapshot(adam) == before)
        #expect(adam.learningRate == 0.01 && adam.stepCount == 2)
    }

    /// `step` and `step_count` must be whole numbers in 0...2^53; NaN, ±∞, 1e30 trapped in Int(_:) before.
    @Test(arguments: [Float.nan, .infinity, -.infinity, 1e30, -1, 2.5])
    func badStepThrows(_ value: Float) throws {
        let net = Net(), adam = Self.trainedAdam(net)
        let before = Self.optimizerSnapshot(adam)
        for key in ["state.1.step", "param_groups.0.step_count"] {
            var state = adam.stateDict()
            state[key] = Tensor(value)
            do {
                try adam.loadStateDict(state)
                Issue.record("\(key) = \(value) accepted")
            } catch let e as OptimizerStateError {
                #expect(e.description == "loadStateDict: \"\(key)\" is \(value), expected a whole number in 0...9007199254740992")
            }
            #expect(Self.optimizerSnapshot(adam) == before)
        }
        var state = adam.stateDict()
        state["param_groups.0.lr"] = Tensor(value < 0 || !value.isFinite ? value : -value)
        #expect(throws: OptimizerStateError.self) { try adam.loadStateDict(state) }
    }

    /// A valid state still loads, and a large but plausible step count is kept exactly.
    @Test func validStateLoads() throws {
        let net = Net(), adam = Self.trainedAdam(net)
        var state = adam.stateDict()
        state["state.0.step"] = Tensor(1_000_000)
        let fresh = Adam(net.parameters(), lr: 0.5, amsgrad: true)
        try fresh.loadStateDict(state)
        #expect(fresh.states[0]?.step == 1_000_000 && fresh.states[1]?.step == 2 && fresh.learningRate == 0.01)
    }

    /// A killed save leaves `.<name>.tmp-<pid>-<random>`; the next save of that file removes it when its process
    /// is gone, and leaves the temporary file of a process still running (a save in progress) alone.
    @Test func staleTemporaryFilesAreRemoved() throws {
        let directory = NSTemporaryDirectory() + "atomic-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/model.safetensors"
        let stale = directory + "/.model.safetensors.tmp-999999999-1a2b"  // above Linux's largest pid
        let live = directory + "/.model.safetensors.tmp-\(getpid())-3c4d"
        let other = directory + "/.other.safetensors.tmp-999999999-5e6f"
        for file in [stale, live, other] { _ = FileManager.default.createFile(atPath: file, contents: Data(repeating: 1, count: 100)) }
        try Net().save(to: path)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(names == [".model.safetensors.tmp-\(getpid())-3c4d", ".other.safetensors.tmp-999999999-5e6f", "model.safetensors"])
        #expect(removeStaleTemporaryFiles(of: directory + "/other.safetensors") == [other])
        try Net().load(from: path)
    }
}
