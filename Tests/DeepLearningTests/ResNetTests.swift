import Foundation
import Testing
@testable import DeepLearning

/// Residual blocks and networks against PyTorch (torchvision's layout, written out in Scripts/fixtures/resnet.py).
/// Weights come from a seed-free formula of each state-dict key, computed identically here and in the script.
@Suite struct ResNetTests {
    static let fixture = try! Fixture.load("resnet")

    // MARK: the weights' formula (the same as resnet.py's `formula`)

    /// Polynomial hash of the key's UTF-8 bytes, base 31, mod 2³².
    static func keyHash(_ key: String) -> UInt64 { key.utf8.reduce(0) { ($0 &* 31 &+ UInt64($1)) % (1 << 32) } }

    /// The value of state-dict tensor `key` of `shape`: uᵢ = ((i · 2654435761 + hash(key)) mod 2³²) / 2³² − 0.5,
    /// then scaled by the kind of tensor.
    static func formulaTensor(_ key: String, _ shape: [Int]) -> Tensor {
        let h = keyHash(key)
        let fanIn = shape.dropFirst().reduce(1, *)
        let scale = Float((24.0 / Double(fanIn)).squareRoot())
        let (a, b): (Float, Float)  // value = a·u + b
        if key.hasSuffix("num_batches_tracked") { (a, b) = (0, 0) }
        else if key.hasSuffix("running_var") { (a, b) = (1, 1) }
        else if key.hasSuffix("running_mean") { (a, b) = (0.2, 0) }
        else if shape.count == 1 && key.hasSuffix("weight") { (a, b) = (0.4, 1) }
        else if shape.count == 1 { (a, b) = (0.2, 0) }
        else { (a, b) = (scale, 0) }
        return Tensor(shape: shape) { p, n in
            for i in 0..<n {
                let u = Float(Double((UInt64(i) &* 2_654_435_761 &+ h) % (1 << 32)) / 4_294_967_296 - 0.5)
                p[i] = b == 0 ? u * a : u * a + b
            }
        }
    }

    /// A state dict with the fixture's keys and shapes, filled by the formula.
    static func formulaState(keys: [String], shapes: [[Int]]) -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: zip(keys, shapes).map { ($0, formulaTensor($0, $1)) })
    }

    static func keysAndShapes(_ c: FixtureCase) -> ([String], [[Int]]) {
        (c.values["keys"] as! [String], (c.values["shapes"] as! [[NSNumber]]).map { $0.map(\.intValue) })
    }

    /// Expects our state dict's keys (in order) and shapes to be PyTorch's.
    static func expectLayout(_ model: Module, _ c: FixtureCase, sourceLocation: SourceLocation = #_sourceLocation) {
        let (keys, shapes) = keysAndShapes(c)
        let ours = model.namedState()
        #expect(ours.map(\.0) == keys, "\(c.name): state-dict keys", sourceLocation: sourceLocation)
        #expect(ours.map(\.1.shape) == shapes, "\(c.name): state-dict shapes", sourceLocation: sourceLocation)
    }

    /// Forward and backward in training and evaluation mode against the fixture: outputs, input gradient,
    /// parameter gradients (full or as a projection) and the running statistics after the training step.
    func check(_ model: some Layer, _ name: String, rtol: Float) throws {
        let c = Self.fixture.case(name)
        Self.expectLayout(model, c)
        let (keys, shapes) = Self.keysAndShapes(c)
        for mode in ["train", "eval"] {
            try model.loadState(Self.formulaState(keys: keys, shapes: shapes), strict: true)
            model.train(mode == "train")
            model.zeroGrad()
            let x = (Self.formulaTensor("input", c.ints("x_shape")) * 4).requiringGrad()
            let y = model(x)
            (y * Self.formulaTensor("upstream", y.shape)).sum().backward()
            expectClose(y, c.tensor(mode + ".y"), rtol: rtol, atol: rtol, "\(name) \(mode) y")
            expectClose(x.grad, c.tensor(mode + ".gx"), rtol: rtol, atol: rtol, "\(name) \(mode) ∂x")
            var tensors = model.namedParameters().map { ("grad.\($0.0)", $0.1.grad ?? Tensor.zeros($0.1.shape)) }
            if mode == "train" { tensors += model.namedBuffers().filter { !$0.0.hasSuffix("num_batches_tracked") }.map { ("buffer.\($0.0)", $0.1) } }
            for (key, t) in tensors {
                let name = key.split(separator: ".", maxSplits: 1)[1]
                if c.values["\(mode).\(key)"] is [String: Any] {
                    expectClose(t, c.tensor("\(mode).\(key)"), rtol: rtol, atol: rtol, "\(c.name) \(mode) \(key)")
                } else {
                    let probe = (t * Self.formulaTensor("probe.\(name)", t.shape)).sum().item
                    let expected = Float(c.number("\(mode).\(key.hasPrefix("grad") ? "probe" : "buffer").\(name)"))
                    #expect(abs(probe - expected) <= rtol * (1 + abs(expected)), "\(c.name) \(mode) \(key): ⟨·, probe⟩ = \(probe), expected \(expected)")
                }
            }
        }
    }

    @Test func basicBlockWithIdentityShortcut() throws { try check(BasicBlock(8, 8), "basic_identity", rtol: 1e-5) }

    @Test func basicBlockWithProjectionShortcut() throws {
        try check(BasicBlock(4, 8, stride: 2, downsample: projectionShortcut(4, 8, stride: 2)), "basic_projection", rtol: 1e-5)
    }

    @Test func bottleneckWithProjectionShortcut() throws {
        try check(Bottleneck(8, 4, stride: 2, downsample: projectionShortcut(8, 16, stride: 2)), "bottleneck_projection", rtol: 1e-5)
    }

    @Test func bottleneckWithIdentityShortcut() throws { try check(Bottleneck(16, 4), "bottleneck_identity", rtol: 1e-5) }

    @Test func resnet20ForwardAndBackward() throws { try check(resnet20(), "resnet20", rtol: 1e-4) }

    /// A state dict in torchvision's `resnet18()` layout (its keys and shapes, as PyTorch printed them) loads
    /// strictly through safetensors and gives PyTorch's logits.
    @Test func resnet18StateDictLoadsStrictlyAndGivesTheSameLogits() throws {
        let c = Self.fixture.case("resnet18")
        let (keys, shapes) = Self.keysAndShapes(c)
        let model = resnet18()
        Self.expectLayout(model, c)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("resnet18-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let state = Self.formulaState(keys: keys, shapes: shapes)
        try SafeTensors.write(keys.map { ($0, state[$0]!) }, to: path)
        try model.load(from: path, strict: true)
        model.eval()
        let y = withNoGrad { model(Self.formulaTensor("input", c.ints("x_shape")) * 4) }
        expectClose(y, c.tensor("y"), rtol: 1e-4, atol: 1e-4, "resnet18 logits")
    }

    /// ResNet-50's keys (the script checks that this narrow ResNet-50, widths 4/8/16/32 instead of 64/…/512,
    /// has exactly torchvision's resnet50 keys; building the full 25.6 M parameters takes seconds in a debug build).
    @Test func resnet50HasTorchvisionsLayout() {
        Self.expectLayout(ResNet(Bottleneck.self, layers: [3, 4, 6, 3], widths: [4, 8, 16, 32]), Self.fixture.case("resnet50_layout"))
    }

    @Test func cifarFamilyDepthsAndParameterCounts() {
        // He et al. 2016 Table 6: 0.27 M, 0.46 M, 0.66 M, 0.85 M parameters (option A; option B adds the projections).
        let counts = [20, 32, 44, 56].map { cifarResNet(depth: $0).parameterCount }
        #expect(counts == [272_474, 466_906, 661_338, 855_770])
        let convs = resnet56().namedModules().filter { $0.1 is Conv2d && !$0.0.contains("downsample") }.count
        #expect(convs + 1 == 56, "56 weighted layers: convolutions on the main path and fc")
        #expect(resnet32().stages.map { $0.layers.count } == [5, 5, 5])
        #expect(resnet44().stages.map { $0.layers.count } == [7, 7, 7])
    }

    @Test func plainNetworkHasNoShortcuts() {
        let plain = cifarResNet(depth: 20, residual: false)
        #expect(!plain.namedState().contains { $0.0.contains("downsample") })
        #expect(plain.namedState().count == resnet20().namedState().count - 2 * 6)
        #expect(withNoGrad { plain(Tensor.randn([2, 3, 32, 32], seed: 1)) }.shape == [2, 10])
    }

    @Test func kaimingNormalFanOutAndZeroInitResidual() {
        Tensor.manualSeed(3)
        let model = resnet20(zeroInitResidual: true)
        let w = model.stages[2].layers[1].namedState().first { $0.0 == "conv1.weight" }!.1  // [64, 64, 3, 3]
        let values = w.scalars
        let mean = values.reduce(0, +) / Float(values.count)
        let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(values.count)).squareRoot()
        let expected = (2 / Float(64 * 9)).squareRoot()
        #expect(abs(std - expected) < 0.03 * expected, "std \(std), expected √(2/fan_out) = \(expected)")
        for (key, t) in model.namedState() where key.hasSuffix("bn2.weight") { #expect(t.scalars.allSatisfy { $0 == 0 }, "\(key)") }
        for (key, t) in model.namedState() where key.hasSuffix("bn1.weight") { #expect(t.scalars.allSatisfy { $0 == 1 }, "\(key)") }
        // Each block starts as the identity on its input (after the ReLU of the previous one).
        let x = Tensor.rand([2, 16, 8, 8], seed: 4)
        let block = model.stages[0].layers[1] as! BasicBlock
        #expect(withNoGrad { block(x) }.scalars == x.scalars)
    }
}
