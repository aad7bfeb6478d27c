"""A training run that tests start under ``mpiexec`` (``python -m tests.parallel.worker``).

Arguments: OUT_FOLDER [--bn] [--die-at ITERATION] [--raise-at ITERATION] [--resume]
[--slow SECONDS] [--hang-at ITERATION --timeout SECONDS]. Rank 0 writes the final weights to OUT_FOLDER/weights.npz; every
rank writes its own to weights-RANK.npz, so that tests can check they are identical.
"""

from __future__ import annotations

import argparse
import os
import signal
import time
from pathlib import Path

import numpy as np

import glassnet as gn
from glassnet.parallel import supervise
from glassnet.train.callbacks import Callback

SAMPLES, FEATURES, CLASSES = 96, 5, 3


def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(SAMPLES, FEATURES)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(np.int64) + (x[:, 2] > 1).astype(np.int64)
    return x, y


def model(batch_norm: bool = False) -> gn.Sequential:
    gn.seed(3)
    layers = [gn.Dense(16, activation="tanh", input_dim=FEATURES)]
    if batch_norm:
        layers.append(gn.BatchNorm())
    layers.append(gn.Dense(CLASSES))
    net = gn.Sequential(layers)
    net.compile(gn.Adam(net, lr=0.01), "categorical_crossentropy", ["accuracy"])
    return net


class Trouble(Callback):
    """Kills (SIGKILL) or raises in rank 1 at a given iteration; optionally slows down."""

    def __init__(self, rank: int, die_at: int | None, raise_at: int | None, slow: float):
        self.rank, self.die_at, self.raise_at, self.slow = rank, die_at, raise_at, slow
        self.hang_at: int | None = None

    def on_batch_end(self, iteration: int, logs: dict) -> None:
        if self.slow:
            time.sleep(self.slow)
        if self.rank == 1 and iteration == self.die_at:
            os.kill(os.getpid(), signal.SIGKILL)
        if self.rank == 1 and iteration == self.hang_at:
            os.kill(os.getpid(), signal.SIGSTOP)  # alive but silent: a hung machine
        if self.rank == 1 and iteration == self.raise_at:
            raise RuntimeError(f"injected failure at iteration {iteration}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--bn", action="store_true")
    parser.add_argument("--die-at", type=int)
    parser.add_argument("--raise-at", type=int)
    parser.add_argument("--hang-at", type=int)
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--slow", type=float, default=0.0)
    parser.add_argument("--epochs", type=int, default=4)
    args = parser.parse_args()
    supervise()
    world = gn.parallel.world(timeout=args.timeout)
    out = Path(args.out)
    net = model(args.bn)
    x, y = data()
    trouble = Trouble(world.rank, args.die_at, args.raise_at, args.slow)
    trouble.hang_at = args.hang_at
    gn.parallel.fit(
        net,
        x,
        y,
        epochs=args.epochs,
        batch_size=20,
        rng=11,
        verbose=0,
        callbacks=[trouble],
        checkpoint=out / "checkpoint.safetensors",
        checkpoint_every_iterations=2,
        resume=args.resume,
    )
    weights = net.state_dict()
    np.savez(out / f"weights-{world.rank}.npz", **weights)
    if world.is_root:
        np.savez(out / "weights.npz", **weights)
        print(f"trained on {world.size} ranks: loss {net.history['loss'][-1]:.6f}", flush=True)


if __name__ == "__main__":
    main()
