"""The two sides of a ``gpu`` workload case: a training step per framework, on the device.

Both frameworks get the same synthetic batches, moved to the device once before any
timing, and start from the same weights (glassnet's model is built on the host, its
initial weights read as NumPy and copied into PyTorch's). A step is forward, loss,
backward and the Adam update, and returns the loss still on the device: reading it
would synchronize every step, which a GPU training loop does not do.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks.gpu_models import Case


class Trainer:
    """One framework's training step on batches already on the device, and its clock.

    Args:
        step: trains on batch ``i`` and returns the loss, still on the device.
        synchronize: waits for the device's queued work.
        batches: how many distinct batches ``step`` cycles through.
    """

    def __init__(self, step: Callable[[int], Any], synchronize: Callable[[], None], batches: int):
        self.step, self.synchronize, self.batches = step, synchronize, batches

    def run(self, steps: int) -> float:
        """Seconds per step over ``steps`` steps, the device synchronized at both ends."""
        self.synchronize()
        start = time.perf_counter()
        for i in range(steps):
            self.step(i % self.batches)
        self.synchronize()
        return (time.perf_counter() - start) / steps

    def loss(self) -> float:
        """One more step on batch 0, its loss read back to the host (outside the timings)."""
        return float(self.step(0).item())


def glassnet_trainer(
    case: Case, device: str, x: np.ndarray, y: np.ndarray, blocks: int
) -> tuple[Trainer, list[np.ndarray]]:
    """glassnet's trainer on ``device``, and the model's initial weights (for PyTorch)."""
    import glassnet as gn
    from glassnet import backend

    # Built on the host, then moved: the initial weights are read once, as NumPy.
    model = case.glassnet_model(blocks)
    initial = [parameter.numpy().copy() for parameter in model.parameters()]
    model.to(device)
    xs = [gn.Tensor(batch, device=device) for batch in x]
    ys = [backend.to_device(labels, device) for labels in y]
    optimizer = gn.Adam(model, lr=1e-3)  # after the move, as in PyTorch
    loss_fn = gn.nn.get_loss("categorical_crossentropy")
    model.train()

    def step(i: int) -> Any:
        optimizer.zero_grad()
        loss = loss_fn(model(xs[i]), ys[i])
        loss.backward()
        optimizer.step()
        return loss

    def synchronize() -> None:
        backend.synchronize(device)

    return Trainer(step, synchronize, len(xs)), initial


def torch_trainer(
    case: Case, device: str, x: np.ndarray, y: np.ndarray, initial: list, blocks: int
) -> Trainer:
    """PyTorch's trainer: on CUDA for the GPU, else on the CPU; from glassnet's weights."""
    import torch

    target = torch.device("cuda" if device == "gpu" else "cpu")
    model = case.torch_model(initial, blocks).to(target)
    xs = [torch.from_numpy(batch).to(target) for batch in x]
    ys = [torch.from_numpy(labels).to(target) for labels in y]
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    model.train()

    def step(i: int) -> Any:
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(xs[i]), ys[i])
        loss.backward()
        optimizer.step()
        return loss

    def synchronize() -> None:
        if target.type == "cuda":
            torch.cuda.synchronize()

    return Trainer(step, synchronize, len(xs))


def make_data(case: Case, batches: int, batch: int, seed: int = 0) -> tuple[np.ndarray, ...]:
    """``batches`` batches of synthetic float32 inputs and int64 labels for ``case``."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batches, batch, *case.shape), dtype=np.float32)
    y = rng.integers(0, case.classes, size=(batches, batch)).astype(np.int64)
    return x, y
