#!/usr/bin/env python3
"""lrfind driving a DistributedDataParallel model: run under torchrun, e.g.

    torchrun --standalone --nproc_per_node=2 examples/pytorch/ddp.py
    lrfind -c examples/pytorch/ddp.yaml            (which runs the line above)

Rank 0 alone talks to lrfind. Each command is broadcast to every rank, so all ranks train
the same mini-batch step at the same rate, each on its own shard of the data
(DistributedSampler); DDP averages the gradients, and the loss sent back is the mean over
the ranks (all_reduce). torchrun places the ranks - on one machine here, with the gloo
backend on the CPU; on GPUs use backend nccl and a device per rank - and lrfind drives
rank 0. --check makes every rank compare its rate and weights with the others after every
step and prints "ranks agree: ..." at the end (or fails on the first disagreement).
"""

import argparse
import os
import sys

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lrfind_torch import Connection, LRFinderTrainer  # noqa: E402
from mlp import blobs  # noqa: E402

QUIT, STEP, RESET = 0.0, 1.0, 2.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--batch", type=int, default=32, help="per rank")
    ap.add_argument("--backend", default="gloo")
    ap.add_argument("--check", action="store_true", help="verify after every step that all ranks agree")
    args = ap.parse_args()

    dist.init_process_group(args.backend)
    rank, world = dist.get_rank(), dist.get_world_size()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)  # the same data and initial weights on every rank
    x, y, _ = blobs(generator=torch.Generator().manual_seed(args.seed))
    model = DDP(nn.Sequential(
        nn.Linear(x.shape[1], args.hidden), nn.ReLU(),
        nn.Linear(args.hidden, args.hidden), nn.ReLU(),
        nn.Linear(args.hidden, int(y.max()) + 1),
    ))
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
    dataset = TensorDataset(x, y)
    sampler = DistributedSampler(dataset, num_replicas=world, rank=rank, shuffle=True, seed=args.seed)
    loader = DataLoader(dataset, batch_size=args.batch, sampler=sampler, drop_last=True)
    trainer = LRFinderTrainer(model, optimizer, nn.CrossEntropyLoss(), loader)
    print("rank %d of %d ready" % (rank, world))

    conn = None
    if rank == 0:
        hello = trainer.hello("torch-ddp-mlp")
        hello["batch"] = args.batch * world
        conn = Connection(hello=hello)
    command = torch.zeros(2, dtype=torch.float64)  # (what, lr)
    checked = 0
    try:
        while True:
            if rank == 0:
                what, lr = conn.recv()
                command[0] = {"quit": QUIT, "step": STEP, "reset": RESET}[what]
                command[1] = lr if what == "step" else 0.0
            dist.broadcast(command, src=0)
            if command[0] == QUIT:
                break
            if command[0] == RESET:
                trainer.reset()
                dist.barrier()
                if rank == 0:
                    conn.ok()
                continue
            lr = command[1].item()
            loss = torch.tensor([trainer.step(lr)], dtype=torch.float64)
            dist.all_reduce(loss)  # sum over the ranks ...
            loss /= world          # ... into the mean: every rank holds the same number
            if rank == 0:
                conn.loss(loss.item())
            if args.check:
                with torch.no_grad():
                    mine = torch.tensor([lr, loss.item(), sum(p.double().sum() for p in model.parameters())],
                                        dtype=torch.float64)
                lo, hi = mine.clone(), mine.clone()
                dist.all_reduce(lo, op=dist.ReduceOp.MIN)
                dist.all_reduce(hi, op=dist.ReduceOp.MAX)
                if not torch.equal(lo, hi) and not torch.isnan(mine).any():
                    raise RuntimeError("ranks disagree at step %d: min %s, max %s" % (checked, lo.tolist(), hi.tolist()))
                checked += 1
    except Exception as e:
        if conn is not None:
            conn.error("rank %d: %s: %s" % (rank, type(e).__name__, e))
        raise
    if args.check and rank == 0:
        print("ranks agree: %d steps, %d ranks" % (checked, world))
    if conn is not None:
        conn.close()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
