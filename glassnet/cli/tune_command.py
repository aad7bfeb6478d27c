"""``glassnet tune DATA --trials N``: search the network's settings with Optuna.

Saves the best configuration as ``best.json`` (and every trial in
``trials.json``) in the run folder; ``glassnet train DATA --config best.json``
retrains it and prints the validation score next to the one the search reported.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from glassnet.cli.data_options import add_data_options, data_options
from glassnet.errors import ConfigError
from glassnet.io.atomic import write_atomic


def add_parsers(commands: Any) -> None:
    parser = commands.add_parser(
        "tune",
        help="search layers, units, activation, learning rate, batch size, dropout and weight "
        "decay with Optuna",
        description="Search the network's settings on the validation split that 'glassnet "
        "train' uses (the test split is never seen), pruning poor trials early; save the best "
        "as best.json for 'glassnet train DATA --config best.json'.",
    )
    parser.add_argument("data", help="a bundled data set name or a .csv/.parquet file")
    add_data_options(parser)
    parser.add_argument(
        "--trials", type=int, default=20, help="configurations to try (default: 20)"
    )
    parser.add_argument("--epochs", type=int, default=30, help="epochs per trial (default: 30)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sampler and the trials")
    parser.add_argument("--out", default=None, help="run folder (default: runs/<data name>)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from glassnet.cli.train_command import check_out_folder
    from glassnet.compare.tuning import tune

    out = Path(args.out) if args.out else Path("runs") / Path(args.data).stem
    check_out_folder(out)
    started = time.perf_counter()
    result = tune(
        args.data,
        args.trials,
        epochs=args.epochs,
        seed=args.seed,
        report=lambda line: print(line, flush=True),
        options=data_options(args),
    )
    seconds = time.perf_counter() - started
    pruned = sum(entry["state"] == "PRUNED" for entry in result.trials)
    best = {**result.to_dict(), "seconds": seconds}
    write_atomic(out / "best.json", json.dumps(best, indent=2).encode())
    write_atomic(out / "trials.json", json.dumps(result.trials, indent=2).encode())
    print(
        f"\n{len(result.trials)} trials ({pruned} pruned) in {seconds:.0f} s; best: trial "
        f"{result.best_config['trial'] + 1}, validation {result.metric} {result.best_score:.4f}"
    )
    shown = {
        key: best[key]
        for key in ("layers", "activation", "dropout", "lr", "batch_size", "weight_decay", "epochs")
    }
    print(f"best configuration: {shown}")
    print(
        f"saved {out / 'best.json'}; retrain it with: glassnet train {args.data} --config {out / 'best.json'}"
    )
    return 0


def apply_config(args: argparse.Namespace) -> dict[str, Any]:
    """Set ``glassnet train``'s options from a tuned configuration, as the trials trained."""
    from glassnet.compare.tuning import read_config

    config = read_config(args.config)
    if args.model != "mlp":
        raise ConfigError(
            "--config holds a tuned dense network; it cannot be used with --model cnn"
        )
    raw = json.loads(Path(args.config).read_text())
    args.layers = str(config["layers"])
    args.activation = str(config["activation"])
    args.dropout = float(config["dropout"])
    args.lr = float(config["lr"])
    args.batch_size = int(config["batch_size"])
    args.weight_decay = float(config["weight_decay"])
    args.epochs = str(int(config["epochs"]))
    args.seed = int(config["seed"])
    # What every trial used: the default split, scaling, optimizer and schedule.
    args.optimizer, args.schedule, args.scale, args.patience = "adam", "cosine", "standard", "0"
    args.test_size, args.split_seed = 0.25, None
    return {"score": raw.get("score"), "metric": raw.get("metric")}


def retrain_line(tuned: dict[str, Any], history: Any) -> str:
    """The retrained validation score next to the score the search reported."""
    metric = tuned.get("metric") or ("accuracy" if "val_accuracy" in history else "r2")
    key = f"val_{metric}"
    if key not in history:
        return "tuned configuration: no validation split in this run, nothing to compare"
    value = history[key][-1]
    reported = tuned.get("score")
    same = (
        ""
        if reported is None
        else f" (glassnet tune reported {reported:.4f}"
        + (
            ": the same)"
            if abs(value - reported) < 1e-9
            else f": differs by {value - reported:+.4f})"
        )
    )
    return f"tuned configuration: validation {metric} at the last epoch {value:.4f}{same}"
