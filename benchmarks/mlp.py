"""Multilayer perceptrons: glassnet against PyTorch (default and fused Adam) and scikit-learn.

Two workloads share this code (float32, ReLU hidden layers, softmax cross-entropy,
Adam lr 1e-3):

* ``mlp``: 784-256-128-10, batch 128, on 60 000 × 784 synthetic samples;
* ``tabular``: 30-64-64-2, batch 32, on 10 000 × 30 synthetic samples.

A *step* is forward, loss, backward, update and reading the loss as a Python float,
on the next batch of the data set (all frameworks see the same batches and start
from the same weights). scikit-learn's step is ``MLPClassifier.partial_fit`` on one
batch (one Adam update, its own ``alpha`` L2 set to 0): what a scikit-learn user
would call for mini-batch training, input checks included. JAX is reported as
skipped where it is not installed.

Usage:
    python -m benchmarks mlp [--quick] [--threads 2] [--repeats 9] [--steps 20]
    python -m benchmarks tabular [--quick]
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from benchmarks import runner
from benchmarks.harness import Step
from benchmarks.runner import Goal, Skipped, Workload

MLP_SIZES = (784, 256, 128, 10)
TABULAR_SIZES = (30, 64, 64, 2)


@functools.lru_cache(maxsize=2)
def make_data(samples: int, sizes: Sequence[int], seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Synthetic float32 inputs and int64 labels (generated in float32: no 2× peak).

    Cached: the frameworks of one run share the same arrays (read only), so the
    parent process holds the 188 MB of workload 1 once, not once per framework.
    """
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((samples, sizes[0]), dtype=np.float32)
    y = rng.integers(0, sizes[-1], size=samples).astype(np.int64)
    return x, y


def initial_weights(sizes: Sequence[int], seed: int = 0) -> list[np.ndarray]:
    """Glorot-uniform kernels (inputs, outputs) and zero biases, shared by every framework."""
    rng = np.random.default_rng(seed)
    weights = []
    for fan_in, fan_out in pairwise(sizes):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        weights.append(rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32))
        weights.append(np.zeros(fan_out, dtype=np.float32))
    return weights


def batch_slices(samples: int, batch: int) -> list[slice]:
    return [slice(start, start + batch) for start in range(0, samples - batch + 1, batch)]


def glassnet_model(sizes: Sequence[int]):
    """A Sequential of Dense layers with the shared initial weights."""
    import glassnet as gn

    layers = [gn.Dense(n, activation="relu") for n in sizes[1:-1]] + [gn.Dense(sizes[-1])]
    model = gn.Sequential(layers).to("cpu")  # a CPU workload, whatever the current device
    model(np.zeros((1, sizes[0]), dtype=np.float32))
    for parameter, value in zip(model.parameters(), initial_weights(sizes), strict=True):
        parameter.data[...] = value
    return model


def glassnet_factory(sizes: Sequence[int], samples: int, batch: int):
    def factory(args: argparse.Namespace) -> Step:
        import glassnet as gn

        x, y = make_data(samples, sizes)
        slices = batch_slices(samples, batch)
        model = glassnet_model(sizes)
        optimizer = gn.Adam(model, lr=1e-3)
        loss_fn = gn.nn.get_loss("categorical_crossentropy")
        model.train()

        def step(i: int) -> float:
            s = slices[i % len(slices)]
            optimizer.zero_grad()
            loss = loss_fn(model(gn.Tensor(x[s])), y[s])
            loss.backward()
            optimizer.step()
            return float(loss.item())

        return step

    return factory


def torch_model(sizes: Sequence[int], initial: list[np.ndarray] | None = None):
    """The same MLP in PyTorch (on the CPU), with ``initial`` weights (default: the shared ones)."""
    import torch
    from torch import nn

    modules: list[nn.Module] = []
    for fan_in, fan_out in pairwise(sizes):
        modules += [nn.Linear(fan_in, fan_out), nn.ReLU()]
    model = nn.Sequential(*modules[:-1])
    weights = initial if initial is not None else initial_weights(sizes)
    with torch.no_grad():
        for parameter, value in zip(model.parameters(), weights, strict=True):
            value = value.T if value.ndim == 2 else value  # Linear keeps (out, in)
            parameter.copy_(torch.from_numpy(np.ascontiguousarray(value)))
    return model


def torch_factory(sizes: Sequence[int], samples: int, batch: int, fused: bool = False):
    def factory(args: argparse.Namespace) -> Step:
        try:
            import torch
        except ImportError:
            raise Skipped("not installed (pip install -e .[bench])") from None
        from torch import nn

        x, y = make_data(samples, sizes)
        slices = batch_slices(samples, batch)
        model = torch_model(sizes)
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, fused=fused or None)
        loss_fn = nn.CrossEntropyLoss()
        xs, ys = torch.from_numpy(x), torch.from_numpy(y)

        def step(i: int) -> float:
            s = slices[i % len(slices)]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(xs[s]), ys[s])
            loss.backward()
            optimizer.step()
            return float(loss.item())

        return step

    return factory


def sklearn_factory(sizes: Sequence[int], samples: int, batch: int):
    def factory(args: argparse.Namespace) -> Step:
        from sklearn.neural_network import MLPClassifier

        x, y = make_data(samples, sizes)
        slices = batch_slices(samples, batch)
        model = MLPClassifier(
            hidden_layer_sizes=tuple(sizes[1:-1]),
            solver="adam",
            learning_rate_init=1e-3,
            alpha=0.0,
            batch_size=batch,
            random_state=0,
        )
        classes = np.arange(sizes[-1])

        def step(i: int) -> float:
            s = slices[i % len(slices)]
            model.partial_fit(x[s], y[s], classes=classes)
            return float(model.loss_)

        return step

    return factory


def jax_factory(args: argparse.Namespace) -> Step:
    try:
        import jax  # noqa: F401
    except ImportError:
        raise Skipped("not installed (optional peer)") from None
    raise Skipped("installed, but no JAX version of this workload is written yet")


def workload(name: str) -> Workload:
    """The ``mlp`` or ``tabular`` workload."""
    if name == "mlp":
        sizes, samples, batch = MLP_SIZES, 60_000, 128
        title = "MLP 784-256-128-10, batch 128, Adam, 60 000 × 784 synthetic float32"
        goals = [Goal("glassnet", "pytorch", 1.3), Goal("glassnet", "pytorch-fused-adam", 1.0)]
    else:
        sizes, samples, batch = TABULAR_SIZES, 10_000, 32
        title = "tabular MLP 30-64-64-2, batch 32, Adam, 10 000 × 30 synthetic float32"
        goals = [Goal("glassnet", "pytorch", 3.0)]
    factories = {
        "glassnet": glassnet_factory(sizes, samples, batch),
        "pytorch": torch_factory(sizes, samples, batch),
    }
    if name == "mlp":
        factories["pytorch-fused-adam"] = torch_factory(sizes, samples, batch, fused=True)
    factories["scikit-learn"] = sklearn_factory(sizes, samples, batch)
    factories["jax"] = jax_factory
    steps = 20 if name == "mlp" else 200
    return Workload(name, title, batch, factories, goals, defaults={"steps": steps})


def main(argv: list[str]) -> int:
    return runner.run(workload("mlp"), argv, __doc__)


def main_tabular(argv: list[str]) -> int:
    return runner.run(workload("tabular"), argv, __doc__)
