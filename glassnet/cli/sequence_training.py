"""``glassnet train series.csv --model lstm --window 24 --target COL``: forecast a time series.

The recipe (windows, a chronological split, scalers fitted on the training rows)
is :mod:`glassnet.pipeline.series`; this command prints what it did. The report puts the test RMSE next to
the naive forecast's — "the next value equals the last one" — the bar any forecast
must clear.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

import glassnet as gn
from glassnet.cli import train_options
from glassnet.cli.data_options import data_options
from glassnet.cli.report import format_metrics, regression_metrics
from glassnet.errors import ConfigError
from glassnet.io.atomic import write_atomic
from glassnet.pipeline import series
from glassnet.pipeline.networks import RECURRENT


def wants_sequences(args: argparse.Namespace) -> bool:
    """True when this run is a forecast: a recurrent model, or a ``--window`` given."""
    return args.model in RECURRENT or getattr(args, "window", None) is not None


def check_options(args: argparse.Namespace) -> tuple[int, list[int]]:
    """(window, recurrent layer sizes) once the options make sense for a forecast."""
    if args.model not in RECURRENT:
        raise ConfigError(
            f"--window is for recurrent models (--model lstm, gru or rnn), got --model {args.model}"
        )
    if args.window is None:
        raise ConfigError(
            f"--model {args.model} reads windows of a time series; give their length, "
            "e.g. --window 24"
        )
    if args.window <= 0:
        raise ConfigError(f"--window must be a positive number of time steps, got {args.window}")
    for option in ("augment", "categorical"):
        if getattr(args, option, None):
            raise ConfigError(f"--{option} does not apply to --model {args.model} (a time series)")
    if getattr(args, "resume", False):
        raise ConfigError(f"--resume is not available for --model {args.model} yet")
    if getattr(args, "report", False):
        raise ConfigError(f"--report is not available for --model {args.model} yet")
    try:
        units = [int(part) for part in args.units.split(",") if part.strip()]
    except ValueError:
        raise ConfigError(
            f"--units must be comma-separated integers like 32,16, got '{args.units}'"
        ) from None
    if not units or any(size <= 0 for size in units):
        raise ConfigError(f"--units sizes must be positive, got '{args.units}'")
    return args.window, units


def run(args: argparse.Namespace) -> int:
    """Train, test against the naive forecast, and save, as ``glassnet train`` does."""
    from glassnet.cli.train_command import check_out_folder, history_csv

    window, units = check_options(args)
    out = Path(args.out) if args.out else Path("runs") / Path(args.data).stem
    check_out_folder(out)
    settings = train_options.settings(args)
    settings.units = units
    prepared = series.prepare_series(args.data, data_options(args), settings)
    network, history, seconds = series.train_series(
        prepared, settings, verbose=0 if args.quiet else "auto"
    )
    pipeline = gn.Pipeline(network, prepared.preprocessing, prepared.record)
    n_fit, n_train = prepared.n_fit, prepared.n_train
    predicted = pipeline.values(prepared.x[n_train:])
    truth = prepared.y_raw[n_train:]
    naive = prepared.x_raw[n_train:, -1, :1]  # the target's last value in each window
    results = regression_metrics(truth, predicted.reshape(truth.shape))
    naive_rmse = float(np.sqrt(np.mean((naive - truth) ** 2)))
    if not args.quiet:
        network.summary()
    columns, target = prepared.series.columns, prepared.series.target
    extra = f" + {len(columns) - 1} other numeric column(s)" if len(columns) > 1 else ""
    print(
        f"\nforecast of '{target}' ({target}{extra} over the last {window} steps → next value): "
        f"trained on {n_fit} windows (then {n_train - n_fit} for validation) for "
        f"{history.epochs} epochs in {seconds:.1f} s"
        + (" (early stop; best weights restored)" if history.stopped_early_at else "")
    )
    if prepared.series.left_out:
        print(f"columns left out of the inputs: {', '.join(prepared.series.left_out)}")
    n_test = len(truth)
    print(f"test split: the last {n_test} windows (the tail of the series), never seen in training")
    print("test metrics:\n" + format_metrics(results))
    print(f"  {'naive_rmse':<10} {naive_rmse:.4f}  (next value = last value)")
    verdict = "beats" if results["rmse"] < naive_rmse else "does NOT beat"
    print(
        f"{args.model.upper()} test RMSE {results['rmse']:.4f} vs naive {naive_rmse:.4f}: "
        f"the model {verdict} the naive forecast"
    )
    summary = {
        "task": "forecast",
        "target": target,
        "window": window,
        "features": columns,
        "test": {**results, "naive_rmse": naive_rmse},
        "test_windows": n_test,
        "epochs": history.epochs,
        "iterations": history.iterations,
        "seconds": seconds,
    }
    pipeline.save(out / "model.safetensors")
    write_atomic(out / "history.csv", history_csv(history).encode())
    write_atomic(out / "metrics.json", json.dumps(summary, indent=2).encode())
    print(f"\nsaved {out / 'model.safetensors'} (and history.csv, metrics.json)")
    return 0
