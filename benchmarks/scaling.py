"""Data-parallel scaling over MPI: time per step, compute and allreduce, for 1…N ranks.

For each rank count the same training run (same model, same *global* batch, same
steps) is started under ``mpiexec -n N`` (1 rank: plain ``python``). Each rank uses
``--threads`` BLAS threads. Rank 0 reports, over the timed steps (after warm-up):

* ``step``: wall time per training step (forward, backward, allreduce, update);
* ``allreduce``: time inside the step's one allreduce, waiting for the slower rank
  included (what :class:`glassnet.parallel.DataParallel` measures);
* ``allreduce alone``: the same buffer summed 30 times back to back after a barrier:
  the pure communication cost;
* ``compute`` = step − allreduce.

The global batch is fixed, so every run does the same work per step: speed-up with
N ranks = T(1) / T(N), efficiency = T(1) / (N · T(N)) (1.0 = perfect).

The estimate for more machines assumes the compute splits evenly (C(1)/N per step),
and a ring allreduce of B bytes costs 2·(N−1)/N · B / bandwidth + 2·(N−1) · latency,
with ``--bandwidth`` (GB/s) and ``--latency`` (µs) of the network between machines
(defaults: 10 Gb/s Ethernet, 50 µs). It is an estimate, not a measurement.

Usage:
    python -m benchmarks scaling [--ranks 1,2] [--steps 40] [--batch 256] [--threads 1]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

FEATURES, HIDDEN, CLASSES = 64, 512, 10


def worker(args: argparse.Namespace) -> None:
    """One rank of one measured run; rank 0 prints a JSON line."""
    import glassnet as gn
    from glassnet.parallel import DataParallel, world
    from glassnet.train.callbacks import Callback

    ranks = world(timeout=120)
    gn.seed(0)
    rng = np.random.default_rng(0)
    samples = args.batch * (args.steps + args.warmup)
    x = rng.normal(size=(samples, FEATURES)).astype(np.float32)
    y = rng.integers(0, CLASSES, size=samples)
    layers = [gn.Dense(HIDDEN, activation="relu", input_dim=FEATURES)]
    layers += [gn.Dense(HIDDEN, activation="relu"), gn.Dense(CLASSES)]
    model = gn.Sequential(layers)
    model.compile(gn.Adam(model, lr=1e-3), "categorical_crossentropy")
    hook = DataParallel(ranks)

    class Clock(Callback):
        def __init__(self) -> None:
            self.times: list[float] = []
            self.reduce: list[float] = []

        def on_batch_end(self, iteration: int, logs: dict) -> None:
            self.times.append(time.perf_counter())
            self.reduce.append(hook.allreduce_seconds)

    clock = Clock()
    model.fit(
        x, y, epochs=1, batch_size=args.batch, shuffle=False, verbose=0, callbacks=[hook, clock]
    )
    w = args.warmup
    steps = len(clock.times) - w
    step = (clock.times[-1] - clock.times[w]) / (steps - 1)
    reduce = (clock.reduce[-1] - clock.reduce[w]) / (steps - 1)
    buffer = sum(p.data.size for p in model.parameters()) + args.batch * CLASSES + 3
    flat = np.zeros(buffer, dtype=np.float32)
    alone = 0.0
    if ranks.size > 1:
        ranks.comm.Barrier()
        started = time.perf_counter()
        for _ in range(30):
            ranks.allreduce_sum(flat)
        alone = (time.perf_counter() - started) / 30
    if ranks.is_root:
        result = {
            "ranks": ranks.size,
            "step": step,
            "allreduce": reduce,
            "alone": alone,
            "bytes": flat.nbytes,
            "params": int(sum(p.data.size for p in model.parameters())),
        }
        print(json.dumps(result), flush=True)


def measure(ranks: int, args: argparse.Namespace) -> dict:
    env = dict(os.environ)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = str(args.threads)
    command = [sys.executable, "-m", "benchmarks.scaling", "--worker"]
    command += [
        "--steps",
        str(args.steps),
        "--batch",
        str(args.batch),
        "--warmup",
        str(args.warmup),
    ]
    if ranks > 1:
        mpiexec = shutil.which("mpiexec")
        if mpiexec is None:
            raise SystemExit("mpiexec not found: pip install mpi4py mpich")
        command = [mpiexec, "-n", str(ranks), *command]
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"{ranks} ranks failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def estimate(base: dict, ranks: int, bandwidth: float, latency: float) -> tuple[float, float]:
    """(step seconds, efficiency) predicted for ``ranks`` machines."""
    compute = base["step"] / ranks
    ring = (
        2 * (ranks - 1) / ranks * base["bytes"] / (bandwidth * 1e9)
        + 2 * (ranks - 1) * latency * 1e-6
    )
    step = compute + ring
    return step, base["step"] / (ranks * step)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks scaling", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--ranks", default="1,2", help="rank counts to measure (default 1,2)")
    parser.add_argument("--steps", type=int, default=40, help="timed steps per run")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--batch", type=int, default=256, help="global batch size")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads per rank")
    parser.add_argument("--bandwidth", type=float, default=1.25, help="GB/s between machines")
    parser.add_argument("--latency", type=float, default=50.0, help="µs per message")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args)
        return 0
    counts = [int(n) for n in args.ranks.split(",")]
    results = [measure(n, args) for n in counts]
    base = results[0]
    print(
        f"MLP {FEATURES}-{HIDDEN}-{HIDDEN}-{CLASSES} ({base['params']} parameters, allreduce "
        f"buffer {base['bytes'] / 1e6:.2f} MB), global batch {args.batch}, "
        f"{args.threads} BLAS thread(s) per rank, {args.steps} timed steps\n"
    )
    print(
        "| ranks | ms/step | compute ms | allreduce ms (in step) | allreduce ms (alone) | samples/s | speed-up | efficiency |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        speedup = base["step"] * base["ranks"] / r["step"]
        print(
            f"| {r['ranks']} | {r['step'] * 1e3:.1f} | {(r['step'] - r['allreduce']) * 1e3:.1f} | "
            f"{r['allreduce'] * 1e3:.2f} | {r['alone'] * 1e3:.2f} | {args.batch / r['step']:.0f} | "
            f"{speedup:.2f} | {speedup / r['ranks'] * base['ranks']:.2f} |"
        )
    print(
        f"\nestimate for N machines ({args.bandwidth:g} GB/s, {args.latency:g} µs; compute "
        f"{base['step'] * 1e3:.1f} ms/step on 1 rank split evenly):"
    )
    for n in (2, 4, 8, 16, 32):
        step, efficiency = estimate(base, n, args.bandwidth, args.latency)
        print(f"  {n:>2} machines: {step * 1e3:6.1f} ms/step, efficiency {efficiency:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
