"""The price of flexibility: the same MLP as a user's define-by-run Module vs fused Dense layers.

``glassnet-dense`` is workload 1's model (``Sequential`` of ``Dense``: one fused op per
layer). ``glassnet-define-by-run`` is what a user writes by hand in the PyTorch style:
a ``Module`` holding ``Parameter`` s, whose ``forward`` calls the primitive ops
``gn.ops.matmul``, ``+`` (broadcast add) and ``gn.ops.relu`` — three graph nodes per
layer, each with its own backward. Same data, weights, loss and Adam; the goal is a
slowdown of at most 1.5×. ``--sizes tabular`` runs the same comparison on the
30-64-64-2 model with batch 32, where per-op overhead weighs most.

Usage:
    python -m benchmarks define_by_run [--quick] [--sizes mlp|tabular]
"""

from __future__ import annotations

import argparse
import sys

from benchmarks import mlp, runner
from benchmarks.harness import Step
from benchmarks.runner import Goal, Workload


def define_by_run_model(sizes):
    """The user-written model: Parameters and primitive ops, no Dense."""
    import glassnet as gn

    class HandWrittenMLP(gn.Module):
        def __init__(self) -> None:
            super().__init__()
            values = mlp.initial_weights(sizes)
            self.count = len(values) // 2
            for index in range(self.count):
                setattr(self, f"w{index}", gn.Parameter(values[2 * index]))
                setattr(self, f"b{index}", gn.Parameter(values[2 * index + 1]))

        def forward(self, x):
            for index in range(self.count):
                x = gn.ops.matmul(x, getattr(self, f"w{index}")) + getattr(self, f"b{index}")
                if index < self.count - 1:
                    x = gn.ops.relu(x)
            return x

    return HandWrittenMLP()


def factory(sizes, samples: int, batch: int, dense: bool):
    def make(args: argparse.Namespace) -> Step:
        import glassnet as gn

        x, y = mlp.make_data(samples, sizes)
        slices = mlp.batch_slices(samples, batch)
        model = mlp.glassnet_model(sizes) if dense else define_by_run_model(sizes)
        optimizer = gn.Adam(model, lr=1e-3)
        loss_fn = gn.nn.get_loss("categorical_crossentropy")

        def step(i: int) -> float:
            s = slices[i % len(slices)]
            optimizer.zero_grad()
            loss = loss_fn(model(gn.Tensor(x[s])), y[s])
            loss.backward()
            optimizer.step()
            return float(loss.item())

        return step

    return make


def workload(which: str) -> Workload:
    if which == "tabular":
        sizes, samples, batch, steps = mlp.TABULAR_SIZES, 10_000, 32, 200
    else:
        sizes, samples, batch, steps = mlp.MLP_SIZES, 60_000, 128, 20
    title = f"define-by-run vs fused Dense, MLP {'-'.join(map(str, sizes))}, batch {batch}, Adam"
    return Workload(
        "define_by_run",
        title,
        batch,
        {
            "glassnet-dense": factory(sizes, samples, batch, dense=True),
            "glassnet-define-by-run": factory(sizes, samples, batch, dense=False),
        },
        [Goal("glassnet-dense", "glassnet-define-by-run", at_most=1.5)],
        memory=False,
        defaults={"steps": steps},
    )


def main(argv: list[str]) -> int:
    which = "mlp"
    if "--sizes" in argv:
        at = argv.index("--sizes")
        which = argv[at + 1] if at + 1 < len(argv) else ""
        argv = argv[:at] + argv[at + 2 :]
        if which not in ("mlp", "tabular"):
            print("--sizes must be mlp or tabular", file=sys.stderr)
            return 2
    return runner.run(workload(which), argv, __doc__)
