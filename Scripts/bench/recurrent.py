"""PyTorch's side of `deep bench recurrent`: one training step's forward and backward (no optimizer) of a
1-layer LSTM / GRU (input 32, hidden 128, sequence 50, batch 32) with a linear head on the last step and an
MSE loss. Prints the best time over rounds for 1 and 2 threads, in the format of `deep bench`."""
import time

import torch


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


T, N, I, H = 50, 32, 32, 128
for name, cls in [("lstm", torch.nn.LSTM), ("gru", torch.nn.GRU)]:
    for threads in (1, 2):
        torch.set_num_threads(threads)
        torch.manual_seed(0)
        rnn, head = cls(I, H), torch.nn.Linear(H, 1)
        params = list(rnn.parameters()) + list(head.parameters())
        x, y = torch.randn(T, N, I), torch.randn(N, 1)

        def step():
            for p in params:
                p.grad = None
            out, _ = rnn(x)
            loss = torch.nn.functional.mse_loss(head(out[-1]), y)
            loss.backward()

        t = best_time(step)
        print(f"torch recurrent {name} T={T} N={N} I={I} H={H} threads={threads} ms={t * 1e3:.2f} steps_per_s={1 / t:.1f}")
