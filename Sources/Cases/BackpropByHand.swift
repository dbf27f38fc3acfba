import DeepLearning

/// backprop-by-hand — backpropagation written out step by step (the seed's §3.1–3.2) next to autograd.
///
/// A 64-32-10 perceptron with a sigmoid hidden layer and a softmax output, on the 8×8 digits, trained twice
/// from the same initial weights on the same batches with plain gradient descent: once with the five steps
/// done by hand (forward pass; output error δ²; hidden error δ¹ = (δ²W²) ⊙ σ′(z¹); gradients δᵀa; update)
/// and once with `loss.backward()`. At every step the two sets of gradients are compared; the case reports
/// the largest difference and the two training curves.
public enum BackpropByHand: PracticeCase {
    public static let info = CaseInfo(
        name: "backprop-by-hand",
        idea: "backpropagation by hand (error terms δ per layer) against autograd: the same gradients, the same curves",
        data: "scikit-learn digits, 1,797 8×8 images (bundled); 297 held out",
        target: "largest gradient difference ≤ 1e-6, identical curves",
        defaults: TrainOptions(epochs: 30, batchSize: 32, learningRate: 0.5, optimizer: "sgd"))

    /// The parameters of the hand-written network: y = softmax(σ(x W¹ᵀ + b¹) W²ᵀ + b²), weights [out, in]
    /// as in `Linear`.
    struct Weights {
        var w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor

        /// Step 1, the forward pass: z¹ = xW¹ᵀ + b¹, a¹ = σ(z¹), z² = a¹W²ᵀ + b² (the logits).
        func forward(_ x: Tensor) -> (a1: Tensor, z2: Tensor) {
            let a1 = (x.matmul(w1.transposed()) + b1).sigmoid()
            return (a1, a1.matmul(w2.transposed()) + b2)
        }

        /// Steps 2–4 for the mean cross-entropy over a batch x [N, 64] with one-hot targets y [N, 10]: the
        /// loss and ∂L/∂(W¹, b¹, W², b²).
        func gradients(_ x: Tensor, _ y: Tensor) -> (loss: Float, grads: [Tensor]) {
            let (a1, z2) = forward(x)
            let p = z2.softmax(alongAxis: 1)
            let loss = -(p.log() * y).sum().item / Float(x.shape[0])
            // Step 2: the output layer's error term δ² = ∂L/∂z² = (p − y) / N for softmax with cross-entropy.
            let delta2 = (p - y) / Float(x.shape[0])
            // Step 3: propagate it back through W² and the sigmoid: δ¹ = (δ² W²) ⊙ σ′(z¹), σ′(z¹) = a¹(1 − a¹).
            let delta1 = delta2.matmul(w2) * a1 * (1 - a1)
            // Step 4: each layer's gradients are its error term times its input: ∂L/∂W = δᵀa, ∂L/∂b = Σₙ δ.
            return (loss, [delta1.transposed().matmul(x), delta1.sum(alongAxis: 0),
                           delta2.transposed().matmul(a1), delta2.sum(alongAxis: 0)])
        }

        /// Step 5, the update: θ ← θ − η ∂L/∂θ.
        mutating func update(_ g: [Tensor], lr: Float) {
            (w1, b1, w2, b2) = (w1 - lr * g[0], b1 - lr * g[1], w2 - lr * g[2], b2 - lr * g[3])
        }
    }

    @discardableResult
    public static func train(_ options: TrainOptions) throws -> String {
        guard options.optimizer == "sgd" else { throw CaseError("backprop-by-hand compares plain gradient descent; --optimizer must be sgd") }
        let (train, test) = try DigitsMLP.data(options)
        let model = Sequential(Linear(64, 32), Sigmoid(), Linear(32, 10))
        let optimizer = SGD(model.parameters(), lr: options.learningRate)
        var hand = withNoGrad {  // copies of the same initial values, outside the tape
            let p = model.parameters().map { Tensor($0.scalars, shape: $0.shape) }
            return Weights(w1: p[0], b1: p[1], w2: p[2], b2: p[3])
        }
        let oneHot = Tensor.eye(10)
        let loader = DataLoader(train, batchSize: options.batchSize, shuffle: true, seed: options.seed, transform: DigitsMLP.transform)
        let report = try Report(info, options, columns: ["epoch", "train_loss", "train_autograd_loss", "max_grad_diff", "max_weight_diff",
                                                        "test_accuracy_by_hand", "test_accuracy_autograd", "seconds"],
                                plots: [.init("loss.png", "cross-entropy", ["train_loss", "train_autograd_loss"]),
                                        .init("accuracy.png", "test accuracy", ["test_accuracy_by_hand", "test_accuracy_autograd"])],
                                header: ["model: 64-32-10, sigmoid hidden layer, softmax output; plain SGD, lr \(options.learningRate), batch \(options.batchSize)"])
        var worstGradient: Float = 0, worstWeight: Float = 0, byHand: Float = 0, byAutograd: Float = 0
        for epoch in 1...options.epochs {
            var epochGradient: Float = 0
            for (x, labels) in report.batches(of: loader, epoch: epoch) {
                let (handLoss, grads) = withNoGrad { hand.gradients(x, oneHot.indexSelect(alongAxis: 0, indices: labels)) }
                let loss = crossEntropy(model(x), labels)
                optimizer.zeroGrad()
                loss.backward()
                for (g, p) in zip(grads, model.parameters()) { epochGradient = Swift.max(epochGradient, maxDifference(g, p.grad!)) }
                withNoGrad { hand.update(grads, lr: options.learningRate) }
                optimizer.step()
                try report.batch(loss: handLoss, samples: labels.count, [("autograd_loss", loss.item)])
            }
            let weights = zip([hand.w1, hand.b1, hand.w2, hand.b2], model.parameters()).map { maxDifference($0, $1) }.max()!
            (worstGradient, worstWeight) = (Swift.max(worstGradient, epochGradient), Swift.max(worstWeight, weights))
            byHand = withNoGrad { accuracy(hand.forward(DigitsMLP.transform!(test.inputs)).z2, test.labels) }
            byAutograd = evaluate(model, on: test, classes: 10, transform: DigitsMLP.transform).accuracy
            try report.endEpoch(["max_grad_diff": Double(epochGradient), "max_weight_diff": Double(weights),
                                 "test_accuracy_by_hand": Double(byHand), "test_accuracy_autograd": Double(byAutograd)], saving: model)
        }
        report.say(String(format: "largest |gradient by hand − gradient by autograd| over all steps: %.2e; largest weight difference at the end of an epoch: %.2e",
                          worstGradient, worstWeight))
        return report.finish(String(format: "max gradient difference %.1e, test accuracy %.2f%% by hand, %.2f%% by autograd",
                                    worstGradient, byHand * 100, byAutograd * 100))
    }

    /// max |a − b| over the elements.
    static func maxDifference(_ a: Tensor, _ b: Tensor) -> Float { withNoGrad { (a - b).abs().max().item } }
}
