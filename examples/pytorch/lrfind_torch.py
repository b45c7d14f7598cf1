"""Let lrfind run a learning-rate range test on any PyTorch model.

    from lrfind_torch import run
    run(model, optimizer, loss_fn, loader)          # e.g. at the end of your train.py

and point lrfind at it:  lrfind --set trainer.kind=exec --set 'trainer.command=[python3, train.py]'
(or a YAML file like mlp.yaml). Each step lrfind sends a rate; this module sets it on every
parameter group, trains one mini-batch and returns that batch's loss, measured before the
update. Before the first step it saves the model, the optimizer state and the RNG states
(torch, CUDA, Python, NumPy) and on "reset" it restores them and restarts the data loader,
so every sweep starts from the same place and your model is left as it was.

loader yields (inputs, targets) batches; for anything else pass step_fn(model, batch) that
returns the loss tensor. Needs examples/python/lrfind_trainer.py (found next door, or put it
on PYTHONPATH).
"""

import os
import random
import sys

import torch

try:
    from lrfind_trainer import Connection, serve
except ImportError:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
    from lrfind_trainer import Connection, serve  # noqa: F401

__all__ = ["LRFinderTrainer", "run"]


def _to_cpu(obj):
    """A deep copy of obj with every tensor cloned to the CPU (so that a saved GPU model
    does not take GPU memory twice)."""
    if torch.is_tensor(obj):
        return obj.detach().to("cpu", copy=True)
    if isinstance(obj, dict):
        return type(obj)((k, _to_cpu(v)) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return type(obj)(_to_cpu(v) for v in obj)
    return obj


def _rng_state():
    state = {"torch": torch.get_rng_state(), "python": random.getstate()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    try:
        import numpy
        state["numpy"] = numpy.random.get_state()
    except ImportError:
        pass
    return state


def _set_rng_state(state):
    torch.set_rng_state(state["torch"])
    random.setstate(state["python"])
    if "cuda" in state:
        torch.cuda.set_rng_state_all(state["cuda"])
    if "numpy" in state:
        import numpy
        numpy.random.set_state(state["numpy"])


def _move(batch, device):
    if torch.is_tensor(batch):
        return batch.to(device, non_blocking=True)
    if isinstance(batch, (list, tuple)):
        return type(batch)(_move(b, device) for b in batch)
    if isinstance(batch, dict):
        return {k: _move(v, device) for k, v in batch.items()}
    return batch


class LRFinderTrainer:
    """step(lr) and reset() for lrfind, over a model, an optimizer, a loss and a loader."""

    def __init__(self, model, optimizer, loss_fn, loader, device=None, step_fn=None):
        self.model, self.optimizer, self.loss_fn, self.loader = model, optimizer, loss_fn, loader
        self.step_fn = step_fn
        self.device = device or next(model.parameters()).device
        self._saved = {
            "model": _to_cpu(model.state_dict()),
            "optimizer": _to_cpu(optimizer.state_dict()),
            "rng": _rng_state(),
        }
        self._it, self._epoch = None, 0

    def _next_batch(self):
        while True:
            if self._it is None:
                sampler = getattr(self.loader, "sampler", None)
                if hasattr(sampler, "set_epoch"):  # DistributedSampler: a new order per pass
                    sampler.set_epoch(self._epoch)
                self._epoch += 1
                self._it = iter(self.loader)
            try:
                return next(self._it)
            except StopIteration:
                self._it = None

    def step(self, lr):
        """Train one mini-batch at rate lr; return its loss measured before the update."""
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        batch = _move(self._next_batch(), self.device)
        self.model.train()
        self.optimizer.zero_grad(set_to_none=True)
        if self.step_fn is not None:
            loss = self.step_fn(self.model, batch)
        else:
            inputs, targets = batch
            loss = self.loss_fn(self.model(inputs), targets)
        loss.backward()
        self.optimizer.step()
        return loss.item()

    def reset(self):
        """Put the model, the optimizer, the RNGs and the data order back as they were."""
        self.model.load_state_dict(self._saved["model"])
        self.optimizer.load_state_dict(self._saved["optimizer"])
        _set_rng_state(self._saved["rng"])
        self._it, self._epoch = None, 0

    def hello(self, name=None):
        return {
            "name": name or type(self.model).__name__,
            "params": sum(p.numel() for p in self.model.parameters()),
            "batch": getattr(self.loader, "batch_size", None),
        }


def run(model, optimizer, loss_fn, loader, name=None, device=None, step_fn=None):
    """Serve lrfind until it says quit; the model is left as it was before the sweep."""
    trainer = LRFinderTrainer(model, optimizer, loss_fn, loader, device=device, step_fn=step_fn)
    try:
        serve(trainer.step, trainer.reset, hello=trainer.hello(name))
    finally:
        trainer.reset()
