"""PyTorch's side of `deep bench conv`: LeNet-5 on a batch of 64 28x28 images. The two conv + ReLU +
max-pool blocks forward and backward, and the whole training step (FC 400-120-84-10, cross-entropy, SGD with
momentum 0.9). Prints the best time over rounds for 1 and 2 threads, in the format of `deep bench`."""
import time

import torch
import torch.nn.functional as F


def best_time(fn, rounds=5, min_seconds=0.5):
    fn()
    calls = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        if time.perf_counter() - t0 >= min_seconds / rounds:
            break
        calls *= 2
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        best = min(best, (time.perf_counter() - t0) / calls)
    return best


class LeNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = torch.nn.Conv2d(6, 16, 5)
        self.fc1, self.fc2, self.fc3 = torch.nn.Linear(400, 120), torch.nn.Linear(120, 84), torch.nn.Linear(84, 10)

    def blocks(self, x):
        return F.max_pool2d(F.relu(self.conv2(F.max_pool2d(F.relu(self.conv1(x)), 2))), 2)

    def forward(self, x):
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(self.blocks(x).flatten(1))))))


for threads in (1, 2):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = LeNet()
    x, labels = torch.randn(64, 1, 28, 28), torch.arange(64) % 10
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    block_params = list(model.conv1.parameters()) + list(model.conv2.parameters())

    def blocks():
        for p in block_params:
            p.grad = None
        model.blocks(x).sum().backward()

    def step():
        optimizer.zero_grad()
        F.cross_entropy(model(x), labels).backward()
        optimizer.step()

    t = best_time(blocks)
    print(f"torch conv lenet blocks N=64 fwd+bwd threads={threads} ms={t * 1e3:.2f} steps_per_s={1 / t:.1f}")
    with torch.no_grad():
        t = best_time(lambda: model.blocks(x))
    print(f"torch conv lenet blocks N=64 fwd no-grad threads={threads} ms={t * 1e3:.2f}")
    t = best_time(step)
    print(f"torch conv lenet step N=64 train threads={threads} ms={t * 1e3:.2f} steps_per_s={1 / t:.1f}")
