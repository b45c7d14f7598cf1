#!/usr/bin/python3
"""The PyTorch side of bench/trainer.sh: the same sweeps as bench/trainer_bench, one thread.

An MLP 64-H-H-10 (ReLU) on 64-feature, 10-class Gaussian blobs (4100 samples), shuffled
mini-batches, SGD (momentum 0.9) or Adam, the rate rising exponentially from 1e-5 to 1e-1 over
the timed iterations after a short warm-up; each step is zero_grad, forward, cross-entropy,
backward, optimizer step and loss.item(), as an LR finder runs it. The best of --repeat sweeps
counts (the machine may be shared). Prints key=value lines:
    peak gflops=...                       (a 2048^3 torch.mm, best of 5)
    hidden=H batch=B optimizer=O s_per_iter=...
"""
import argparse
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

try:
    import torch
except ImportError:
    print("torch_peer: PyTorch is not installed for %s" % sys.executable, file=sys.stderr)
    sys.exit(3)


def blobs(n_per_class, classes, dims, spread, gen):
    centres = torch.rand(classes, dims, generator=gen) * 20 - 10
    y = torch.arange(classes).repeat(n_per_class)
    x = centres[y] + spread * torch.randn(len(y), dims, generator=gen)
    x = (x - x.mean(0)) / x.std(0)
    return x, y


def sweep_time(hidden, batch, optimizer, iters, warmup, repeat, x, y):
    best = float("inf")
    n = len(y)
    for _ in range(repeat):
        torch.manual_seed(42)
        model = torch.nn.Sequential(
            torch.nn.Linear(64, hidden), torch.nn.ReLU(),
            torch.nn.Linear(hidden, hidden), torch.nn.ReLU(),
            torch.nn.Linear(hidden, 10))
        if optimizer == "adam":
            opt = torch.optim.Adam(model.parameters(), lr=1e-5, betas=(0.9, 0.999), eps=1e-8)
        else:
            opt = torch.optim.SGD(model.parameters(), lr=1e-5, momentum=0.9)
        lossf = torch.nn.CrossEntropyLoss()
        order = torch.randperm(n)
        pos = 0

        def step(lr):
            nonlocal order, pos
            if pos + batch > n:
                order = torch.randperm(n)
                pos = 0
            idx = order[pos:pos + batch]
            pos += batch
            for g in opt.param_groups:
                g["lr"] = lr
            opt.zero_grad(set_to_none=True)
            loss = lossf(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
            return loss.item()

        for _ in range(warmup):
            step(1e-5)
        t0 = time.perf_counter()
        for i in range(iters):
            step(1e-5 * 1e4 ** (i / iters))
        best = min(best, (time.perf_counter() - t0) / iters)
    return best


def peak_gflops(n=2048):
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    torch.mm(a, b)
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - t0)
    return 2.0 * n ** 3 / best / 1e9


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hidden", type=int, nargs="+", default=[256, 1024])
    ap.add_argument("--batch", type=int, nargs="+", default=[32, 128, 512])
    ap.add_argument("--optimizer", nargs="+", default=["sgd", "adam"])
    ap.add_argument("--iters", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-peak", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(42)
    x, y = blobs(410, 10, 64, 4.0, gen)
    print("torch version=%s threads=%d" % (torch.__version__, torch.get_num_threads()), flush=True)
    if not args.no_peak:
        print("peak gflops=%.1f" % peak_gflops(), flush=True)
    for h in args.hidden:
        for b in args.batch:
            for o in args.optimizer:
                t = sweep_time(h, b, o, args.iters, args.warmup, args.repeat, x, y)
                print("hidden=%d batch=%d optimizer=%s s_per_iter=%.6g" % (h, b, o, t), flush=True)


if __name__ == "__main__":
    main()
