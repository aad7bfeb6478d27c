"""Small data sets, models and recording callbacks shared by the training tests."""

from __future__ import annotations

from typing import Any

import numpy as np

import glassnet as gn
from glassnet.train.callbacks import Callback


def blobs(n: int = 60, features: int = 3, classes: int = 3, seed: int = 0):
    """``n`` float32 samples in ``classes`` well-separated clusters, and their integer labels.

    Class ``k`` is centred at 4 on feature ``k`` (0 elsewhere), with noise of scale 0.5.
    """
    rng = np.random.default_rng(seed)
    centres = 4.0 * np.eye(classes, features)
    y = np.arange(n) % classes
    x = centres[y] + rng.normal(scale=0.5, size=(n, features))
    return x.astype(np.float32), y


def regression(n: int = 40, features: int = 3, seed: int = 0):
    """``n`` float32 samples of a noisy linear target, shape (n, 1)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features))
    y = x @ np.arange(1.0, features + 1.0)[:, None] + 0.1 * rng.normal(size=(n, 1))
    return x.astype(np.float32), y.astype(np.float32)


def classifier(
    classes: int = 3, units: int = 8, optimizer: Any = "adam", seed: int = 0, **options: Any
) -> gn.Sequential:
    """A seeded, compiled two-layer softmax classifier (logits out)."""
    gn.seed(seed)
    model = gn.Sequential([gn.Dense(units, activation="tanh"), gn.Dense(classes)])
    options.setdefault("lr", 0.05)
    return model.compile(optimizer, "categorical_crossentropy", ["accuracy"], **options)


def assert_same_state(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> None:
    """Two state dicts hold the same keys and bit-identical arrays."""
    assert sorted(a) == sorted(b)
    for key in a:
        assert a[key].dtype == b[key].dtype, key
        assert np.array_equal(a[key], b[key]), key


class Recorder(Callback):
    """Remembers every hook call: epoch logs, weights after each epoch, batch iterations."""

    def __init__(self) -> None:
        self.train_begin: dict[str, Any] | None = None
        self.epochs_begun: list[int] = []
        self.epoch_logs: list[dict[str, float]] = []
        self.weights: list[dict[str, np.ndarray]] = []
        self.iterations: list[int] = []
        self.batch_losses: list[float] = []
        self.train_end_calls = 0

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        self.train_begin = dict(logs)

    def on_epoch_begin(self, epoch: int) -> None:
        self.epochs_begun.append(epoch)

    def on_batch_end(self, iteration: int, logs: dict[str, float]) -> None:
        self.iterations.append(iteration)
        self.batch_losses.append(logs["loss"])

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        self.epoch_logs.append(dict(logs))
        self.weights.append(self.model.state_dict())

    def on_train_end(self, logs: dict[str, float]) -> None:
        self.train_end_calls += 1


class RowWatcher(gn.Module):
    """A define-by-run model that remembers the rows it saw in training mode, per call."""

    def __init__(self, outputs: int = 1) -> None:
        super().__init__()
        self.out = gn.Dense(outputs)
        self.seen: list[np.ndarray] = []

    def forward(self, x):
        if self.training:
            self.seen.append(np.array(x.numpy()))
        return self.out(x)


class ScriptedLogs(Callback):
    """Overwrites ``logs[key]`` with the next of ``values`` each epoch (a monitor with a script).

    Place it before the callback under test: callbacks share the epoch's ``logs`` dict.
    """

    def __init__(self, key: str, values: list[float]) -> None:
        self.key = key
        self.values = list(values)
        self.calls = 0

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        logs[self.key] = self.values[self.calls]
        self.calls += 1
