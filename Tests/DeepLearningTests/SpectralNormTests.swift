import Foundation
import Testing
@testable import DeepLearning

/// SpectralNorm against `torch.nn.utils.spectral_norm` (fixtures by Scripts/fixtures/spectral_norm.py): the same
/// state-dict keys, power-iteration vectors after each training pass, outputs and gradients, and evaluation mode
/// without an update.
@Suite struct SpectralNormTests {
    static let fixture = try! Fixture.load("spectral_norm")

    func check<L: WeightedLayer>(_ name: String, _ layer: L) throws {
        let c = Self.fixture.case(name)
        let sn = spectralNorm(layer)
        #expect(sn.namedState().map(\.0) == c.values["keys"] as! [String], "\(name) keys")
        let start = FixtureCase(name: name + ".start", values: c.values["start"] as! [String: Any])
        try sn.loadState(Dictionary(uniqueKeysWithValues: (c.values["keys"] as! [String]).map { ($0, start.tensor($0)) }))
        let x = c.tensor("x")
        expectClose(sn(x), c.tensor("y1"), atol: 1e-5, "\(name) y after one power step")
        expectClose(sn.weightU, c.tensor("u1"), atol: 1e-6, "\(name) u after one step")
        expectClose(sn.weightV, c.tensor("v1"), atol: 1e-6, "\(name) v after one step")
        let xg = x.requiringGrad()
        let y = sn(xg)
        expectClose(y, c.tensor("y2"), atol: 1e-5, "\(name) y after two steps")
        (y * c.tensor("g")).sum().backward()
        expectClose(xg.grad, c.tensor("gx"), atol: 1e-5, "\(name) ∂x")
        expectClose(layer.weight.grad, c.tensor("gweight_orig"), atol: 1e-5, "\(name) ∂weight_orig")
        expectClose(sn.namedState().first { $0.0 == "bias" }!.1.grad, c.tensor("gbias"), atol: 1e-5, "\(name) ∂bias")
        expectClose(sn.weightU, c.tensor("u2"), atol: 1e-6, "\(name) u after two steps")
        sn.eval()
        let u = sn.weightU.scalars
        expectClose(withNoGrad { sn(x) }, c.tensor("y_eval"), atol: 1e-5, "\(name) y in eval mode")
        #expect(sn.weightU.scalars == u, "\(name): evaluation mode must not update u")
    }

    @Test func linearFollowsPyTorch() throws { try check("linear", Linear(6, 4)) }
    @Test func conv2dFollowsPyTorch() throws { try check("conv2d", Conv2d(3, 5, kernelSize: 4, stride: 2, padding: 1)) }
    @Test func convTranspose2dNormalisesAlongItsOutputChannels() throws {
        try check("conv_transpose2d", ConvTranspose2d(4, 3, kernelSize: 4, stride: 2, padding: 1))
    }

    @Test func normalisedWeightHasSpectralNormOne() {
        // After enough power steps σ(W / σ̂) is 1: its largest singular value, from the Gram matrix's power iteration.
        let sn = spectralNorm(Linear(8, 5), nPowerIterations: 50)
        let w = withNoGrad { sn.normalizedWeight() }
        var v = Tensor.ones([8, 1])
        for _ in 0..<200 { v = w.transposed().matmul(w.matmul(v)); v = v / (v * v).sum().item.squareRoot() }
        let sigma = (w.matmul(v) * w.matmul(v)).sum().item.squareRoot()
        #expect(abs(sigma - 1) < 1e-3, "σ = \(sigma)")
        #expect(String(describing: Sequential(sn)).contains("(0): Linear(in_features=8, out_features=5, bias=True)"))
    }
}
