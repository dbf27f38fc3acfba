import DeepLearning

/// MNIST's mean and standard deviation of pixel values, for normalisation.
let mnistNormalization = normalize(mean: [0.1307], std: [0.3081])

/// Multilayer perceptron on MNIST (the seed's §2.1): each layer computes y = σ(Wx + b); the network learns
/// by backpropagating the cross-entropy loss through every layer (the chain rule) and stepping with Adam.
let mnistMLP = ClassifierCase(
    name: "mnist-mlp",
    idea: "perceptron and multilayer perceptron: forward pass, backpropagation, ReLU, dropout",
    data: "MNIST handwritten digits, 28×28 (bundled)",
    target: "≥ 98% test accuracy",
    defaults: TrainOptions(epochs: 10, batchSize: 128, learningRate: 1e-3, optimizer: "adam"),
    classNames: (0..<10).map(String.init),
    inputShape: [1, 28, 28],
    makeModel: {
        Sequential(
            Flatten(),
            Linear(784, 512), ReLU(), Dropout(p: 0.2),
            Linear(512, 256), ReLU(), Dropout(p: 0.2),
            Linear(256, 10))
    },
    loadData: { _ in (try MNIST(split: .train), try MNIST(split: .test)) },
    transform: mnistNormalization)

/// Convolutional network on MNIST (the seed's §2.2): convolutions share weights across positions, pooling
/// makes features shift-tolerant, fully connected layers classify.
let mnistCNN = ClassifierCase(
    name: "mnist-cnn",
    idea: "convolutional network: Conv2d, max pooling, fully connected layers",
    data: "MNIST handwritten digits, 28×28 (bundled)",
    target: "≥ 99% test accuracy",
    defaults: TrainOptions(epochs: 6, batchSize: 64, learningRate: 1e-3, optimizer: "adam"),
    classNames: (0..<10).map(String.init),
    inputShape: [1, 28, 28],
    makeModel: {
        Sequential(
            Conv2d(1, 16, kernelSize: 5, padding: 2), ReLU(), MaxPool2d(kernelSize: 2),   // 16×14×14
            Conv2d(16, 32, kernelSize: 5), ReLU(), MaxPool2d(kernelSize: 2),             // 32×5×5
            Flatten(),
            Linear(32 * 5 * 5, 128), ReLU(), Dropout(p: 0.3),
            Linear(128, 10))
    },
    loadData: { _ in (try MNIST(split: .train), try MNIST(split: .test)) },
    transform: mnistNormalization)

/// A deeper CNN on Fashion-MNIST with batch normalization (the seed's §3.3) and dropout.
let fashionCNN = ClassifierCase(
    name: "fashion-cnn",
    idea: "CNN with batch normalization and dropout",
    data: "Fashion-MNIST clothing images, 28×28 (--data-dir, or Debian's dataset-fashion-mnist)",
    target: "≥ 91% test accuracy",
    defaults: TrainOptions(epochs: 10, batchSize: 64, learningRate: 1e-3, optimizer: "adam"),
    classNames: fashionMNISTClassNames,
    inputShape: [1, 28, 28],
    makeModel: {
        Sequential(
            Conv2d(1, 32, kernelSize: 3, padding: 1), BatchNorm2d(32), ReLU(), MaxPool2d(kernelSize: 2),   // 32×14×14
            Conv2d(32, 64, kernelSize: 3, padding: 1), BatchNorm2d(64), ReLU(), MaxPool2d(kernelSize: 2),  // 64×7×7
            Flatten(), Dropout(p: 0.25),
            Linear(64 * 7 * 7, 256), ReLU(), Dropout(p: 0.4),
            Linear(256, 10))
    },
    loadData: { dir in (try FashionMNIST(split: .train, directory: dir), try FashionMNIST(split: .test, directory: dir)) },
    transform: normalize(mean: [0.2860], std: [0.3530]))

/// The smallest real case: an MLP on scikit-learn's 8×8 digits, trained in seconds.
let digitsMLP = ClassifierCase(
    name: "digits-mlp",
    idea: "a first MLP in seconds: 64-32-10 on 8×8 digits",
    data: "scikit-learn digits, 1,797 8×8 images (bundled); 297 held out",
    target: "≥ 95% test accuracy",
    defaults: TrainOptions(epochs: 30, batchSize: 32, learningRate: 3e-3, optimizer: "adam"),
    classNames: (0..<10).map(String.init),
    inputShape: [64],
    makeModel: { Sequential(Linear(64, 32), Tanh(), Linear(32, 10)) },
    loadData: { _ in
        // A fixed shuffle before the split: the file is ordered by writer, so its tail is not a fair test set.
        let all = try Digits()
        var order = Array(0..<all.count)
        var generator = RandomGenerator(seed: 2024)
        order.shuffle(using: &generator)
        let (x, y) = all.batch(order)
        let shuffled = TensorDataset(inputs: x, labels: y)
        return (shuffled.subset(0..<1500), shuffled.subset(1500..<all.count))
    },
    transform: { $0 / 16 })
