#!/usr/bin/env python3
"""A PyTorch trainer for lrfind: an MLP with SGD + momentum on scikit-learn's digits when
scikit-learn is installed, else on Gaussian blobs it generates. Deterministic (--seed).

    lrfind -c examples/pytorch/mlp.yaml

To tune your own model, replace make_data() and the model below (or call
lrfind_torch.run(model, optimizer, loss_fn, loader) from your own script).
"""

import argparse
import os
import sys

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lrfind_torch import run  # noqa: E402


def blobs(classes=5, features=20, points=2000, spread=1.0, generator=None):
    """Gaussian clusters, one per class, overlapping enough that the loss stays above 0."""
    centers = spread * torch.randn(classes, features, generator=generator)
    y = torch.arange(points) % classes
    x = centers[y] + torch.randn(points, features, generator=generator)
    return x, y, "blobs"


def make_data(generator):
    try:
        from sklearn.datasets import load_digits
        digits = load_digits()
        x = torch.tensor(digits.data, dtype=torch.float32) / 16.0
        return x, torch.tensor(digits.target, dtype=torch.long), "digits"
    except ImportError:
        return blobs(generator=generator)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--momentum", type=float, default=0.9)
    ap.add_argument("--threads", type=int, default=1, help="torch CPU threads (small models run best on one)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x, y, data_name = make_data(torch.Generator().manual_seed(args.seed))
    classes = int(y.max()) + 1
    model = nn.Sequential(
        nn.Linear(x.shape[1], args.hidden), nn.ReLU(),
        nn.Linear(args.hidden, args.hidden), nn.ReLU(),
        nn.Linear(args.hidden, classes),
    )
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=args.momentum)
    loader = DataLoader(TensorDataset(x, y), batch_size=args.batch, shuffle=True, drop_last=True)
    print("mlp: %d samples of %s, %d features, %d classes" % (len(x), data_name, x.shape[1], classes))
    run(model, optimizer, nn.CrossEntropyLoss(), loader, name="torch-mlp")


if __name__ == "__main__":
    main()
