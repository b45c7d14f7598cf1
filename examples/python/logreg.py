#!/usr/bin/env python3
"""A pure-standard-library trainer for lrfind: softmax (logistic) regression with SGD and
momentum on Gaussian blobs it generates itself. Deterministic for a given --seed; reset()
restores the weights, the momentum buffers, the RNG and the position in the data, so every
sweep starts from the same place.

    lrfind -c examples/python/logreg.yaml
"""

import argparse
import math
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lrfind_trainer import serve  # noqa: E402


def make_blobs(rng, classes, dim, points, spread):
    centers = [[rng.gauss(0.0, spread) for _ in range(dim)] for _ in range(classes)]
    data = []
    for i in range(points):
        label = i % classes
        data.append(([c + rng.gauss(0.0, 1.0) for c in centers[label]], label))
    return data


class SoftmaxRegression:
    def __init__(self, data, classes, dim, batch, momentum, seed):
        self.data, self.classes, self.dim = data, classes, dim
        self.batch, self.momentum = batch, momentum
        self.rng = random.Random(seed + 1)
        self.w = [[self.rng.gauss(0.0, 0.01) for _ in range(dim)] for _ in range(classes)]
        self.b = [0.0] * classes
        self.vw = [[0.0] * dim for _ in range(classes)]  # momentum buffers
        self.vb = [0.0] * classes
        self.order, self.pos = [], 0
        self.initial = self.snapshot()

    def snapshot(self):
        return ([r[:] for r in self.w], self.b[:], [r[:] for r in self.vw], self.vb[:],
                self.rng.getstate(), self.order[:], self.pos)

    def restore(self, s):
        w, b, vw, vb, rng_state, order, pos = s
        self.w, self.b = [r[:] for r in w], b[:]
        self.vw, self.vb = [r[:] for r in vw], vb[:]
        self.rng.setstate(rng_state)
        self.order, self.pos = order[:], pos

    def next_batch(self):
        out = []
        while len(out) < self.batch:
            if self.pos >= len(self.order):
                self.order = list(range(len(self.data)))
                self.rng.shuffle(self.order)
                self.pos = 0
            out.append(self.data[self.order[self.pos]])
            self.pos += 1
        return out

    def step(self, lr):
        """One SGD step on the next mini-batch; returns the batch's mean cross-entropy
        measured before the update."""
        batch = self.next_batch()
        gw = [[0.0] * self.dim for _ in range(self.classes)]
        gb = [0.0] * self.classes
        total = 0.0
        for x, y in batch:
            z = [sum(wi * xi for wi, xi in zip(self.w[k], x)) + self.b[k] for k in range(self.classes)]
            m = max(z)
            if math.isnan(m) or math.isinf(m):
                return float("nan")
            e = [math.exp(v - m) for v in z]
            s = sum(e)
            total += m + math.log(s) - z[y]
            for k in range(self.classes):
                d = e[k] / s - (1.0 if k == y else 0.0)
                gb[k] += d
                row = gw[k]
                for j in range(self.dim):
                    row[j] += d * x[j]
        n = float(len(batch))
        for k in range(self.classes):
            self.vb[k] = self.momentum * self.vb[k] + gb[k] / n
            self.b[k] -= lr * self.vb[k]
            vrow, wrow, grow = self.vw[k], self.w[k], gw[k]
            for j in range(self.dim):
                vrow[j] = self.momentum * vrow[j] + grow[j] / n
                wrow[j] -= lr * vrow[j]
        return total / n

    def reset(self):
        self.restore(self.initial)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--classes", type=int, default=3)
    ap.add_argument("--dim", type=int, default=8)
    ap.add_argument("--points", type=int, default=900)
    ap.add_argument("--spread", type=float, default=0.8)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--momentum", type=float, default=0.9)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    data = make_blobs(rng, args.classes, args.dim, args.points, args.spread)
    model = SoftmaxRegression(data, args.classes, args.dim, args.batch, args.momentum, args.seed)
    print("logreg: %d points, %d classes, %d features" % (args.points, args.classes, args.dim))
    serve(model.step, model.reset,
          hello={"name": "logreg", "params": args.classes * (args.dim + 1), "batch": args.batch})


if __name__ == "__main__":
    main()
