// A generative adversarial network on one number: G learns to turn noise into samples of N(3, 0.5²).
import DeepLearning

// snippet.show
Tensor.manualSeed(0)
let generator = Sequential(Linear(4, 32), LeakyReLU(negativeSlope: 0.2), Linear(32, 1))       // z [N, 4] → x [N, 1]
let discriminator = Sequential(Linear(1, 32), LeakyReLU(negativeSlope: 0.2), Linear(32, 1))   // x [N, 1] → logit
let optimizerG = Adam(generator.parameters(), lr: 1e-3, betas: (0.5, 0.999))
let optimizerD = Adam(discriminator.parameters(), lr: 1e-3, betas: (0.5, 0.999))
var noise = RandomGenerator(seed: 1)
let (ones, zeros) = (Tensor.ones([64, 1]), Tensor.zeros([64, 1]))

/// One round of the game: a step of D on −[log D(x) + log(1 − D(G(z)))], then a step of G on the
/// non-saturating −log D(G(z)). Binary cross-entropy on logits computes each log D stably.
func round() -> (lossD: Float, lossG: Float) {
    let real = Tensor.randn([64, 1], using: &noise) * 0.5 + 3
    let fake = generator(Tensor.randn([64, 4], using: &noise))
    let lossD = binaryCrossEntropyWithLogits(discriminator(real), ones)
        + binaryCrossEntropyWithLogits(discriminator(fake.detached()), zeros)   // detached: this step trains D only
    optimizerD.zeroGrad(); lossD.backward(); optimizerD.step()
    let lossG = binaryCrossEntropyWithLogits(discriminator(fake), ones)         // G wants D to say "real"
    optimizerG.zeroGrad(); lossG.backward(); optimizerG.step()
    return (lossD.item, lossG.item)
}

for step in 1...3000 {
    let (lossD, lossG) = round()
    if step % 500 == 0 {
        let samples = withNoGrad { generator(Tensor.randn([1000, 4], using: &noise)) }
        print(step, "loss D", lossD, "loss G", lossG, "samples: mean", samples.mean().item, "std", samples.std().item)
    }
}
// At the game's equilibrium D(x) = 1/2 everywhere: loss D → 2 ln 2 ≈ 1.39, loss G → ln 2 ≈ 0.69,
// and the samples' mean and standard deviation approach 3 and 0.5.

// DCGAN's generator upsamples with transposed convolutions: 7×7 → 14×14 → 28×28.
let up = ConvTranspose2d(128, 64, kernelSize: 4, stride: 2, padding: 1)    // OH = (H − 1)·2 − 2·1 + 4 = 2H
print(up(Tensor.randn([1, 128, 7, 7], seed: 2)).shape)                     // [1, 64, 14, 14]
