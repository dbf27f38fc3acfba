import Foundation
import Testing
@testable import DeepLearning

/// Everyday pieces a newcomer reaches for: std (against torch.std, Scripts/fixtures/everyday.py), the free
/// functions softmax/logSoftmax, randomSplit, and CSV columns as features and labels.
@Suite struct EverydayTests {
    static let fixture = try! Fixture.load("everyday")
    static let functions: [String: (Tensor) -> Tensor] = [
        "std_axis1": { $0.std(alongAxis: 1) },
        "std_axes02_keep": { $0.std(alongAxes: [0, 2], keepDims: true) },
        "std_axis2_correction0": { $0.std(alongAxis: 2, correction: 0) },
        "std_all_correction2": { $0.std(correction: 2) },
        "std_all": { $0.std() },
        "softmax_axis1": { softmax($0, axis: 1) },
        "log_softmax_last": { logSoftmax($0) },
    ]

    @Test(arguments: functions.keys.sorted())
    func againstPyTorch(_ name: String) {
        let c = Self.fixture.case(name), f = Self.functions[name]!
        let x = c.tensor("x").requiringGrad()
        let out = f(x)
        expectClose(out, c.tensor("out"), rtol: 1e-5, atol: 1e-6, "\(name) forward")
        (out * c.tensor("up")).sum().backward()
        expectClose(x.grad, c.tensor("dx"), rtol: 1e-4, atol: 1e-5, "\(name) gradient")
        let check = gradcheck([c.tensor("x")]) { f($0[0]) }
        #expect(check.passed, "\(name): \(check)")
    }

    @Test func randomSplitIsAPartitionThatDependsOnTheSeed() {
        let data = TensorDataset(inputs: Tensor.arange(10).reshaped(to: [10, 1]), labels: Tensor.arange(10))
        let parts = randomSplit(data, [6, 3, 1], seed: 0)
        #expect(parts.map(\.count) == [6, 3, 1])
        let all = parts.flatMap { $0.batch(Array(0..<$0.count)).labels.scalars }
        #expect(Set(all) == Set((0..<10).map(Float.init)) && all.count == 10)
        #expect(parts[0].batch([0, 1]).inputs.scalars == parts[0].batch([0, 1]).labels.scalars)
        #expect(randomSplit(data, [6, 3, 1], seed: 0)[0].indices == parts[0].indices)
        #expect(randomSplit(data, [6, 3, 1], seed: 1)[0].indices != parts[0].indices)
        #expect(randomSplit(data, fractions: [0.75, 0.25], seed: 0).map(\.count) == [8, 2])
        let loader = DataLoader(parts[1], batchSize: 2)
        #expect(loader.map { $0.0.shape[0] } == [2, 1])
    }

    @Test func csvColumnsAsFeaturesAndLabels() throws {
        let text = "sepal,petal,width,species\n5.1,1.4,0.2,0\n6.3,4.9,1.5,1\n7.7,6.7,2.2,2\n"
        let table = try CSVTable.parse(Array(text.utf8), path: "iris.csv", hasHeader: true)
        let all = table.dataset(label: -1)
        #expect(all.inputs.shape == [3, 3] && all.labels.scalars == [0, 1, 2])
        #expect(all.inputs[1].scalars == [6.3, 4.9, 1.5])
        let named = try table.dataset(features: ["width", "sepal"], label: "species")
        #expect(named.inputs.scalars == [0.2, 5.1, 1.5, 6.3, 2.2, 7.7])
        #expect(throws: DataError.self) { try table.dataset(features: ["length"], label: "species") }
    }
}
