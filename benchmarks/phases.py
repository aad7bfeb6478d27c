"""Where a glassnet training step spends its time, phase by phase (one framework alone).

Times ``zero_grad``, the forward pass, the loss, the backward pass, the optimizer
step and reading the loss, each summed over ``--steps`` steps after warm-up, on the
MLP workloads of :mod:`benchmarks.mlp` (same data, weights and batches). The best of
``--repeats`` runs is printed, in µs per step. Not a comparison: a profile to find
the next lever.

Usage:
    python -m benchmarks.phases tabular|mlp [--steps 2000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import sys
import time

from benchmarks import mlp

PHASES = ("zero_grad", "forward", "loss", "backward", "optimizer", "item")


def measure(name: str, steps: int, repeats: int) -> dict[str, float]:
    """The best per-step time of each phase, in µs, over ``repeats`` runs of ``steps`` steps."""
    import glassnet as gn

    sizes, samples, batch = (
        (mlp.MLP_SIZES, 60_000, 128) if name == "mlp" else (mlp.TABULAR_SIZES, 10_000, 32)
    )
    x, y = mlp.make_data(samples, sizes)
    slices = mlp.batch_slices(samples, batch)
    model = mlp.glassnet_model(sizes)
    optimizer = gn.Adam(model, lr=1e-3)
    loss_fn = gn.nn.get_loss("categorical_crossentropy")
    best = dict.fromkeys(PHASES, float("inf"))
    for repeat in range(repeats + 1):  # the first run is the warm-up
        spent = dict.fromkeys(PHASES, 0.0)
        for i in range(steps):
            s = slices[i % len(slices)]
            marks = [time.perf_counter()]
            optimizer.zero_grad()
            marks.append(time.perf_counter())
            out = model(gn.Tensor(x[s]))
            marks.append(time.perf_counter())
            loss = loss_fn(out, y[s])
            marks.append(time.perf_counter())
            loss.backward()
            marks.append(time.perf_counter())
            optimizer.step()
            marks.append(time.perf_counter())
            float(loss.item())
            marks.append(time.perf_counter())
            for k, phase in enumerate(PHASES):
                spent[phase] += marks[k + 1] - marks[k]
        if repeat:
            for phase in PHASES:
                best[phase] = min(best[phase], spent[phase] / steps * 1e6)
    return best


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.phases", description=__doc__)
    parser.add_argument("workload", choices=("tabular", "mlp"))
    parser.add_argument("--steps", type=int, default=None, help="2000 (tabular) or 100 (mlp)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    steps = args.steps or (2000 if args.workload == "tabular" else 100)
    best = measure(args.workload, steps, args.repeats)
    cells = ", ".join(f"{phase} {best[phase]:.1f}" for phase in PHASES)
    print(
        f"{args.workload}: µs per step (best of {args.repeats} × {steps} steps): {cells}; "
        f"total {sum(best.values()):.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
