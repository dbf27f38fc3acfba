import Testing
@testable import DeepLearning

@Suite struct DropoutTests {
    @Test func evaluationIsTheIdentity() {
        let x = Tensor.randn([4, 10], seed: 1)
        let layer = Dropout(p: 0.5)
        layer.eval()
        #expect(layer(x).scalars == x.scalars)
        #expect(dropout(x, p: 0.9, training: false).scalars == x.scalars)
        let channels = Dropout2d(p: 0.5)
        channels.eval()
        let images = Tensor.randn([2, 3, 4, 4], seed: 2)
        #expect(channels(images).scalars == images.scalars)
        #expect(layer.namedState().isEmpty)
    }

    @Test(arguments: [Float(0.1), 0.5, 0.8])
    func trainingKeepsTheExpectedScale(_ p: Float) {
        let n = 200_000
        let x = Tensor.uniform([n], low: 1, high: 2, seed: 3).requiringGrad()
        let y = Dropout(p: p)(x)
        let values = y.scalars, inputs = x.scalars
        let zeros = values.filter { $0 == 0 }.count
        #expect(Swift.abs(Float(zeros) / Float(n) - p) < 0.01, "zero fraction \(Float(zeros) / Float(n)) for p = \(p)")
        let meanIn = inputs.reduce(0, +) / Float(n), meanOut = values.reduce(0, +) / Float(n)
        #expect(Swift.abs(meanOut - meanIn) < 0.03 * meanIn, "mean \(meanOut), input mean \(meanIn)")
        for i in 0..<1000 where values[i] != 0 {
            #expect(Swift.abs(values[i] - inputs[i] / (1 - p)) <= 1e-6 * values[i])
        }
        // The gradient is the same mask: 0 where dropped, 1/(1 − p) where kept.
        y.sum().backward()
        let grad = x.grad!.scalars
        for i in 0..<1000 { #expect(grad[i] == (values[i] == 0 ? 0 : 1 / (1 - p))) }
    }

    @Test func extremeProbabilities() {
        let x = Tensor.randn([100], seed: 4)
        #expect(dropout(x, p: 0).scalars == x.scalars)
        #expect(dropout(x, p: 1).scalars.allSatisfy { $0 == 0 })
    }

    @Test func dropout2dZeroesWholeChannels() {
        let x = Tensor.uniform([16, 32, 3, 3], low: 1, high: 2, seed: 5)
        let y = Dropout2d(p: 0.5)(x)
        let values = y.scalars, inputs = x.scalars
        var dropped = 0
        for plane in 0..<(16 * 32) {
            let v = values[(plane * 9)..<(plane * 9 + 9)], xs = inputs[(plane * 9)..<(plane * 9 + 9)]
            if v.allSatisfy({ $0 == 0 }) {
                dropped += 1
            } else {
                #expect(zip(v, xs).allSatisfy { Swift.abs($0 - 2 * $1) <= 1e-6 * $0 }, "plane \(plane) is partly dropped")
            }
        }
        #expect(Swift.abs(Float(dropped) / 512 - 0.5) < 0.1, "dropped \(dropped) of 512 channels")
    }
}
