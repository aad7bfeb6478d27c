"""How close a wide Dense layer's forward + backward comes to the BLAS ceiling.

The layer: ``Dense(UNITS, activation="relu")`` on a (BATCH, FEATURES) float32 input
that requires a gradient, so a step is three GEMMs of the same size — ``x @ W``,
``g @ W.T`` and ``x.T @ g`` — plus bias, ReLU and their gradients. The ceiling,
``numpy-matmul``, is those three raw NumPy products on the same arrays and nothing
else. PyTorch's ``Linear`` + ReLU forward and backward is shown for reference.
GFLOP/s count the 3 × 2·B·F·U multiply-adds of the products for every framework.

Usage:
    python -m benchmarks dense [--quick] [--threads 2]
"""

from __future__ import annotations

import argparse

import numpy as np

from benchmarks import runner
from benchmarks.harness import Step
from benchmarks.runner import Goal, Skipped, Workload

BATCH, FEATURES, UNITS = 512, 1024, 1024


def _arrays(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((BATCH, FEATURES), dtype=np.float32)
    w = (rng.standard_normal((FEATURES, UNITS), dtype=np.float32) / np.float32(32)).astype(
        np.float32
    )
    b = np.zeros(UNITS, dtype=np.float32)
    g = rng.standard_normal((BATCH, UNITS), dtype=np.float32)
    return x, w, b, g


def numpy_factory(args: argparse.Namespace) -> Step:
    x, w, _, g = _arrays()

    def step(i: int) -> float:
        out = x @ w
        grad_x = g @ w.T
        grad_w = x.T @ g
        return float(out[0, 0] + grad_x[0, 0] + grad_w[0, 0])

    return step


def glassnet_factory(args: argparse.Namespace) -> Step:
    import glassnet as gn

    x, w, b, g = _arrays()
    layer = gn.Dense(UNITS, activation="relu", input_dim=FEATURES)
    layer.kernel.data[...] = w
    layer.bias.data[...] = b

    def step(i: int) -> float:
        inputs = gn.Tensor(x, requires_grad=True)
        layer.zero_grad()
        out = layer(inputs)
        out.backward(g)
        return float(inputs.grad[0, 0] + layer.kernel.grad[0, 0])

    return step


def torch_factory(args: argparse.Namespace) -> Step:
    try:
        import torch
    except ImportError:
        raise Skipped("not installed (pip install -e .[bench])") from None
    x, w, b, g = _arrays()
    linear = torch.nn.Linear(FEATURES, UNITS)
    with torch.no_grad():
        linear.weight.copy_(torch.from_numpy(np.ascontiguousarray(w.T)))
        linear.bias.copy_(torch.from_numpy(b))
    xt, gt = torch.from_numpy(x), torch.from_numpy(g)

    def step(i: int) -> float:
        inputs = xt.detach().requires_grad_(True)
        linear.zero_grad(set_to_none=True)
        out = torch.relu(linear(inputs))
        out.backward(gt)
        return float(inputs.grad[0, 0] + linear.weight.grad[0, 0])

    return step


WORKLOAD = Workload(
    "dense",
    f"wide Dense({UNITS}, relu) forward + backward on a {BATCH} × {FEATURES} float32 input",
    BATCH,
    {"glassnet": glassnet_factory, "numpy-matmul": numpy_factory, "pytorch": torch_factory},
    [Goal("glassnet", "numpy-matmul", 0.8)],
    flops_per_step=3 * 2.0 * BATCH * FEATURES * UNITS,
    memory=False,
    defaults={"steps": 10, "warmup": 3},
    value_label="Checksum (first elements of the gradients; glassnet = PyTorch)",
)


def main(argv: list[str]) -> int:
    return runner.run(WORKLOAD, argv, __doc__)
