import Foundation
import Testing
@testable import DeepLearning

/// Optimizers against PyTorch (Scripts/fixtures/optim.py): the same starting parameters and gradients for
/// seven steps (the learning rate changed on some, one parameter without a gradient on one), compared
/// after every step, and the final state against PyTorch's state dict.
@Suite struct OptimizerTests {
    static let fixture = LossTests.fixture
    static var optimizerCases: [String] {
        fixture.cases.keys.filter { $0.hasPrefix("optim_") && $0 != "optim_inputs" }.sorted()
    }

    /// The optimizer a fixture case describes, over `params`.
    static func makeOptimizer(_ c: FixtureCase, _ params: [Tensor]) -> Optimizer {
        func f(_ key: String, _ d: Float) -> Float { c.has(key) ? Float(c.number(key)) : d }
        func b(_ key: String) -> Bool { c.has(key) && c.bool(key) }
        let lr = f("lr", 0)
        let betas: (Float, Float) = c.has("betas") ? { let v = c.values["betas"] as! [Double]; return (Float(v[0]), Float(v[1])) }() : (0.9, 0.999)
        switch c.string("optimizer") {
        case "sgd":
            return SGD(params, lr: lr, momentum: f("momentum", 0), dampening: f("dampening", 0), weightDecay: f("weight_decay", 0),
                       nesterov: b("nesterov"))
        case "adagrad":
            return AdaGrad(params, lr: lr, lrDecay: f("lr_decay", 0), weightDecay: f("weight_decay", 0),
                           initialAccumulatorValue: f("initial_accumulator_value", 0), eps: f("eps", 1e-10))
        case "rmsprop":
            return RMSProp(params, lr: lr, alpha: f("alpha", 0.99), eps: f("eps", 1e-8), weightDecay: f("weight_decay", 0),
                           momentum: f("momentum", 0), centered: b("centered"))
        case "adam":
            return Adam(params, lr: lr, betas: betas, eps: f("eps", 1e-8), weightDecay: f("weight_decay", 0), amsgrad: b("amsgrad"))
        case "adamw":
            return AdamW(params, lr: lr, betas: betas, eps: f("eps", 1e-8), weightDecay: f("weight_decay", 0.01), amsgrad: b("amsgrad"))
        default:
            fatalError("unknown optimizer \(c.string("optimizer"))")
        }
    }

    static func startingParameters() -> [Tensor] {
        let inputs = fixture.cases["optim_inputs"]!
        return (inputs["params"] as! [Any]).map { FixtureCase(name: "params", values: ["p": $0]).tensor("p").requiringGrad() }
    }

    /// The fixed gradients of step `s` (nil where PyTorch's parameter had none).
    static func gradients(step s: Int) -> [Tensor?] {
        let steps = fixture.cases["optim_inputs"]!["grads"] as! [[Any]]
        return steps[s].map { $0 is NSNull ? nil : FixtureCase(name: "grads", values: ["g": $0]).tensor("g") }
    }

    static var stepCount: Int { (fixture.cases["optim_inputs"]!["grads"] as! [Any]).count }

    /// Runs steps `range` of the fixture's schedule on `optimizer`.
    static func run(_ optimizer: Optimizer, _ c: FixtureCase, steps range: Range<Int>, check: Bool = true) {
        let factors = c.values["lr_factors"] as! [Double]
        let after = c.values["after"] as! [[Any]]
        for s in range {
            for (p, g) in zip(optimizer.parameters, gradients(step: s)) { p.grad = g }
            optimizer.lr = Float(c.number("lr") * factors[s])
            optimizer.step()
            guard check else { continue }
            for (i, p) in optimizer.parameters.enumerated() {
                let expected = FixtureCase(name: c.name, values: ["p": after[s][i]]).tensor("p")
                expectClose(p, expected, "\(c.name): parameter \(i) after step \(s + 1)")
            }
        }
    }

    @Test(arguments: optimizerCases) func matchesPyTorch(_ name: String) throws {
        let c = Self.fixture.case(name)
        let optimizer = Self.makeOptimizer(c, Self.startingParameters())
        Self.run(optimizer, c, steps: 0..<Self.stepCount)
        #expect(optimizer.stepCount == Self.stepCount)
        // PyTorch's state under the same keys (we also keep `step` for SGD and two param_groups entries).
        let ours = optimizer.stateDict()
        let theirs = c.values["state"] as! [String: Any]
        for (key, value) in theirs {
            expectClose(ours[key], FixtureCase(name: name, values: [key: value]).tensor(key), "\(name): state \(key)")
        }
    }

    /// Every optimizer variant of the fixtures: `step()` (on two cores or more, the parameters' updates spread
    /// over the cores) against `update(i, gradient:)` called for each parameter in turn, the serial step:
    /// parameters and state bit for bit over three steps, with one parameter left without a gradient.
    @Test(arguments: optimizerCases) func concurrentStepHasTheSerialBits(_ name: String) {
        let c = Self.fixture.case(name)
        let shapes = [[128, 128], [512], [300, 7], [5], [64, 3, 3], [9]]
        func run(concurrent: Bool) -> [UInt32] {
            let params = shapes.enumerated().map { k, shape in Tensor.randn(shape, seed: 40 + UInt64(k)).requiringGrad() }
            let optimizer = Self.makeOptimizer(c, params)
            for step in 0..<3 {
                for (k, p) in params.enumerated() where k != 3 {
                    p.grad = Tensor.randn(p.shape, seed: 60 + UInt64(10 * step + k))
                }
                if concurrent {
                    optimizer.step()
                } else {
                    for (k, p) in params.enumerated() where k != 3 { optimizer.update(k, gradient: p.grad!) }
                }
            }
            // (step() also counts the optimizer's steps, `param_groups.0.step_count`; the updates do not.)
            let state = optimizer.stateDict().filter { $0.key != "param_groups.0.step_count" }.sorted { $0.key < $1.key }
                .flatMap { $0.value.scalars }
            return (params.flatMap(\.scalars) + state).map(\.bitPattern)
        }
        let concurrent = run(concurrent: true), serial = run(concurrent: false)
        #expect(concurrent.count == serial.count)
        let same = concurrent == serial  // (not the arrays: they would fill the log)
        #expect(same, "\(name): step() and the serial updates differ")
    }

    @Test func allOptimizersAndVariantsAreCovered() {
        let names = Self.optimizerCases
        for o in ["sgd", "adagrad", "rmsprop", "adam", "adamw"] { #expect(names.contains { $0.hasPrefix("optim_\(o)_") }, "\(o)") }
        for option in ["momentum", "nesterov", "weight_decay", "dampening", "centered", "amsgrad", "lr_decay", "initial_accumulator_value"] {
            #expect(names.contains { $0.contains(option) }, "\(option)")
        }
        #expect(Self.stepCount >= 5)
    }

    /// Saving after three steps and loading into a fresh optimizer (over copies of the parameters) resumes
    /// exactly: both continue identically, through a safetensors file.
    @Test(arguments: optimizerCases) func stateDictRoundTripResumes(_ name: String) throws {
        let c = Self.fixture.case(name)
        let original = Self.makeOptimizer(c, Self.startingParameters())
        Self.run(original, c, steps: 0..<3, check: false)
        let saved = original.stateDict()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("optim-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SafeTensors.write(saved.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, to: path)
        let loaded = try SafeTensors.read(from: path).dictionary

        let copies = original.parameters.map { Tensor(copying: $0).requiringGrad() }
        let resumed = Self.makeOptimizer(c, copies)
        try resumed.loadStateDict(loaded)
        #expect(resumed.stepCount == 3 && resumed.lr == original.lr)
        Self.run(original, c, steps: 3..<Self.stepCount)
        Self.run(resumed, c, steps: 3..<Self.stepCount)
        for (a, b) in zip(original.parameters, resumed.parameters) { #expect(a.scalars == b.scalars, "\(name)") }
    }

    @Test func loadStateDictRejectsBadStates() throws {
        let params = Self.startingParameters()
        let adam = Adam(params, lr: 0.1)
        for (p, g) in zip(params, Self.gradients(step: 0)) { p.grad = g }
        adam.step()
        var state = adam.stateDict()
        state["state.0.exp_avg"] = Tensor.zeros([2])
        #expect(throws: OptimizerStateError.shapeMismatch(key: "state.0.exp_avg", expected: [3, 4], found: [2])) { try adam.loadStateDict(state) }
        state = adam.stateDict()
        state["state.1.momentum_buffer"] = Tensor.zeros([5])
        #expect(throws: OptimizerStateError.unexpectedKey("state.1.momentum_buffer")) { try adam.loadStateDict(state) }
        state = adam.stateDict()
        state["state.1.exp_avg_sq"] = nil
        #expect(throws: OptimizerStateError.missingKey("state.1.exp_avg_sq")) { try adam.loadStateDict(state) }
        state = adam.stateDict()
        state["state.7.exp_avg"] = Tensor.zeros([5])
        #expect(throws: OptimizerStateError.unexpectedKey("state.7.exp_avg")) { try adam.loadStateDict(state) }
    }

    /// The stored state is a copy: stepping on after `stateDict()` does not change it.
    @Test func stateDictIsASnapshot() {
        let params = Self.startingParameters()
        let sgd = SGD(params, lr: 0.1, momentum: 0.9)
        for (p, g) in zip(params, Self.gradients(step: 0)) { p.grad = g }
        sgd.step()
        let before = sgd.stateDict()["state.0.momentum_buffer"]!.scalars
        sgd.step()
        #expect(sgd.stateDict()["state.0.momentum_buffer"]!.scalars != before)
        #expect(before == Self.gradients(step: 0)[0]!.scalars)
    }

    /// A Linear layer trained with cross-entropy, gradient clipping and Adam, against the same in PyTorch.
    @Test func tinyModelTrainsLikePyTorch() throws {
        let c = Self.fixture.case("model_linear_adam")
        let model = Linear(4, 3)
        try model.loadState(["weight": c.tensor("weight"), "bias": c.tensor("bias")])
        let x = c.tensor("x"), y = c.tensor("y")
        let optimizer = Adam(model.parameters(), lr: 0.05, weightDecay: 0.01)
        let losses = c.values["losses"] as! [Double], norms = c.values["norms"] as! [Double]
        let after = c.values["after"] as! [[Any]]
        for s in losses.indices {
            optimizer.zeroGrad()
            let loss = crossEntropy(model(x), y, labelSmoothing: 0.05)
            loss.backward()
            let norm = clipGradNorm(model.parameters(), maxNorm: 0.5)
            optimizer.step()
            expectClose(loss, Tensor(Float(losses[s])), "loss at step \(s + 1)")
            expectClose(Tensor(norm), Tensor(Float(norms[s])), "gradient norm at step \(s + 1)")
            expectClose(model.weight, FixtureCase(name: "w", values: ["t": after[s][0]]).tensor("t"), "weight after step \(s + 1)")
            expectClose(model.bias!, FixtureCase(name: "b", values: ["t": after[s][1]]).tensor("t"), "bias after step \(s + 1)")
        }
    }

    @Test(arguments: fixture.cases.keys.filter { $0.hasPrefix("clip_norm_") }.sorted())
    func clipGradNormMatchesPyTorch(_ name: String) {
        let c = Self.fixture.case(name)
        let grads = (c.values["grads"] as! [Any]).map { FixtureCase(name: name, values: ["g": $0]).tensor("g") }
        let params = grads.map { Tensor.zeros($0.shape).requiringGrad() }
        for (p, g) in zip(params, grads) { p.grad = g }
        let normType: Float = (c.values["norm_type"] as? String) == "inf" ? .infinity : Float(c.number("norm_type"))
        let total = clipGradNorm(params, maxNorm: Float(c.number("max_norm")), normType: normType)
        expectClose(Tensor(total), Tensor(Float(c.number("total"))), "\(name): total norm")
        for (i, p) in params.enumerated() {
            expectClose(p.grad, FixtureCase(name: name, values: ["g": (c.values["clipped"] as! [Any])[i]]).tensor("g"), "\(name): gradient \(i)")
        }
    }

    @Test func clipGradValueMatchesPyTorch() {
        let c = Self.fixture.case("clip_value")
        let grads = (c.values["grads"] as! [Any]).map { FixtureCase(name: "clip_value", values: ["g": $0]).tensor("g") }
        let params = grads.map { Tensor.zeros($0.shape).requiringGrad() }
        for (p, g) in zip(params, grads) { p.grad = g }
        clipGradValue(params, clipValue: Float(c.number("clip_value")))
        for (i, p) in params.enumerated() {
            expectClose(p.grad, FixtureCase(name: "clip_value", values: ["g": (c.values["clipped"] as! [Any])[i]]).tensor("g"), "gradient \(i)")
        }
    }

    /// Two leaves can share one gradient buffer (both inputs of an addition); clipping one must not scale
    /// the other twice.
    @Test func clippingSharedGradientsScalesEachOnce() {
        let a = Tensor([3, 0]).requiringGrad(), b = Tensor([0, 4]).requiringGrad()
        (a + b).sum().backward()
        clipGradNorm([a, b], maxNorm: 1)
        let expected: Float = 1 / (2 + 1e-6)  // every gradient is [1, 1]: total norm 2
        expectClose(a.grad, Tensor([expected, expected]), "a")
        expectClose(b.grad, Tensor([expected, expected]), "b")
    }

    @Test func parametersWithoutGradientsAreSkipped() {
        let p = Tensor([1, 2]).requiringGrad(), q = Tensor([3]).requiringGrad()
        let adam = Adam([p, q], lr: 0.1)
        p.grad = Tensor([1, 1])
        adam.step()
        #expect(q.scalars == [3])
        #expect(adam.states[1] == nil && adam.states[0]?.step == 1)
        #expect(adam.stateDict().keys.sorted() == ["param_groups.0.lr", "param_groups.0.step_count", "state.0.exp_avg",
                                                   "state.0.exp_avg_sq", "state.0.step"])
    }

    /// The update writes the parameter's storage, so the model (which holds the same tensor) sees it.
    @Test func updatesAreVisibleThroughTheModel() {
        let model = Linear(2, 1)
        let before = model.weight.scalars
        let sgd = SGD(model.parameters(), lr: 1)
        mseLoss(model(Tensor([[1, 2]])), Tensor([[10]])).backward()
        let g = model.weight.grad!.scalars
        sgd.step()
        #expect(model.weight.scalars == zip(before, g).map { $0 - $1 })
    }
}
