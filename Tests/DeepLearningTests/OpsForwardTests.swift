import Foundation
import Testing
@testable import DeepLearning

/// Every op's forward value and gradient against PyTorch, from Fixtures/ops.json (Scripts/fixtures/ops.py:
/// float32 inputs, results evaluated in float64 and rounded to float32). Tolerance: |ours − PyTorch| ≤
/// 1e-6 + 1e-5·|PyTorch| for every element, also for the SIMD polynomials (exp, log, tanh, sigmoid, gelu).
///
/// Set OPS_ERROR_REPORT=1 to print, for each case, tab-separated: the output's worst relative error
/// (|PyTorch| ≥ 0.1), worst absolute error and worst fraction of the tolerance, then the same for the gradients.
@Suite struct OpsForwardTests {
    static let rtol: Float = 1e-5, atol: Float = 1e-6

    @Test func everyFixtureCaseHasAFunctionAndBack() {
        let fixture = Set(OpCases.names), functions = Set(OpCases.functions.keys)
        #expect(fixture.subtracting(functions).isEmpty, "fixture cases without a function")
        #expect(functions.subtracting(fixture).isEmpty, "functions without a fixture case")
        #expect(OpCases.names.count > 150)
    }

    @Test(arguments: OpCases.names)
    func matchesPyTorch(_ name: String) throws {
        let c = OpCases.fixture.case(name)
        let f = try #require(OpCases.functions[name])
        let leaves = c.inputs.map { $0.requiringGrad() }
        let out = f(leaves)
        let expected = c.anyTensor("out")
        try #require(out.shape == expected.shape, "\(name): output shape \(out.shape), expected \(expected.shape)")
        var agreements = [("out", Agreement(out, expected, rtol: Self.rtol, atol: Self.atol))]

        // The same values without recording the tape.
        let untaped = withNoGrad { f(c.inputs) }
        #expect(!untaped.requiresGrad)
        agreements.append(("out (no grad)", Agreement(untaped, expected, rtol: Self.rtol, atol: Self.atol)))

        out.backward(c.anyTensor("up"))
        for (i, leaf) in leaves.enumerated() {
            let g = c.anyTensor("g\(i)")
            let grad = leaf.grad ?? Tensor.zeros(like: leaf)
            try #require(grad.shape == leaf.shape, "\(name): gradient \(i) of shape \(grad.shape) for input \(leaf.shape)")
            agreements.append(("g\(i)", Agreement(grad, g, rtol: Self.rtol, atol: Self.atol)))
        }
        for (what, a) in agreements {
            #expect(a.ratio <= 1, "\(name) \(what): element \(a.element) off by \(a.ratio)× the tolerance")
        }
        if ProcessInfo.processInfo.environment["OPS_ERROR_REPORT"] != nil {
            let fwd = agreements[0].1, back = agreements.dropFirst(2).map(\.1)
            print("OPS_ERROR\t\(name)\t\(fwd.relative)\t\(fwd.absolute)\t\(fwd.ratio)\t"
                  + "\(back.map(\.relative).max() ?? 0)\t\(back.map(\.absolute).max() ?? 0)\t\(back.map(\.ratio).max() ?? 0)")
        }
    }
}
