"""GPU training speed: glassnet (CuPy) against PyTorch (CUDA) on the same GPU, in one run.

The cases are the CPU workloads' models at their batch sizes, plus a CNN that only a
GPU trains at a useful speed (:mod:`benchmarks.gpu_models`):

* ``mlp``: MLP 784-256-128-10, batch 128 (``benchmarks.mlp``);
* ``lenet``: LeNet-5 on 1×28×28, batch 64 (``benchmarks.lenet``);
* ``resnet``: a CIFAR ResNet on 3×32×32, batch 256 (ResNet-8; ``--resnet-blocks 3`` is
  ResNet-20);
* ``lstm``: LSTM 32→128 over 50 steps + Dense 10, batch 32 (``benchmarks.lstm``).

Each trains with softmax cross-entropy and Adam (lr 1e-3), both frameworks from the
same initial weights on the same synthetic batches, which live on the device from the
start: a *step* is forward, loss, backward and update, nothing crosses to the host.
A GPU runs asynchronously, so each timed run synchronizes the device
(``glassnet.backend.synchronize``, ``torch.cuda.synchronize``) before reading the clock
at either end. Repeats alternate the order of the frameworks; reported are the median
ms/step and the median of the per-repeat ratios PyTorch time ÷ glassnet time
(> 1 means glassnet is faster). The losses on batch 0 before and after the timed steps
are printed for both: they agree where both compute the same numbers (the LSTM's part
after the first update: PyTorch's LSTM has a second bias vector, which Adam moves too).
The steps are in :mod:`benchmarks.gpu_trainers`.

Without a usable GPU for glassnet (CuPy missing, no device) or for PyTorch (a CPU-only
build), every case is reported as skipped and the command succeeds. ``--device
standin`` runs glassnet on the test suite's CuPy-strict stand-in device
(``tests/standin_device.py``, importable from the repository root) and PyTorch on
the CPU: it checks the plumbing, its times say nothing about a GPU.

Usage:
    python -m benchmarks gpu [--cases mlp,lenet,resnet,lstm] [--steps 20] [--repeats 5]
        [--quick] [--device gpu|standin|cpu] [--batch N] [--resnet-blocks 1] [--threads 2]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
import traceback
from collections.abc import Iterator
from typing import Any

from benchmarks import harness, runner
from benchmarks.gpu_models import CASES, Case
from benchmarks.gpu_trainers import Trainer, glassnet_trainer, make_data, torch_trainer


@contextlib.contextmanager
def standin_registered() -> Iterator[None]:
    """The tests' stand-in device, known to glassnet within the block (tests only)."""
    from glassnet.backend import devices
    from tests.standin_device import StandinDevice

    if "standin" in devices.device_names():  # a caller (a test) registered it already
        yield
        return
    devices.register_device(StandinDevice())
    try:
        yield
    finally:
        devices.unregister_device("standin")


def _case_names(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [name for name in names if name not in CASES]
    if not names or unknown:
        raise argparse.ArgumentTypeError(
            f"cases must be a comma-separated subset of {','.join(CASES)}, got {text!r}"
        )
    return names


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks gpu", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--cases", type=_case_names, default=list(CASES), help="e.g. mlp,lstm")
    parser.add_argument("--steps", type=int, default=20, help="steps per timed run")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per framework")
    parser.add_argument("--warmup", type=int, default=5, help="untimed steps first")
    parser.add_argument("--quick", action="store_true", help="fewer repeats and steps")
    parser.add_argument(
        "--device",
        choices=("gpu", "cuda", "standin", "cpu"),
        default="gpu",
        help="glassnet's device; 'standin' is the tests' CPU stand-in (PyTorch then on the CPU)",
    )
    parser.add_argument("--batch", type=int, default=None, help="one batch size for every case")
    parser.add_argument("--batches", type=int, default=4, help="distinct batches cycled through")
    parser.add_argument("--resnet-blocks", type=int, default=1, help="basic blocks per stage")
    parser.add_argument("--gap", type=float, default=0.1, help="seconds of pause before each run")
    parser.add_argument(
        "--threads",
        type=int,
        default=runner.THREADS,
        help="host threads of NumPy's BLAS and PyTorch (all the work off a GPU)",
    )
    args = parser.parse_args(argv)
    for name in ("steps", "repeats", "batches", "resnet_blocks", "threads"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.warmup < 0:
        parser.error("--warmup must be at least 0")
    if args.batch is not None and args.batch < 2:
        parser.error("--batch must be at least 2 (batch norm needs two samples)")
    if args.quick:
        args.repeats = min(args.repeats, 3)
        args.steps = max(2, args.steps // 3)
        args.warmup = min(args.warmup, 3)
    args.device = "gpu" if args.device == "cuda" else args.device
    return args


def skip_reason(device: str) -> str | None:
    """Why the cases cannot run on ``device`` here (PyTorch or the GPU missing), or None."""
    try:
        import torch
    except ImportError:
        return "PyTorch is not installed"
    if device != "gpu":
        return None
    from glassnet.backend import devices

    reasons = []
    glassnet_reason = devices.unavailable_reason("gpu")
    if glassnet_reason is not None:
        reasons.append(f"glassnet: {glassnet_reason}")
    if not torch.cuda.is_available():
        reasons.append(f"PyTorch {torch.__version__} has no CUDA device")
    return "; ".join(reasons) or None


def time_interleaved(trainers: dict[str, Trainer], args: argparse.Namespace) -> dict[str, list]:
    """Seconds per step of each framework, ``args.repeats`` synchronized runs each, interleaved."""
    # The first-loss step before this has run each framework once already: --warmup 0 is fine.
    for trainer in trainers.values():
        if args.warmup > 0:
            trainer.run(args.warmup)
    times: dict[str, list[float]] = {name: [] for name in trainers}
    names = list(trainers)
    for repeat in range(args.repeats):
        # Alternating the order: neither framework always runs on a device the other warmed.
        for name in names if repeat % 2 == 0 else names[::-1]:
            time.sleep(args.gap)
            times[name].append(trainers[name].run(args.steps))
    return times


def measure(case: Case, args: argparse.Namespace) -> dict[str, Any]:
    """Time one case in both frameworks; the times and the loss before → after."""
    batch = args.batch or case.batch
    x, y = make_data(case, args.batches, batch)
    glassnet, initial = glassnet_trainer(case, args.device, x, y, args.resnet_blocks)
    pytorch = torch_trainer(case, args.device, x, y, initial, args.resnet_blocks)
    trainers = {"glassnet": glassnet, "pytorch": pytorch}
    first = {name: trainer.loss() for name, trainer in trainers.items()}
    times = time_interleaved(trainers, args)
    last = {name: trainer.loss() for name, trainer in trainers.items()}
    return {"batch": batch, "times": times, "first": first, "last": last}


def device_line(device: str) -> str:
    """Which hardware each framework ran on."""
    import torch

    if device == "gpu":
        cupy = sys.modules.get("cupy")  # imported by glassnet's backend, never here
        cupy_version = getattr(cupy, "__version__", "unknown")
        return (
            f"GPU: **{torch.cuda.get_device_name()}** (glassnet on CuPy {cupy_version}, "
            f"PyTorch {torch.__version__} on CUDA {torch.version.cuda})"
        )
    cpu = harness.environment()["cpu"]
    if device == "standin":
        return (
            f"device: standin — glassnet on the tests' CuPy-strict stand-in (NumPy on {cpu}), "
            f"PyTorch {torch.__version__} on the CPU; a plumbing check, not a GPU measurement"
        )
    return f"device: CPU ({cpu}); glassnet on NumPy, PyTorch {torch.__version__} on the CPU"


def table(results: dict[str, dict[str, Any]], failed: dict[str, str]) -> list[str]:
    """The Markdown table: one row per case, a failed case with its error."""
    lines = [
        "| case | batch | glassnet ms/step | PyTorch ms/step | ratio PyTorch ÷ glassnet time |",
        "|---|---|---|---|---|",
    ]
    for name, result in results.items():
        gn_times, torch_times = result["times"]["glassnet"], result["times"]["pytorch"]
        ratios = [t / g for g, t in zip(gn_times, torch_times, strict=True)]
        lines.append(
            f"| {name} | {result['batch']} | {statistics.median(gn_times) * 1e3:.3f} | "
            f"{statistics.median(torch_times) * 1e3:.3f} | **{statistics.median(ratios):.2f}×** "
            f"({min(ratios):.2f}–{max(ratios):.2f}) |"
        )
    for name, error in failed.items():
        lines.append(f"| {name} | failed: {error} | | | |")
    return lines


def report(args: argparse.Namespace, results: dict, failed: dict[str, str]) -> str:
    lines = [
        f"Training step (forward, loss, backward, Adam) on the device, float32; "
        f"{args.repeats} interleaved runs × {args.steps} steps per framework after "
        f"{args.warmup} warm-up steps, synchronized before each clock reading; "
        f"{args.threads} host thread(s). "
        f"Ratio > 1: glassnet is faster (median of the per-repeat ratios, range).",
        "",
        device_line(args.device),
        "",
        *table(results, failed),
    ]
    if results:
        lines.append("")
    for name, result in results.items():
        losses = ", ".join(
            f"{framework} {result['first'][framework]:.4f} → {result['last'][framework]:.4f}"
            for framework in result["first"]
        )
        lines.append(f"- {name} ({CASES[name].title}): loss on batch 0 {losses}")
    return "\n".join(lines)


def run_cases(args: argparse.Namespace) -> int:
    """Every case of ``args.cases``, or a skipped line per case where they cannot run."""
    reason = skip_reason(args.device)
    if reason is not None:
        for name in args.cases:
            print(f"{name}: skipped: {reason}")
        return 0
    results: dict[str, dict[str, Any]] = {}
    failed: dict[str, str] = {}
    # Fixed host threads, as in the CPU workloads: more threads than free cores make
    # PyTorch's OpenMP workers spin against each other (seconds per step on a busy machine).
    with harness.thread_limits(args.threads):
        for name in args.cases:
            try:
                results[name] = measure(CASES[name], args)
            except Exception as error:  # one broken case must not hide the others' results
                traceback.print_exc(file=sys.stderr)
                failed[name] = f"{type(error).__name__}: {error}"
    print(report(args, results, failed))
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    args = parse(argv)
    if args.device != "standin":
        return run_cases(args)
    try:
        import tests.standin_device  # noqa: F401
    except ImportError:
        print(
            "--device standin needs the test suite's stand-in device (tests/standin_device.py): "
            "run from the repository root",
            file=sys.stderr,
        )
        return 2
    with standin_registered():
        return run_cases(args)
