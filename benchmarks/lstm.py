"""LSTM training speed: glassnet against PyTorch's ``nn.LSTM`` on the CPU.

The workload (issue 5): an LSTM many-to-one classifier — sequence 50, input 32,
hidden 128, batch 32, then a Dense layer to 10 classes — trained with softmax
cross-entropy and Adam (lr 1e-3) on synthetic float32 sequences. One *step* is
forward, loss, backward and update, plus reading the loss as a Python float.

Timing follows :mod:`benchmarks.harness` (as ``benchmarks.lenet``): both frameworks in
one process, the same batches and the same initial weights (glassnet's ``kernel`` is
PyTorch's ``weight_ih_l0`` transposed, ``recurrent_kernel`` its ``weight_hh_l0``
transposed, ``bias`` its ``bias_ih_l0`` with ``bias_hh_l0`` = 0; gate order i, f, g, o
in both), interleaved repeats with a pause between them, medians and the median of the
per-repeat throughput ratios (glassnet ÷ PyTorch; > 1 means glassnet is faster). The
losses of the first and last step are printed for both: they agree when both compute
the same numbers.

Peak memory is measured as for LeNet-5 (:func:`benchmarks.harness.measure_memory`): a
fresh child process per framework, peak RSS over ``--memory-steps`` training steps.

Usage:
    python -m benchmarks lstm [--threads 2,1] [--steps 10] [--repeats 9] [--no-torch]
        [--no-memory]
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import numpy as np

from benchmarks import harness
from benchmarks.harness import Step
from benchmarks.lenet import _thread_counts

BATCH, STEPS, FEATURES, HIDDEN, CLASSES = 32, 50, 32, 128, 10


def make_data(batches: int, batch: int = BATCH, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``batches`` batches of sequences (N, 50, 32) float32 and int64 labels."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batches, batch, STEPS, FEATURES)).astype(np.float32)
    y = rng.integers(0, CLASSES, size=(batches, batch)).astype(np.int64)
    return x, y


def glassnet_model(seed: int = 0):
    """glassnet's LSTM + Dense, built (on the host), so that its initial weights exist to share."""
    import glassnet as gn

    gn.seed(seed)
    model = gn.Sequential([gn.LSTM(HIDDEN), gn.Dense(CLASSES)])
    model(gn.Tensor(np.zeros((1, STEPS, FEATURES), dtype=np.float32)))
    return model


def glassnet_step(x: np.ndarray, y: np.ndarray, seed: int = 0) -> tuple[Step, list[np.ndarray]]:
    """One glassnet training step on batch ``i`` (returns the loss), and the initial weights."""
    import glassnet as gn

    model = glassnet_model(seed)
    initial = [p.numpy().copy() for p in model.parameters()]
    optimizer = gn.Adam(model, lr=1e-3)
    loss_fn = gn.nn.get_loss("categorical_crossentropy")
    model.train()

    def step(i: int) -> float:
        optimizer.zero_grad()
        loss = loss_fn(model(gn.Tensor(x[i])), y[i])
        loss.backward()
        optimizer.step()
        return float(loss.item())

    return step, initial


def torch_step(x: np.ndarray, y: np.ndarray, initial: list[np.ndarray] | None = None) -> Step:
    """The same step in PyTorch: nn.LSTM + nn.Linear, Adam; ``initial`` weights if given."""
    return harness.torch_adam_step(torch_model(initial), x, y)


def torch_model(initial: list[np.ndarray] | None = None):
    """nn.LSTM + nn.Linear (on the CPU), with glassnet's ``initial`` weights if given."""
    import torch
    from torch import nn

    class Model(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = nn.LSTM(FEATURES, HIDDEN, batch_first=True)
            self.out = nn.Linear(HIDDEN, CLASSES)

        def forward(self, inputs):
            sequence, _ = self.lstm(inputs)
            return self.out(sequence[:, -1])

    model = Model()
    if initial:
        kernel, recurrent, bias, dense_kernel, dense_bias = initial
        values = {
            "lstm.weight_ih_l0": kernel.T,
            "lstm.weight_hh_l0": recurrent.T,
            "lstm.bias_ih_l0": bias,
            "lstm.bias_hh_l0": np.zeros_like(bias),
            "out.weight": dense_kernel.T,
            "out.bias": dense_bias,
        }
        with torch.no_grad():
            for name, parameter in model.named_parameters():
                parameter.copy_(torch.from_numpy(np.ascontiguousarray(values[name])))
    return model


def measure_memory(framework: str, args: argparse.Namespace) -> dict[str, float]:
    """Run in a child process: peak RSS over training, its growth, glassnet's tracemalloc peak."""
    x, y = make_data(4, args.batch)
    step = glassnet_step(x, y)[0] if framework == "glassnet" else torch_step(x, y)
    return harness.measure_memory(step, framework, args.memory_steps, batches=4)


def report(args: argparse.Namespace, speed: dict[str, Any], memory: dict[str, Any]) -> str:
    """The results as Markdown: speed per thread count, memory, the losses, environment."""
    from glassnet.ops.recurrent_kernels import numba_available

    lines = [
        f"LSTM many-to-one training step (LSTM {FEATURES}→{HIDDEN} over {STEPS} steps, Dense "
        f"{CLASSES}, softmax cross-entropy, Adam), batch {args.batch}, float32; "
        f"{args.repeats} interleaved runs × {args.steps} steps per framework, after "
        f"{args.warmup} warm-up steps; glassnet step kernels: "
        f"{'numba' if numba_available() else 'NumPy reference'}.",
    ]
    for threads, times in speed["times"].items():
        lines += [
            "",
            f"**{threads} thread{'s' if threads != 1 else ''}** (NumPy's BLAS and PyTorch each):",
            "",
        ]
        lines += harness.speed_table(times, args.batch)
    lines += harness.memory_lines(memory)
    losses = ", ".join(
        f"{name} {speed['first_loss'][name]:.4f} → {speed['last_loss'][name]:.4f}"
        for name in speed["first_loss"]
    )
    lines += ["", f"Loss on batch 0, before → after the timed steps: {losses}", ""]
    lines += harness.environment_lines(harness.environment())
    return "\n".join(lines)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks lstm", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--batch", type=int, default=BATCH)
    parser.add_argument("--steps", type=int, default=10, help="steps per timed run")
    parser.add_argument("--repeats", type=int, default=9, help="timed runs per framework")
    parser.add_argument("--warmup", type=int, default=5, help="untimed steps first")
    parser.add_argument("--batches", type=int, default=8, help="distinct batches cycled through")
    parser.add_argument("--gap", type=float, default=0.3, help="seconds of pause before each run")
    parser.add_argument(
        "--threads", type=_thread_counts, default=[2], help="thread counts to measure, e.g. 2,1"
    )
    parser.add_argument("--no-torch", action="store_true", help="measure glassnet alone")
    parser.add_argument("--memory-steps", type=int, default=5)
    parser.add_argument("--no-memory", action="store_true", help="skip the memory children")
    parser.add_argument("--memory-child", choices=("glassnet", "pytorch"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse(argv)
    if args.memory_child:
        print(json.dumps(measure_memory(args.memory_child, args)))
        return 0
    speed, memory = harness.speed_and_memory("lstm", args, make_data, glassnet_step, torch_step)
    print(report(args, speed, memory))
    return 0
