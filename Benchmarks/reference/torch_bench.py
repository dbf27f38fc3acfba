"""The training-step benchmarks of `deep bench`, in PyTorch, for a ratio on the same machine.

    python3 Benchmarks/reference/torch_bench.py [mlp|lenet|lstm|gru|gan|all]

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
    "gan": [("gan mlp z=64 batch=64", gan)],
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
            unit = "iterations_per_s" if suite == "gan" else "steps_per_s"
            print(f"torch {name} {unit}={rate:.1f} threads={threads}", flush=True)
