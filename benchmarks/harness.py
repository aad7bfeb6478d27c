"""What every workload shares: thread limits, interleaved timing, memory children, the report.

Timing rules (``PERFORMANCE-NOTES.md``): the frameworks run in one process on the same
batches, after warm-up; each repeat times one framework, pauses (idle OpenBLAS threads
spin for up to 200 ms and would slow the next one), then the other, alternating the
order; reported are medians, minima and the median of the per-repeat ratios.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

Step = Callable[[int], float]


@contextlib.contextmanager
def thread_limits(threads: int) -> Iterator[None]:
    """Within the block, NumPy's BLAS and PyTorch use ``threads`` threads each."""
    from threadpoolctl import threadpool_limits

    torch = sys.modules.get("torch")  # only a peer this run has imported
    before = torch.get_num_threads() if torch is not None else None
    with threadpool_limits(threads, user_api="blas"):
        if torch is not None:
            torch.set_num_threads(threads)
        try:
            yield
        finally:
            if torch is not None:
                torch.set_num_threads(before)


def timed(step: Step, steps: int, batches: int) -> float:
    """Seconds per step over ``steps`` calls of ``step`` cycling through ``batches`` batches."""
    start = time.perf_counter()
    for i in range(steps):
        step(i % batches)
    return (time.perf_counter() - start) / steps


def interleave(
    steps: dict[str, Step], repeats: int, per_run: int, batches: int, warmup: int, gap: float
) -> dict[str, list[float]]:
    """Seconds per step of each framework, ``repeats`` runs each, interleaved."""
    for step in steps.values():
        timed(step, max(warmup, 1), batches)
    times: dict[str, list[float]] = {name: [] for name in steps}
    names = list(steps)
    for repeat in range(repeats):
        for name in names if repeat % 2 == 0 else names[::-1]:
            time.sleep(gap)
            times[name].append(timed(steps[name], per_run, batches))
    return times


def torch_adam_step(model: Any, x: np.ndarray, y: np.ndarray) -> Step:
    """A PyTorch training step on batch ``i`` of ``x``/``y``: Adam (lr 1e-3), cross-entropy."""
    import torch
    from torch import nn

    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    xs, ys = torch.from_numpy(x), torch.from_numpy(y)

    def step(i: int) -> float:
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(xs[i]), ys[i])
        loss.backward()
        optimizer.step()
        return float(loss.item())

    return step


def measure_speed(
    args: Any,
    make_data: Callable[[int, int], tuple[np.ndarray, np.ndarray]],
    glassnet_step: Callable[[np.ndarray, np.ndarray], tuple[Step, list[np.ndarray]]],
    torch_step: Callable[[np.ndarray, np.ndarray, list[np.ndarray]], Step] | None,
) -> dict[str, Any]:
    """Interleaved timings for each thread count in ``args.threads``, and the losses.

    PyTorch (``torch_step``, None when it is not installed) starts from glassnet's
    initial weights, so the first and last losses of the two can be compared.
    """
    x, y = make_data(args.batches, args.batch)
    glassnet, initial = glassnet_step(x, y)
    steps = {"glassnet": glassnet}
    if torch_step is not None:
        steps["pytorch"] = torch_step(x, y, initial)
    result: dict[str, Any] = {"first_loss": {name: step(0) for name, step in steps.items()}}
    result["times"] = {}
    for threads in args.threads:
        with thread_limits(threads):
            result["times"][threads] = interleave(
                steps, args.repeats, args.steps, args.batches, args.warmup, args.gap
            )
    result["last_loss"] = {name: step(0) for name, step in steps.items()}
    return result


def memory_in_child(workload: str, framework: str, extra: list[str]) -> dict[str, float] | None:
    """Run ``python -m benchmarks WORKLOAD --memory-child FRAMEWORK`` and read its JSON line."""
    command = [sys.executable, "-m", "benchmarks", workload, "--memory-child", framework, *extra]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(f"memory measurement of {framework} failed:\n{done.stderr}", file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_memory(step: Step, framework: str, steps: int, batches: int) -> dict[str, float]:
    """Peak RSS over ``steps`` training steps (after a first one), its growth, and for
    glassnet the tracemalloc peak of its NumPy arrays. Run in a fresh child process.
    """
    step(0)  # the first step allocates the optimizer state and caches
    before = rss_kib("VmRSS")
    windowed = reset_peak_rss()
    result: dict[str, float] = {}
    if framework == "glassnet":
        import tracemalloc

        from glassnet.ops import workspace

        # Forget the reusable scratch arrays, so that tracemalloc sees them allocated
        # again: the peak is then the whole working set of a step.
        workspace.clear()
        tracemalloc.start()
    for i in range(steps):
        step(i % batches)
    if framework == "glassnet":
        result["tracemalloc_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    peak = rss_kib("VmHWM") if windowed else None
    if peak is None or before is None:  # no /proc: the lifetime peak, growth unknown
        result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return result
    result.update(peak_rss_mib=peak / 1024, growth_mib=(peak - before) / 1024)
    return result


def memory_lines(memory: dict[str, Any]) -> list[str]:
    """The memory table (and glassnet's tracemalloc peak) as Markdown lines."""
    if not memory:
        return []
    lines = ["", "| framework | peak RSS MiB | growth during training MiB |", "|---|---|---|"]
    for name, mem in memory.items():
        mem = mem or {}
        lines.append(
            f"| {name} | {mem.get('peak_rss_mib', float('nan')):.0f} | "
            f"{mem.get('growth_mib', float('nan')):.1f} |"
        )
    traced = (memory.get("glassnet") or {}).get("tracemalloc_peak_mib")
    if traced is not None:
        lines += [
            "",
            f"glassnet's NumPy arrays during training (tracemalloc peak): {traced:.1f} MiB",
        ]
    return lines


def speed_and_memory(
    workload: str,
    args: Any,
    make_data: Callable[..., Any],
    glassnet_step: Callable[..., Any],
    torch_step: Callable[..., Any],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Interleaved speed of glassnet and PyTorch (skipped when not installed), then each
    framework's peak memory in a fresh child (``python -m benchmarks WORKLOAD
    --memory-child NAME``) unless ``args.no_memory``.
    """
    warn_about_coretype()
    use_torch = not args.no_torch
    if use_torch:
        try:
            import torch  # noqa: F401
        except ImportError:
            print("PyTorch is not installed: its side is skipped", file=sys.stderr)
            use_torch = False
    speed = measure_speed(args, make_data, glassnet_step, torch_step if use_torch else None)
    memory: dict[str, Any] = {}
    if not args.no_memory:
        extra = ["--batch", str(args.batch), "--memory-steps", str(args.memory_steps)]
        for name in speed["first_loss"]:
            memory[name] = memory_in_child(workload, name, extra)
    return speed, memory


def rss_kib(field: str) -> int | None:
    """``VmRSS`` (now) or ``VmHWM`` (peak) of this process from /proc, in KiB (Linux)."""
    try:
        with open("/proc/self/status", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages, as text ("unknown" where not available)."""
    try:
        return ", ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def reset_peak_rss() -> bool:
    """Start a new peak-RSS window (Linux ≥ 4.0: write 5 to /proc/self/clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="utf-8") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def environment() -> dict[str, Any]:
    """Versions, CPU, BLAS libraries and threads, and the variables that change them."""
    from threadpoolctl import threadpool_info

    info: dict[str, Any] = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "cpu": _cpu_name(),
        "cores": os.cpu_count(),
        "env": {
            k: v for k, v in os.environ.items() if k.split("_")[0] in ("OPENBLAS", "OMP", "MKL")
        },
        "torch": None,
    }
    torch = sys.modules.get("torch")
    if torch is not None:
        info["torch"] = torch.__version__
    keys = ("internal_api", "version", "num_threads", "architecture", "prefix")
    info["threadpools"] = [{key: pool.get(key) for key in keys} for pool in threadpool_info()]
    return info


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def speed_table(times: dict[str, list[float]], batch: int) -> list[str]:
    """Markdown rows: throughput and ms/step per framework, and the ratio line."""
    lines = [
        "| framework | samples/s (median) | ms/step median | ms/step min | ms/step max |",
        "|---|---|---|---|---|",
    ]
    for name, per_step in times.items():
        median = statistics.median(per_step)
        lines.append(
            f"| {name} | {batch / median:,.0f} | {median * 1e3:.2f} | "
            f"{min(per_step) * 1e3:.2f} | {max(per_step) * 1e3:.2f} |"
        )
    if "pytorch" in times:
        ratios = [t / g for g, t in zip(times["glassnet"], times["pytorch"], strict=True)]
        lines += [
            "",
            f"Throughput ratio glassnet ÷ PyTorch: **{statistics.median(ratios):.2f}×** "
            f"(median of the per-repeat ratios, range {min(ratios):.2f}–{max(ratios):.2f}; "
            f"ratio of the minima {min(times['pytorch']) / min(times['glassnet']):.2f}×)",
        ]
    else:
        lines += ["", "PyTorch: skipped (not installed: `pip install -e .[bench]`)"]
    return lines


def environment_lines(env: dict[str, Any]) -> list[str]:
    lines = [
        f"- CPU: {env['cpu']} ({env['cores']} cores); Python {env['python']}, "
        f"NumPy {env['numpy']}, PyTorch {env['torch'] or 'not measured'}"
    ]
    for pool in env["threadpools"]:
        lines.append(
            f"- threadpoolctl: {pool['internal_api']} {pool['version']} ({pool['prefix']}), "
            f"kernel {pool['architecture']}"
        )
    lines.append(f"- OPENBLAS/OMP/MKL variables: {env['env'] or 'none set'}")
    return lines


def warn_about_coretype() -> None:
    if os.environ.get("OPENBLAS_CORETYPE"):
        print(
            f"warning: OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']} makes NumPy's GEMM "
            "0.5–0.65× as fast; unset it for this command: env -u OPENBLAS_CORETYPE ...",
            file=sys.stderr,
        )
