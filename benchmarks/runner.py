"""The shared driver of the step-timed workloads: options, interleaved timing, memory, report.

A workload describes itself as a :class:`Workload`: a title, the batch size, and one
factory per framework that returns a ``step(i)`` function (one training step on batch
``i``, returning the loss as a float). A factory raises :class:`Skipped` when its
framework is not installed (or has no implementation of the workload): the report
shows that peer as skipped, never as a failure.

Timing follows :mod:`benchmarks.harness`: all frameworks in one process, after
warm-up, ``--repeats`` interleaved runs of ``--steps`` steps each, medians.

Peak memory is measured per framework in a fresh child process
(``python -m benchmarks NAME --memory-child FRAMEWORK``) that imports only that
framework, builds the model and data, runs one step, resets the kernel's peak-RSS mark
(``/proc/self/clear_refs``) and runs ``--memory-steps`` steps: "peak RSS" is ``VmHWM``
over those steps, i.e. everything resident (interpreter, libraries, data, model,
optimizer state, the step's temporaries). The child's lifetime peak (``VmHWM`` before
the reset, imports and setup included) is reported too; ``ru_maxrss`` is not used on
Linux, where it carries the parent's peak across fork + exec. tracemalloc is not used:
it cannot see PyTorch's allocator.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from benchmarks import harness
from benchmarks.harness import Step

#: The thread count every workload uses unless told otherwise (``--threads``).
THREADS = 2


class Skipped(Exception):
    """A framework that cannot run this workload here (not installed, not implemented)."""


Factory = Callable[[argparse.Namespace], Step]


@dataclass
class Goal:
    """``glassnet``'s throughput ÷ ``peer``'s must be at least ``at_least`` (or at most ``at_most``)."""

    subject: str
    peer: str
    at_least: float | None = None
    at_most: float | None = None

    def verdict(self, ratio: float) -> str:
        if self.at_least is not None:
            return "met" if ratio >= self.at_least else "not met"
        return "met" if self.at_most is not None and ratio <= self.at_most else "not met"

    def text(self) -> str:
        if self.at_least is not None:
            return f"≥ {self.at_least:g}×"
        return f"≤ {self.at_most:g}× (slowdown)"


@dataclass
class Workload:
    """What :func:`run` needs to time one workload."""

    name: str
    title: str
    batch: int
    factories: dict[str, Factory]
    goals: list[Goal] = field(default_factory=list)
    #: floating-point operations per step, to report GFLOP/s (None: samples/s only)
    flops_per_step: float | None = None
    #: whether the memory children run (off where memory is not the question)
    memory: bool = True
    defaults: dict[str, Any] = field(default_factory=dict)
    #: what a step returns, for the before → after line
    value_label: str = "Loss on batch 0"


def parser(workload: Workload, doc: str | None) -> argparse.ArgumentParser:
    """The options every step-timed workload takes."""
    d = {"steps": 20, "repeats": 9, "warmup": 10, "gap": 0.2, "memory_steps": 10}
    d.update(workload.defaults)
    p = argparse.ArgumentParser(
        prog=f"python -m benchmarks {workload.name}",
        description=(doc or workload.title).split("\n")[0],
    )
    p.add_argument("--steps", type=int, default=d["steps"], help="steps per timed run")
    p.add_argument("--repeats", type=int, default=d["repeats"], help="timed runs per framework")
    p.add_argument("--warmup", type=int, default=d["warmup"], help="untimed steps first")
    p.add_argument("--gap", type=float, default=d["gap"], help="seconds of pause before each run")
    p.add_argument("--threads", type=int, default=THREADS, help="BLAS / PyTorch threads")
    p.add_argument("--quick", action="store_true", help="fewer repeats and steps (a smoke run)")
    p.add_argument("--memory-steps", type=int, default=d["memory_steps"])
    p.add_argument("--no-memory", action="store_true", help="skip the memory children")
    p.add_argument("--only", default=None, help="comma-separated frameworks to run (default: all)")
    p.add_argument("--memory-child", default=None, help=argparse.SUPPRESS)
    return p


def quicken(args: argparse.Namespace) -> None:
    """``--quick``: 3 repeats of a third of the steps, 3 memory steps."""
    if args.quick:
        args.repeats = min(args.repeats, 3)
        args.steps = max(2, args.steps // 3)
        args.warmup = min(args.warmup, 3)
        args.memory_steps = min(args.memory_steps, 3)


def build_steps(
    workload: Workload, args: argparse.Namespace
) -> tuple[dict[str, Step], dict[str, str]]:
    """A step per framework that can run, and the reason for each that cannot."""
    wanted = set(args.only.split(",")) if args.only else None
    steps: dict[str, Step] = {}
    skipped: dict[str, str] = {}
    for name, factory in workload.factories.items():
        if wanted is not None and name not in wanted:
            continue
        try:
            steps[name] = factory(args)
        except Skipped as reason:
            skipped[name] = str(reason)
    return steps, skipped


def memory_child(workload: Workload, framework: str, args: argparse.Namespace) -> dict[str, float]:
    """In a fresh process: peak RSS over ``--memory-steps`` steps of one framework."""
    step = workload.factories[framework](args)
    step(0)  # the first step allocates optimizer state and caches
    before = harness.rss_kib("VmRSS")
    # VmHWM belongs to the process image (reset by exec); ru_maxrss is not: Linux carries
    # the parent's peak across fork + exec, so it would report the parent's size.
    setup_peak = harness.rss_kib("VmHWM")
    windowed = harness.reset_peak_rss()
    for i in range(args.memory_steps):
        step(i + 1)
    peak = harness.rss_kib("VmHWM") if windowed else None
    if peak is None or before is None or setup_peak is None:  # no /proc: the lifetime peak
        return {"lifetime_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    return {
        "peak_rss_mib": peak / 1024,
        "growth_mib": (peak - before) / 1024,
        "lifetime_peak_mib": max(peak, setup_peak) / 1024,
    }


def measure_memory(workload: Workload, frameworks: list[str], argv: list[str]) -> dict[str, Any]:
    """Peak RSS per framework, each in its own child process."""
    forwarded = [a for a in argv if a not in ("--no-memory",)]
    return {name: harness.memory_in_child(workload.name, name, [*forwarded]) for name in frameworks}


def ratios(times: dict[str, list[float]], peer: str, subject: str = "glassnet") -> list[float]:
    """Per-repeat throughput ratios subject ÷ peer (> 1: the subject is faster)."""
    return [t / g for g, t in zip(times[subject], times[peer], strict=True)]


def report(
    workload: Workload,
    args: argparse.Namespace,
    times: dict[str, list[float]],
    skipped: dict[str, str],
    memory: dict[str, Any],
    losses: dict[str, tuple[float, float]],
) -> str:
    """The workload's results as Markdown."""
    unit = "GFLOP/s" if workload.flops_per_step else "samples/s"
    lines = [
        f"{workload.title}; {args.repeats} interleaved runs × {args.steps} steps per framework "
        f"after {args.warmup} warm-up steps, {args.threads} thread(s); load average "
        f"{harness.load_average()}.",
        "",
        f"| framework | {unit} (median) | ms/step median | ms/step min | ms/step max |",
        "|---|---|---|---|---|",
    ]
    for name, per_step in times.items():
        median = statistics.median(per_step)
        rate = (workload.flops_per_step / median / 1e9) if workload.flops_per_step else None
        shown = f"{rate:,.1f}" if rate is not None else f"{workload.batch / median:,.0f}"
        lines.append(
            f"| {name} | {shown} | {median * 1e3:.3f} | {min(per_step) * 1e3:.3f} | "
            f"{max(per_step) * 1e3:.3f} |"
        )
    for name, reason in skipped.items():
        lines.append(f"| {name} | skipped: {reason} | | | |")
    lines.append("")
    subject = next(iter(times), None)
    for peer in times:
        if peer == subject:
            continue
        r = ratios(times, peer, subject)
        lines.append(
            f"- {subject} ÷ {peer}: **{statistics.median(r):.2f}×** throughput (median of "
            f"per-repeat ratios, range {min(r):.2f}–{max(r):.2f}; ratio of minima "
            f"{min(times[peer]) / min(times[subject]):.2f}×)"
        )
    for goal in workload.goals:
        if goal.subject in times and goal.peer in times:
            # subject ÷ peer throughput = peer's time ÷ subject's: for an at_most goal
            # (subject = the fast path) that is the peer's slowdown itself.
            ratio = statistics.median(ratios(times, goal.peer, goal.subject))
            lines.append(
                f"- goal {goal.subject} vs {goal.peer} {goal.text()}: measured {ratio:.2f}× "
                f"→ **{goal.verdict(ratio)}**"
            )
        else:
            lines.append(f"- goal {goal.subject} vs {goal.peer} {goal.text()}: not measured")
    if losses:
        shown = ", ".join(f"{n} {a:.4f} → {b:.4f}" for n, (a, b) in losses.items())
        lines += ["", f"{workload.value_label} before → after the timed steps: {shown}"]
    if memory:
        lines += [
            "",
            "| framework | peak RSS during training MiB | growth during training MiB | "
            "lifetime peak RSS MiB |",
            "|---|---|---|---|",
        ]
        for name, mem in memory.items():
            mem = mem or {}
            nan = float("nan")
            lines.append(
                f"| {name} | {mem.get('peak_rss_mib', nan):.0f} | {mem.get('growth_mib', nan):.1f}"
                f" | {mem.get('lifetime_peak_mib', nan):.0f} |"
            )
    return "\n".join(lines)


def run(workload: Workload, argv: list[str], doc: str | None = None) -> int:
    """Parse ``argv``, then time, measure and print the workload's Markdown report."""
    args = parser(workload, doc).parse_args(argv)
    quicken(args)
    if args.memory_child:
        print(json.dumps(memory_child(workload, args.memory_child, args)))
        return 0
    harness.warn_about_coretype()
    steps, skipped = build_steps(workload, args)
    if "glassnet" not in steps and not any(n.startswith("glassnet") for n in steps):
        print("glassnet itself could not run this workload", file=sys.stderr)
        return 1
    first = {name: step(0) for name, step in steps.items()}
    with harness.thread_limits(args.threads):
        times = harness.interleave(steps, args.repeats, args.steps, 1 << 30, args.warmup, args.gap)
    losses = {name: (first[name], step(0)) for name, step in steps.items()}
    memory: dict[str, Any] = {}
    if workload.memory and not args.no_memory:
        memory = measure_memory(workload, list(steps), argv)
    print(report(workload, args, times, skipped, memory, losses))
    return 0


def environment_markdown() -> str:
    """Versions, BLAS (threadpoolctl), threads and load, for the top of BENCHMARKS output."""
    with contextlib.suppress(ImportError):
        import torch  # noqa: F401  (its version and thread pools belong in the header)
    env = harness.environment()
    lines = harness.environment_lines(env)
    lines.append(f"- threads per framework: {THREADS} (NumPy's BLAS via threadpoolctl, torch)")
    for module in ("sklearn", "jax"):
        lines.append(f"- {module}: {_version(module)}")
    lines.append(f"- load average at the start: {harness.load_average()}")
    lines.append(f"- GLASSNET_NUMBA={os.environ.get('GLASSNET_NUMBA', 'unset (fused kernels on)')}")
    return "\n".join(lines)


def _version(module: str) -> str:
    try:
        imported = __import__(module)
    except ImportError:
        return "not installed (skipped)"
    return str(getattr(imported, "__version__", "unknown"))
