"""LeNet-5 training speed and memory: glassnet against PyTorch on the CPU.

The workload: LeNet-5 (conv 6@5×5, max pool, conv 16@5×5, max pool, 120, 84, 10,
ReLU; :func:`glassnet.models.lenet`) trained with Adam (lr 1e-3) and softmax
cross-entropy on synthetic 1×28×28 float32 images, batch 64. One *step* is forward,
loss, backward and update, plus reading the loss as a Python float (so neither
framework can defer work).

How it is timed, so that the ratio holds on a shared machine:

* both frameworks run in the same process, on the same batches and from the same
  initial weights, after ``--warmup`` steps each, with ``--threads`` threads each
  (NumPy's OpenBLAS through threadpoolctl, PyTorch through ``torch.set_num_threads``;
  ``--threads 2,1`` measures both settings);
* each repeat times ``--steps`` steps of one framework, pauses ``--gap`` seconds (idle
  OpenBLAS threads spin for up to 200 ms and would slow the other framework), then the
  other; the order alternates between repeats;
* reported: median, minimum and maximum ms/step over ``--repeats`` runs, and the
  median of the per-repeat throughput ratios (glassnet ÷ PyTorch; > 1 means glassnet
  is faster). On a machine other programs share, the minimum is the best estimate of
  undisturbed speed, and a wide min–max range says the run was disturbed.

Memory is measured per process: a fresh child per framework imports only that
framework, builds the model, runs one step (optimizer state, caches), then resets the
kernel's peak-RSS mark (``/proc/self/clear_refs``) and trains ``--memory-steps`` steps.
"peak RSS" is ``VmHWM`` over those steps (it includes the framework's own code and
libraries), "training growth" that peak minus ``VmRSS`` just before them: the memory
the training steps themselves take. For glassnet the peak of NumPy allocations over the
same steps, as ``tracemalloc`` sees them, is reported as well (PyTorch's allocator is
invisible to tracemalloc). Without /proc, ``ru_maxrss`` (lifetime peak) is reported.

Usage:
    python -m benchmarks lenet [--threads 2,1] [--steps 20] [--repeats 9] [--no-torch]
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import numpy as np

from benchmarks import harness
from benchmarks.harness import Step

BATCH, CLASSES, SHAPE = 64, 10, (1, 28, 28)


def make_data(batches: int, batch: int = BATCH, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``batches`` batches of synthetic images (N, 1, 28, 28) and labels, float32 / int64."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batches, batch, *SHAPE)).astype(np.float32)
    y = rng.integers(0, CLASSES, size=(batches, batch)).astype(np.int64)
    return x, y


def glassnet_model(seed: int = 0):
    """glassnet's LeNet-5, built (on the host), so that its initial weights exist to share."""
    import glassnet as gn

    gn.seed(seed)
    model = gn.models.lenet(SHAPE, CLASSES)
    model(gn.Tensor(np.zeros((1, *SHAPE), dtype=np.float32)))
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
    """The same step in PyTorch: same architecture and optimizer; ``initial`` weights if given."""
    return harness.torch_adam_step(torch_model(initial), x, y)


def torch_model(initial: list[np.ndarray] | None = None):
    """LeNet-5 in PyTorch (on the CPU), with glassnet's ``initial`` weights if given."""
    import torch
    from torch import nn

    model = nn.Sequential(
        nn.Conv2d(1, 6, 5),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(256, 120),
        nn.ReLU(),
        nn.Linear(120, 84),
        nn.ReLU(),
        nn.Linear(84, CLASSES),
    )
    with torch.no_grad():
        for parameter, value in zip(model.parameters(), initial or [], strict=bool(initial)):
            # glassnet's Dense kernel is (inputs, outputs), torch's Linear weight the transpose.
            value = value.T if parameter.ndim == 2 else value
            parameter.copy_(torch.from_numpy(np.ascontiguousarray(value)))
    return model


def measure_memory(framework: str, args: argparse.Namespace) -> dict[str, float]:
    """Run in a child process: peak RSS over training, its growth, glassnet's tracemalloc peak."""
    x, y = make_data(4, args.batch)
    # Each child imports only its own framework (PyTorch keeps its own initial weights here).
    step = glassnet_step(x, y)[0] if framework == "glassnet" else torch_step(x, y)
    return harness.measure_memory(step, framework, args.memory_steps, batches=4)


def report(args: argparse.Namespace, speed: dict[str, Any], memory: dict[str, Any]) -> str:
    """The results as Markdown: one speed table per thread count, memory, environment."""
    env = harness.environment()
    lines = [
        f"LeNet-5 training step (forward, loss, backward, Adam), batch {args.batch}, float32; "
        f"{args.repeats} interleaved runs × {args.steps} steps per framework, after "
        f"{args.warmup} warm-up steps.",
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
        f"{name} {speed['first_loss'][name]:.3f} → {speed['last_loss'][name]:.3f}"
        for name in speed["first_loss"]
    )
    lines += ["", f"Loss on batch 0, before → after the timed steps: {losses}", ""]
    lines += harness.environment_lines(env)
    return "\n".join(lines)


def _thread_counts(text: str) -> list[int]:
    counts = [int(part) for part in text.split(",") if part.strip()]
    if not counts or any(n < 1 for n in counts):
        raise argparse.ArgumentTypeError(f"thread counts must be positive integers, got {text!r}")
    return counts


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks lenet", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--batch", type=int, default=BATCH)
    parser.add_argument("--steps", type=int, default=20, help="steps per timed run")
    parser.add_argument("--repeats", type=int, default=9, help="timed runs per framework")
    parser.add_argument("--warmup", type=int, default=10, help="untimed steps first")
    parser.add_argument("--batches", type=int, default=8, help="distinct batches cycled through")
    parser.add_argument("--gap", type=float, default=0.3, help="seconds of pause before each run")
    parser.add_argument(
        "--threads", type=_thread_counts, default=[2], help="thread counts to measure, e.g. 2,1"
    )
    parser.add_argument("--memory-steps", type=int, default=10)
    parser.add_argument("--no-torch", action="store_true", help="measure glassnet alone")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory children")
    parser.add_argument("--memory-child", choices=("glassnet", "pytorch"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse(argv)
    if args.memory_child:
        print(json.dumps(measure_memory(args.memory_child, args)))
        return 0
    speed, memory = harness.speed_and_memory("lenet", args, make_data, glassnet_step, torch_step)
    print(report(args, speed, memory))
    return 0
