"""The training-step benchmarks of `deep bench`, in PyTorch, for a ratio on the same machine.

    python3 Benchmarks/reference/torch_bench.py [mlp|lenet|lstm|gru|transformer|resnet|gan|rl|all]

Prints one line per case in the same format as `deep bench`: `torch <case> ... steps_per_s=X threads=N` (`iterations_per_s` for gan), the
best of 1 and 2 threads (2-thread runs collapse when the machine is busy, so we keep PyTorch's better figure).
Random data, as in `deep bench`: the speed of a step does not depend on the values."""
import sys
import time

import torch
import torch.nn as nn


def best_steps_per_second(step, min_seconds=1.0, rounds=5):
    for _ in range(5):
        step()
    calls = 1
    while True:
        t = time.perf_counter()
        for _ in range(calls):
            step()
        if time.perf_counter() - t >= min_seconds / rounds:
            break
        calls *= 2
    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        for _ in range(calls):
            step()
        best = min(best, (time.perf_counter() - t) / calls)
    return 1.0 / best


def classifier_step(model, x, y, opt):
    def step():
        opt.zero_grad(set_to_none=True)
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    return step


def mlp(batch):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    x, y = torch.randn(batch, 784), torch.randint(0, 10, (batch,))
    return classifier_step(model, x, y, torch.optim.Adam(model.parameters(), lr=1e-3))


def lenet(batch):
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    x, y = torch.randn(batch, 1, 28, 28), torch.randint(0, 10, (batch,))
    return classifier_step(model, x, y, torch.optim.Adam(model.parameters(), lr=1e-3))


def recurrent(kind):
    torch.manual_seed(0)
    rnn = (nn.LSTM if kind == "lstm" else nn.GRU)(32, 128)
    head = nn.Linear(128, 1)
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    x, y = torch.randn(50, 32, 32), torch.randn(32, 1)  # [seq, batch, feature]

    def step():
        opt.zero_grad(set_to_none=True)
        out, _ = rnn(x)
        loss = nn.functional.mse_loss(head(out[-1]), y)
        loss.backward()
        opt.step()
    return step


def transformer():
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(128, 4, dim_feedforward=512, dropout=0.0, batch_first=True)
    encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
    head = nn.Linear(128, 10)
    opt = torch.optim.Adam(list(encoder.parameters()) + list(head.parameters()), lr=1e-3)
    x, y = torch.randn(16, 64, 128), torch.randint(0, 10, (16,))  # [batch, seq, feature]

    def step():
        opt.zero_grad(set_to_none=True)
        loss = nn.functional.cross_entropy(head(encoder(x).mean(dim=1)), y)
        loss.backward()
        opt.step()
    return step


def dqn_update(batch=128):
    """One DQN training update as Stable-Baselines3 takes it: a minibatch drawn from a replay buffer of 10,000
    CartPole-sized transitions, target max_a' Q(s', a'; θ⁻) without gradient, Huber (smooth L1) loss on
    Q(s, a; θ), backward, gradient norm clipped to 10, Adam step. MLP 4→128→128→2."""
    import numpy as np
    torch.manual_seed(0)
    def net():
        return nn.Sequential(nn.Linear(4, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 2))
    q, target = net(), net()
    target.load_state_dict(q.state_dict())
    opt = torch.optim.Adam(q.parameters(), lr=1e-3)
    rng = np.random.default_rng(0)
    n = 10_000
    obs, next_obs = rng.standard_normal((n, 4), dtype=np.float32), rng.standard_normal((n, 4), dtype=np.float32)
    actions, rewards = rng.integers(0, 2, (n, 1)), np.ones((n, 1), dtype=np.float32)
    dones = (rng.random((n, 1)) < 0.05).astype(np.float32)

    def step():
        i = rng.integers(0, n, batch)
        s, a, r = torch.from_numpy(obs[i]), torch.from_numpy(actions[i]), torch.from_numpy(rewards[i])
        s2, d = torch.from_numpy(next_obs[i]), torch.from_numpy(dones[i])
        with torch.no_grad():
            y = r + 0.99 * (1 - d) * target(s2).max(dim=1, keepdim=True)[0]
        current = torch.gather(q(s), dim=1, index=a)
        loss = nn.functional.smooth_l1_loss(current, y)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(q.parameters(), 10)
        opt.step()
    return step


class BasicBlock(nn.Module):
    """torchvision's BasicBlock (see Scripts/fixtures/resnet.py), projection shortcut when the shape changes."""

    def __init__(self, inplanes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        out = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        return torch.relu(out + (x if self.downsample is None else self.downsample(x)))


def cifar_resnet(blocks_per_stage, widths):
    layers = [nn.Conv2d(3, widths[0], 3, 1, 1, bias=False), nn.BatchNorm2d(widths[0]), nn.ReLU()]
    inplanes = widths[0]
    for i, planes in enumerate(widths):
        for j in range(blocks_per_stage):
            layers.append(BasicBlock(inplanes, planes, 2 if i > 0 and j == 0 else 1))
            inplanes = planes
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(inplanes, 10)]
    return nn.Sequential(*layers)


def resnet(widths, batch):
    """Small: 3 basic blocks of 16 channels at batch 32; ResNet-20: 3 stages of 3 blocks (16/32/64) at batch 128."""
    torch.manual_seed(0)
    model = cifar_resnet(3, widths)
    x, y = torch.randn(batch, 3, 32, 32), torch.randint(0, 10, (batch,))
    return classifier_step(model, x, y, torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9))


def gan():
    """G 64→256 (ReLU)→784 (tanh), D 784→256 (LeakyReLU 0.2)→1, BCE with logits, Adam(2e-4, β (0.5, 0.999)),
    batch 64; per iteration one D step (real + detached fake) and one G step (non-saturating), fresh z."""
    torch.manual_seed(0)
    g = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 784), nn.Tanh())
    d = nn.Sequential(nn.Linear(784, 256), nn.LeakyReLU(0.2), nn.Linear(256, 1))
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    real = torch.rand(64, 784) * 2 - 1
    ones, zeros = torch.ones(64, 1), torch.zeros(64, 1)
    bce = nn.functional.binary_cross_entropy_with_logits

    def step():
        fake = g(torch.randn(64, 64))
        opt_d.zero_grad(set_to_none=True)
        loss_d = bce(d(real), ones) + bce(d(fake.detach()), zeros)
        loss_d.backward()
        opt_d.step()
        opt_g.zero_grad(set_to_none=True)
        loss_g = bce(d(fake), ones)
        loss_g.backward()
        opt_g.step()
    return step


CASES = {
    "mlp": [("mlp batch=64", lambda: mlp(64)), ("mlp batch=256", lambda: mlp(256))],
    "lenet": [("lenet batch=64", lambda: lenet(64))],
    "lstm": [("lstm seq=50 batch=32 hidden=128", lambda: recurrent("lstm"))],
    "gru": [("gru seq=50 batch=32 hidden=128", lambda: recurrent("gru"))],
    "transformer": [("transformer layers=2 d=128 heads=4 ff=512 batch=16 seq=64", transformer)],
    "resnet": [("resnet small (3 blocks of 16) batch=32", lambda: resnet([16], 32)),
               ("resnet20 batch=128", lambda: resnet([16, 32, 64], 128))],
    "gan": [("gan mlp z=64 batch=64", gan)],
    "rl": [("dqn update batch=128 mlp=4-128-128-2", dqn_update)],
}

if __name__ == "__main__":
    suites = sys.argv[1:] or ["all"]
    if "all" in suites:
        suites = list(CASES)
    for suite in suites:
        for name, make in CASES[suite]:
            results = []
            for threads in (1, 2):
                torch.set_num_threads(threads)
                results.append((best_steps_per_second(make()), threads))
            rate, threads = max(results)
            images = f" images_per_s={rate * int(name.split('batch=')[1]):.1f}" if suite == "resnet" else ""
            unit = "iterations_per_s" if suite == "gan" else "steps_per_s"
            print(f"torch {name} {unit}={rate:.1f}{images} threads={threads}", flush=True)
