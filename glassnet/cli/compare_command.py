"""``glassnet compare DATA``: the network against scikit-learn baselines, same folds, a verdict.

Writes ``comparison.json`` (and, with ``--learning-curve``, the curves inside it)
into the run folder and prints the table, the verdict and, if asked, whether more
data is likely to help.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from glassnet.cli.data_options import add_data_options, data_options
from glassnet.cli.train_command import check_out_folder
from glassnet.cli.train_options import hidden_sizes
from glassnet.errors import ConfigError
from glassnet.io.atomic import write_atomic


def add_parsers(commands: Any) -> None:
    parser = commands.add_parser(
        "compare",
        help="is a neural network worth it here? the network against scikit-learn baselines",
        description="Cross-validate a glassnet network and logistic/linear regression, a decision "
        "tree, k-nearest neighbours, a random forest and an SVM on the same folds; test the "
        "network against the best baseline and say which to prefer.",
    )
    parser.add_argument(
        "data", help="a bundled data set name, a .csv/.parquet file or an image folder"
    )
    add_data_options(parser, tasks=("anomaly",))
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (default: 5)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the folds and the models")
    parser.add_argument(
        "--layers", default="256", help="the network's hidden layers (default: 256)"
    )
    parser.add_argument(
        "--iterations",
        type=int,
        default=1000,
        help="the network's training budget per fold, in batches (default: 1000; 20 to 200 epochs)",
    )
    parser.add_argument(
        "--learning-curve",
        action="store_true",
        help="also score the network and the best baseline on growing parts of the training "
        "folds (the first 3 folds) and say whether more data is likely to help",
    )
    parser.add_argument("--out", default=None, help="run folder (default: runs/<data name>)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from glassnet.compare.comparison import compare
    from glassnet.compare.contenders import NetworkSettings

    if args.iterations <= 0:
        raise ConfigError(f"--iterations must be positive, got {args.iterations}")
    out = Path(args.out) if args.out else Path("runs") / Path(args.data).stem
    check_out_folder(out)
    settings = NetworkSettings(layers=tuple(hidden_sizes(args.layers)), iterations=args.iterations)
    result = compare(
        args.data,
        task=None if args.task == "auto" else args.task,
        options=data_options(args),
        folds=args.folds,
        seed=args.seed,
        network=settings,
        report=None if args.quiet else lambda line: print(f"  {line}", flush=True),
    )
    summary = result.to_dict()
    print(f"\n{args.data}: {len(result.data.y)} samples, {len(result.folds)}-fold cross-validation")
    print(result.table())
    print(f"\nverdict: {result.verdict.text}")
    if args.learning_curve:
        summary["learning_curve"] = _learning_curves(result, args.quiet)
    write_atomic(out / "comparison.json", json.dumps(summary, indent=2).encode())
    print(f"\nsaved {out / 'comparison.json'}")
    return 0


def _learning_curves(result: Any, quiet: bool) -> dict[str, Any]:
    from glassnet.compare.baselines import baselines
    from glassnet.compare.contenders import NetworkContender, SklearnContender
    from glassnet.compare.learning_curve import learning_curve, more_data_verdict

    data = result.data
    folds = result.folds[:3]
    template = dict(baselines(data.task, result.seed))[result.best_baseline]
    makers = {
        "network": lambda: NetworkContender(data.task, data.classes, result.network, result.seed),
        result.best_baseline: lambda: SklearnContender(result.best_baseline, template),
    }
    curves: dict[str, Any] = {}
    print(f"\nlearning curve ({result.metric} on held-out folds; training score in brackets):")
    for name, make in makers.items():
        curve = learning_curve(
            make,
            data.x,
            data.y,
            folds,
            result.metric,
            stratify=data.task != "regression",
            seed=result.seed,
        )
        said = more_data_verdict(curve.sizes, curve.train, curve.validation)
        points = ", ".join(
            f"{n}: {v:.3f} [{t:.3f}]"
            for n, v, t in zip(curve.sizes, curve.validation, curve.train, strict=True)
        )
        print(f"  {name}: {points}\n    {said.text}")
        curves[name] = {
            **curve.to_dict(),
            "more_data": said.outcome,
            "verdict": said.text,
            "slope": said.slope,
            "gap": said.gap,
        }
    return curves
