import DeepLearning

/// cifar-resnet — a residual network (the seed's §3.4; He et al. 2016) on CIFAR-10: ResNet-20, whose 19
/// convolutions are grouped in blocks that compute relu(F(x) + x), so each block learns a correction to its
/// input and the gradient reaches the first layers through the shortcuts. Trained as He et al. §4.2 do, with the
/// usual modern additions: SGD with Nesterov momentum 0.9 and weight decay 5e-4, a linear warm-up then a
/// cosine decay of the learning rate, label smoothing 0.1, random 32×32 crops of the image padded by 4 pixels
/// and random horizontal flips.
public enum CIFARResNet: PracticeCase {
    /// 50 epochs: at one thread (seed 0) the subset's test accuracy was 68.9% after 30 and 71.6% after 50 (the
    /// 30-epoch schedule ended at 69.5%).
    public static let info = CaseInfo(
        name: "cifar-resnet",
        idea: "residual network (ResNet-20), batch normalization, data augmentation",
        data: "CIFAR-10, 32×32 colour images: the bundled subset (4,000 training, 1,000 test) or the full set with --data-dir",
        target: "≥ 70% test accuracy on the subset's 1,000 test images",
        defaults: TrainOptions(epochs: 50, batchSize: 64, learningRate: 0.05, optimizer: "sgd", weightDecay: 5e-4),
        extras: [.dataDir])
    /// Per-channel mean and standard deviation of CIFAR-10's training pixels (in [0, 1]).
    public static let mean: [Float] = [0.4914, 0.4822, 0.4465], std: [Float] = [0.2470, 0.2435, 0.2616]
    /// Label smoothing of the cross-entropy, epochs of linear warm-up, Nesterov momentum (with `--optimizer sgd`).
    public static let labelSmoothing: Float = 0.1, warmupEpochs = 2, nesterov = true

    @discardableResult
    public static func train(_ options: TrainOptions) throws -> String {
        let train = try CIFAR10(split: .train, directory: options.dataDirectory).prefix(options.limit)
        let test = try CIFAR10(split: .test, directory: options.dataDirectory)
        let model = resnet20()
        let chosen = try options.makeOptimizer(for: model)  // (also spreads the model over the processes of an mpirun)
        let optimizer = options.optimizer == "sgd"
            ? SGD(model.parameters(), lr: options.learningRate, momentum: 0.9, weightDecay: options.weightDecay, nesterov: nesterov) : chosen
        let augment = Compose([RandomCrop(size: 32, padding: 4), RandomHorizontalFlip(), Normalize(mean: mean, std: std)])
        let loader = DataLoader(train, batchSize: options.batchSize, sampler: options.sampler(for: train), augmentation: augment)
        let warmup = Swift.min(warmupEpochs * loader.count, loader.count * options.epochs - 1)
        let schedule = LinearWarmup(steps: Swift.max(warmup, 1),
                                    then: CosineAnnealingLR(initial: options.learningRate, tMax: Swift.max(loader.count * options.epochs - warmup, 1)))
        let report = try Report(info, options, columns: classifierColumns, plots: classifierPlots,
                                header: describe(train, test, model, options) + ["augmentation: random crop 32 (padding 4), horizontal flip; label smoothing \(labelSmoothing)"])
        let normalizeTest = normalize(mean: mean, std: std)
        try report.track(model, optimizer, loader: loader)  // saved each epoch; restored by --resume
        var evaluation: Evaluation!
        for epoch in report.firstEpoch...options.epochs {
            model.train()
            for (images, labels) in report.batches(of: loader, epoch: epoch) {
                optimizer.learningRate = schedule(report.step)
                let logits = model(images)
                let loss = crossEntropy(logits, labels, labelSmoothing: labelSmoothing)
                optimizer.zeroGrad()
                loss.backward()
                optimizer.step()
                try report.batch(loss: loss, samples: labels.count, [("accuracy", accuracy(logits, labels))])
            }
            evaluation = evaluate(model, on: test, classes: 10, transform: normalizeTest)
            try report.endEpoch(["test_loss": Double(evaluation.loss), "test_accuracy": Double(evaluation.accuracy)], saving: model)
        }
        if options.isMainProcess {
            report.say("confusion matrix (rows: true class, columns: predicted) on \(test.count) test images:")
            report.say(confusionTable(evaluation.confusion, classNames: CIFARBinary.classNames))
            try writePredictionGrid(model, test, normalizeTest, count: 64, to: report.path("predictions.png"))
            report.say("predictions.png: 64 test images, predicted (p) and true (t) labels, wrong ones framed in red")
        }
        return report.finish(String(format: "test accuracy %.2f%%", evaluation.accuracy * 100))
    }

    /// A PNG grid of the first `count` test images with the predicted and true class, wrong ones marked.
    static func writePredictionGrid(_ model: ResNet, _ test: TensorDataset, _ transform: (Tensor) -> Tensor, count: Int, to path: String) throws {
        let n = Swift.min(count, test.count)
        let images = test.inputs[0..<n]
        model.eval()
        let predicted = withNoGrad { model(transform(images)).argmax(alongAxis: 1).scalars.map { Int($0) } }
        let truth = test.labels[0..<n].scalars.map { Int($0) }
        let pixels = images.contiguous().scalars
        let planes = (0..<n).map { i in pixels[i * 3072 ..< (i + 1) * 3072].map { UInt8(($0 * 255).rounded()) } }
        let names = CIFARBinary.classNames
        try PNG.writeCaptionedGrid(planarRGB: planes, size: 32,
                                   captions: (0..<n).map { ["p:" + names[predicted[$0]], "t:" + names[truth[$0]]] },
                                   marked: (0..<n).map { predicted[$0] != truth[$0] }, cols: 8, scale: 2, toPath: path)
    }
}
