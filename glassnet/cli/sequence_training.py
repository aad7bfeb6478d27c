"""``glassnet train series.csv --model lstm --window 24 --target COL``: forecast a time series.

A CSV (or Parquet) file whose rows are time steps, oldest first, becomes sliding
windows (:func:`glassnet.data.sequences.make_windows`): the last ``--window`` rows of
the target *and of every other numeric column* are the inputs, the target's next
value is the output. Non-numeric columns (dates, labels) are left out and named.

The split is chronological, as forecasting needs: the test windows are the tail,
the validation windows the tail of what remains, and nothing is shuffled across
either boundary. The scalers (z-scores, one per column) are fitted on the rows the
training windows read, never on a later row. The report puts the test RMSE next to
the naive forecast's — "the next value equals the last one" — the bar any forecast
must clear.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import glassnet as gn
from glassnet.cli.report import format_metrics, regression_metrics
from glassnet.cli.train_options import names
from glassnet.data import StandardScaler
from glassnet.data.sequences import make_windows
from glassnet.errors import ConfigError, DataError
from glassnet.io.atomic import write_atomic

#: ``--model`` name → recurrent layer class
RECURRENT = {"lstm": gn.LSTM, "gru": gn.GRU, "rnn": gn.SimpleRNN}


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


def read_series(args: argparse.Namespace) -> tuple[np.ndarray, list[str], str, list[str]]:
    """(values (time, columns), numeric column names, target name, left-out columns).

    The target is the first column of the values; the other numeric columns follow
    as extra inputs, except a strictly increasing one (a time index).
    """
    path = Path(args.data)
    if not path.is_file() or path.suffix.lower() not in (".csv", ".parquet"):
        raise DataError(
            f"--model {args.model} trains on a time series in a .csv or .parquet file "
            f"(one row per time step, oldest first), got '{args.data}'"
        )
    try:
        if path.suffix.lower() == ".csv":
            frame = pd.read_csv(path, na_values=names(args.na_values) or None)
        else:
            frame = pd.read_parquet(path)
    except (ValueError, OSError) as exc:
        raise DataError(f"cannot read '{path}' as a table: {exc}") from None
    frame = frame.drop(columns=[c for c in names(args.drop) if c in frame.columns])
    if frame.empty:
        raise DataError(f"'{path}' has no rows or no columns")
    target = args.target if args.target is not None else str(frame.columns[-1])
    if target not in frame.columns:
        raise DataError(
            f"'{path}' has no column '{target}'; its columns: {', '.join(map(str, frame.columns))}"
        )
    if not pd.api.types.is_numeric_dtype(frame[target]) or pd.api.types.is_bool_dtype(
        frame[target]
    ):
        example = frame[target].dropna().iloc[0] if frame[target].notna().any() else None
        raise DataError(
            f"the target '{target}' must be numeric to forecast, got {frame[target].dtype} "
            f"values such as {example!r}"
        )
    numeric = [
        str(c)
        for c in frame.columns
        if c != target
        and pd.api.types.is_numeric_dtype(frame[c])
        and not pd.api.types.is_bool_dtype(frame[c])
    ]
    # A strictly increasing column (a year, a step counter) is the time axis, not a
    # signal: its test values lie outside everything seen in training.
    clocks = [c for c in numeric if len(frame) > 1 and (np.diff(frame[c].to_numpy()) > 0).all()]
    numeric = [c for c in numeric if c not in clocks]
    left_out = [str(c) for c in frame.columns if c != target and str(c) not in numeric]
    columns = [target, *numeric]
    values = frame[columns].to_numpy(dtype=float)
    missing = np.argwhere(np.isnan(values))
    if len(missing):
        row, column = missing[0]
        raise DataError(
            f"'{path}' has {len(missing)} missing value(s), first in column "
            f"'{columns[column]}' at data row {row + 1}; a time series needs every step "
            "(fill or drop them first)"
        )
    return values, columns, target, [f"{c} (time index)" if c in clocks else c for c in left_out]


def split_windows(
    values: np.ndarray, window: int, test_size: float
) -> tuple[int, int, np.ndarray, np.ndarray]:
    """(training windows, test windows, X, y) of the raw series: the test is the tail."""
    if window >= len(values):
        raise DataError(
            f"--window {window} is not shorter than the series ({len(values)} time steps); "
            "a window must leave at least one following value to predict"
        )
    x, y = make_windows(values, window, target=0)
    n_test = math.ceil(len(x) * test_size)
    n_train = len(x) - n_test
    if n_test < 1 or n_train < 2:
        raise DataError(
            f"a series of {len(values)} steps gives only {len(x)} windows of {window}; too few "
            f"to hold out a test tail ({test_size:.0%}) and train on the rest; use a shorter "
            "--window or a longer series"
        )
    return n_train, n_test, x, y


def build_model(kind: str, units: list[int], seed: int) -> gn.Sequential:
    """Stacked recurrent layers (all but the last return sequences) → one output."""
    layers: list[gn.Module] = []
    for index, size in enumerate(units):
        last = index == len(units) - 1
        layers.append(RECURRENT[kind](size, return_sequences=not last, rng=seed + index))
    layers.append(gn.Dense(1, name="output"))
    return gn.Sequential(layers)


def auto_epochs(args: argparse.Namespace, samples: int) -> tuple[int, int]:
    """(epochs, patience): 'auto' is about 1,500 iterations (20 to 300 epochs).

    A recurrent step costs ``window`` dense steps, so the dense default (4,000
    iterations) would be slow; small series converge well within this.
    """
    steps = math.ceil(samples / args.batch_size)
    epochs = min(300, max(20, math.ceil(1500 / steps)))
    if args.epochs != "auto":
        try:
            epochs = int(args.epochs)
        except ValueError:
            raise ConfigError(
                f"--epochs must be a whole number or 'auto', got '{args.epochs}'"
            ) from None
        if epochs < 1:
            raise ConfigError("--epochs must be at least 1")
    patience = max(10, math.ceil(200 / steps)) if args.patience == "auto" else int(args.patience)
    return epochs, patience


def run(args: argparse.Namespace) -> int:
    """Train, test against the naive forecast, and save, as ``glassnet train`` does."""
    from glassnet.cli.train_command import check_out_folder, history_csv

    window, units = check_options(args)
    out = Path(args.out) if args.out else Path("runs") / Path(args.data).stem
    check_out_folder(out)
    values, columns, target, left_out = read_series(args)
    n_train, n_test, x_raw, y_raw = split_windows(values, window, args.test_size)
    # The training windows read rows 0 .. n_train + window - 1 (their last target
    # included); the scalers see those rows only.
    seen = values[: n_train + window]
    scaler = StandardScaler().fit(seen)
    target_scaler = StandardScaler().fit(seen[:, :1])
    x = scaler.transform(x_raw.reshape(-1, len(columns))).reshape(x_raw.shape)
    y = target_scaler.transform(y_raw)
    x = x.astype(np.float32)
    y = y.astype(np.float32)
    n_val = max(1, round(n_train * 0.1)) if n_train >= 10 else 0
    n_fit = n_train - n_val

    gn.seed(args.seed)
    model = build_model(args.model, units, args.seed)
    model.preprocessing = {
        "source": {"kind": "series", "file": Path(args.data).name, "window": window},
        "task": "regression",
        "feature_names": columns,
        "target": target,
        "window": window,
        "series_scaler": scaler.get_state(),
        "target_scaler": target_scaler.get_state(),
    }
    decay = {"weight_decay": args.weight_decay} if getattr(args, "weight_decay", 0) else {}
    model.compile(
        args.optimizer, "mse", precision=getattr(args, "precision", "float32"), lr=args.lr, **decay
    )
    epochs, patience = auto_epochs(args, n_fit)
    callbacks: list[Any] = []
    if patience > 0 and n_val:
        callbacks.append(gn.EarlyStopping("val_loss", patience=patience, restore_best_weights=True))
    if args.schedule == "cosine":
        cosine = gn.CosineAnnealingLR(model.training_config.optimizer, t_max=epochs)
        callbacks.append(gn.LearningRateScheduler(lambda epoch, lr: cosine.lr_at(epoch)))
    started = time.perf_counter()
    # Shuffling inside the training windows is fine (each window is a whole sample);
    # the validation and test windows stay after them in time.
    history = model.fit(
        x[:n_fit],
        y[:n_fit],
        epochs=epochs,
        batch_size=args.batch_size,
        validation_data=(x[n_fit:n_train], y[n_fit:n_train]) if n_val else None,
        callbacks=callbacks,
        verbose=0 if args.quiet else "auto",
        rng=args.seed,
    )
    seconds = time.perf_counter() - started

    predicted = target_scaler.inverse_transform(model.predict(x[n_train:]))
    truth = y_raw[n_train:]
    naive = x_raw[n_train:, -1, :1]  # the target's last value in each window
    results = regression_metrics(truth, predicted.reshape(truth.shape))
    naive_rmse = float(np.sqrt(np.mean((naive - truth) ** 2)))
    if not args.quiet:
        model.summary()
    extra = f" + {len(columns) - 1} other numeric column(s)" if len(columns) > 1 else ""
    print(
        f"\nforecast of '{target}' ({target}{extra} over the last {window} steps → next value): "
        f"trained on {n_fit} windows (then {n_val} for validation) for {history.epochs} epochs "
        f"in {seconds:.1f} s"
        + (" (early stop; best weights restored)" if history.stopped_early_at else "")
    )
    if left_out:
        print(f"columns left out of the inputs: {', '.join(left_out)}")
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
    model.save(out / "model.safetensors")
    write_atomic(out / "history.csv", history_csv(history).encode())
    write_atomic(out / "metrics.json", json.dumps(summary, indent=2).encode())
    print(f"\nsaved {out / 'model.safetensors'} (and history.csv, metrics.json)")
    return 0
