import Foundation
import Testing
@testable import DeepLearning

@Suite struct DataLoaderTests {
    let data = TensorDataset(inputs: Tensor.arange(10).reshaped(to: [10, 1]), labels: Tensor.arange(10))

    @Test func batchesCoverTheDataOnce() {
        let loader = DataLoader(data, batchSize: 4)
        #expect(loader.count == 3)
        let batches = Array(loader)
        #expect(batches.map { $0.1.shape } == [[4], [4], [2]])
        #expect(batches.flatMap { $0.1.scalars } == (0..<10).map(Float.init))
        #expect(Array(DataLoader(data, batchSize: 4, dropLast: true)).count == 2)
    }

    @Test func shufflingIsSeededAndChangesEachPass() {
        let a = DataLoader(data, batchSize: 10, shuffle: true, seed: 3)
        let b = DataLoader(data, batchSize: 10, shuffle: true, seed: 3)
        let a1 = Array(a)[0].1.scalars, a2 = Array(a)[0].1.scalars
        #expect(a1 == Array(b)[0].1.scalars)
        #expect(a1 != a2)
        #expect(a1.sorted() == (0..<10).map(Float.init))
        // inputs and labels stay paired
        for (x, y) in a { #expect(x.reshaped(to: [-1]).scalars == y.scalars) }
    }

    @Test func transformAppliesToInputs() {
        let loader = DataLoader(data, batchSize: 5, transform: normalize(mean: [1], std: [2]))
        let (x, _) = Array(loader)[0]
        #expect(x.scalars == [-0.5, 0, 0.5, 1, 1.5])
    }
}

@Suite struct MNISTTests {
    @Test func bundledMNISTLoads() throws {
        let test = try MNIST(split: .test)
        #expect(test.inputs.shape == [10000, 1, 28, 28])
        #expect(test.labels.scalars.prefix(5) == [7, 2, 1, 0, 4])
        let mean = test.inputs.mean().item
        #expect(Swift.abs(mean - 0.1325) < 0.001)
    }

    @Test func truncatedMNISTNamesTheFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dl-mnist-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let source = try DataLocation.bundled("mnist")
        let images = try readMaybeGzipped(atPath: source + "/t10k-images-idx3-ubyte.gz")
        try writeAtomically(Array(images.prefix(5000)), toPath: dir + "/t10k-images-idx3-ubyte")
        try FileManager.default.copyItem(atPath: source + "/t10k-labels-idx1-ubyte.gz", toPath: dir + "/t10k-labels-idx1-ubyte.gz")
        #expect {
            try MNIST(split: .test, directory: dir)
        } throws: { error in
            "\(error)".contains("t10k-images-idx3-ubyte") && "\(error)".contains("truncated")
        }
        #expect(throws: DataError.self) { try FashionMNIST(split: .train, directory: dir + "/missing") }
    }
}

@Suite struct ConvergenceTests {
    /// A few hundred steps on a subset of MNIST: the whole loop (data, model, loss, backprop, optimizer) learns.
    @Test func mlpLearnsMNISTSubset() throws {
        Tensor.manualSeed(0)
        let all = try MNIST(split: .train)
        let train = all.subset(0..<4000), held = all.subset(50000..<51000)
        let model = Sequential(Flatten(), Linear(784, 64), ReLU(), Linear(64, 10))
        let optimizer = Adam(model.parameters(), lr: 2e-3)
        let transform = normalize(mean: [0.1307], std: [0.3081])
        var firstLoss: Float?, steps = 0
        for _ in 0..<3 {
            for (x, y) in DataLoader(train, batchSize: 50, shuffle: true, seed: 1, transform: transform) {
                let loss = crossEntropy(model(x), y)
                if firstLoss == nil { firstLoss = loss.item }
                optimizer.zeroGrad()
                loss.backward()
                optimizer.step()
                steps += 1
            }
        }
        #expect(steps == 240)
        model.eval()
        let (x, y) = held.batch(Array(0..<held.count))
        let predicted = withNoGrad { model(transform(x)).argmax(alongAxis: 1) }
        let accuracy = zip(predicted.scalars, y.scalars).filter { $0 == $1 }.count
        #expect(firstLoss! > 2.0)
        #expect(accuracy > 880, "held-out accuracy \(accuracy)/1000 after \(steps) steps")
    }
}
