"""The time-series recipe and reader: windows of a CSV's rows forecast the target's next value.

A CSV (or Parquet) file whose rows are time steps, oldest first, becomes sliding
windows (:func:`glassnet.data.sequences.make_windows`): the last ``window`` rows
of the target *and of every other numeric column* are the inputs, the target's
next value is the output. Non-numeric columns (dates, labels) and a strictly
increasing column (a time index) are left out and named.

The split is chronological, as forecasting needs: the test windows are the tail,
the validation windows the tail of what remains, and nothing is shuffled across
either boundary. The scalers (z-scores, one per column) are fitted on the rows the
training windows read, never on a later row. A saved series pipeline reads any
file with the same columns (in any order: they are matched by name) and forecasts
every row that has ``window`` rows before it, and the step after the last row.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from glassnet.backend import seed as seed_everything
from glassnet.data import read_frame
from glassnet.data.preprocessing import StandardScaler, scaler_from_state
from glassnet.data.sequences import make_windows
from glassnet.errors import ConfigError, DataError
from glassnet.pipeline.fingerprint import file_fingerprint
from glassnet.pipeline.fitting import compile_network, fit_network
from glassnet.pipeline.networks import build_recurrent
from glassnet.pipeline.options import DataOptions, TrainSettings
from glassnet.pipeline.record import SplitRecord
from glassnet.train.callbacks import EarlyStopping


@dataclass
class Series:
    """A series file's numeric values (time, columns), target first, and what was left out."""

    values: np.ndarray
    columns: list[str]  # the target, then the other numeric inputs
    target: str
    left_out: list[str]
    fingerprint: str


def read_series(spec: str, options: DataOptions, model: str = "lstm") -> Series:
    """The series in ``spec``: its target (``options.target``, else the last column) and inputs."""
    path = Path(spec)
    if not path.is_file() or path.suffix.lower() not in (".csv", ".parquet"):
        raise DataError(
            f"--model {model} trains on a time series in a .csv or .parquet file "
            f"(one row per time step, oldest first), got '{spec}'"
        )
    frame = read_frame(path, na_values=options.na_values)
    frame = frame.drop(columns=[c for c in options.drop if c in frame.columns])
    if frame.empty:
        raise DataError(f"'{path}' has no rows or no columns")
    target = options.target if options.target is not None else str(frame.columns[-1])
    if target not in frame.columns:
        raise DataError(
            f"'{path}' has no column '{target}'; its columns: {', '.join(map(str, frame.columns))}"
        )
    if not _is_number_column(frame[target]):
        example = frame[target].dropna().iloc[0] if frame[target].notna().any() else None
        raise DataError(
            f"the target '{target}' must be numeric to forecast, got {frame[target].dtype} "
            f"values such as {example!r}"
        )
    numeric = [str(c) for c in frame.columns if c != target and _is_number_column(frame[c])]
    # A strictly increasing column (a year, a step counter) is the time axis, not a
    # signal: its test values lie outside everything seen in training.
    clocks = [c for c in numeric if len(frame) > 1 and (np.diff(frame[c].to_numpy()) > 0).all()]
    numeric = [c for c in numeric if c not in clocks]
    left_out = [str(c) for c in frame.columns if c != target and str(c) not in numeric]
    columns = [target, *numeric]
    values = _values(frame, columns, path)
    named = [f"{c} (time index)" if c in clocks else c for c in left_out]
    return Series(values, columns, target, named, file_fingerprint(path))


def _is_number_column(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _values(frame: pd.DataFrame, columns: list[str], path: Any) -> np.ndarray:
    values = frame[columns].to_numpy(dtype=float)
    missing = np.argwhere(np.isnan(values))
    if len(missing):
        row, column = missing[0]
        raise DataError(
            f"'{path}' has {len(missing)} missing value(s), first in column "
            f"'{columns[column]}' at data row {row + 1}; a time series needs every step "
            "(fill or drop them first)"
        )
    return values


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


@dataclass
class PreparedSeries:
    """One forecasting run's windows, scaled, and the record of their split."""

    series: Series
    x: np.ndarray  # scaled windows (samples, window, columns)
    y: np.ndarray  # scaled next values
    x_raw: np.ndarray
    y_raw: np.ndarray
    n_fit: int
    n_train: int  # n_fit + validation windows
    preprocessing: dict[str, Any]
    record: SplitRecord


def prepare_series(spec: str, options: DataOptions, settings: TrainSettings) -> PreparedSeries:
    """Read, window, split (chronologically) and scale a series for training."""
    window = settings.window
    series = read_series(spec, options, settings.model)
    n_train, _, x_raw, y_raw = split_windows(series.values, window, settings.test_size)
    # The training windows read rows 0 .. n_train + window - 1 (their last target
    # included); the scalers see those rows only.
    seen = series.values[: n_train + window]
    scaler = StandardScaler().fit(seen)
    target_scaler = StandardScaler().fit(seen[:, :1])
    columns = len(series.columns)
    x = scaler.transform(x_raw.reshape(-1, columns)).reshape(x_raw.shape).astype(np.float32)
    y = target_scaler.transform(y_raw).astype(np.float32)
    n_val = max(1, round(n_train * 0.1)) if n_train >= 10 else 0
    n_fit = n_train - n_val
    preprocessing = {
        "source": {"kind": "series", "file": Path(spec).name, "window": window},
        "task": "regression",
        "feature_names": series.columns,
        "target": series.target,
        "window": window,
        "series_scaler": scaler.get_state(),
        "target_scaler": target_scaler.get_state(),
        "pipeline": {"data_options": options.to_dict()},
    }
    windows = np.arange(len(x), dtype=np.int64)
    parts = {
        "train": windows[:n_fit],
        "validation": windows[n_fit:n_train],
        "test": windows[n_train:],
    }
    record = SplitRecord(series.fingerprint, Path(spec).name, len(x), parts)
    return PreparedSeries(series, x, y, x_raw, y_raw, n_fit, n_train, preprocessing, record)


def train_series(
    prepared: PreparedSeries, settings: TrainSettings, callbacks: list[Any] = (), **fit_options: Any
) -> tuple[Any, Any, float]:
    """Build, compile and fit the recurrent network; (network, history, seconds)."""
    seed_everything(settings.seed)
    network = build_recurrent(settings.model, list(settings.units), settings.seed)
    network.preprocessing = prepared.preprocessing
    # No R² per epoch: a forecast is judged by its RMSE against the naive forecast.
    compile_network(network, "regression", settings, metrics=[])
    epochs, patience = series_length(settings, prepared.n_fit)
    watched: list[Any] = list(callbacks)
    has_validation = prepared.n_train > prepared.n_fit
    if patience > 0 and has_validation:
        watched.insert(0, EarlyStopping("val_loss", patience=patience, restore_best_weights=True))
    started = time.perf_counter()
    x, y, n_fit, n_train = prepared.x, prepared.y, prepared.n_fit, prepared.n_train
    # Shuffling inside the training windows is fine (each window is a whole sample);
    # the validation and test windows stay after them in time.
    history = fit_network(
        network,
        x[:n_fit],
        y[:n_fit],
        settings,
        epochs,
        watched,
        validation_data=(x[n_fit:n_train], y[n_fit:n_train]) if has_validation else None,
        **fit_options,
    )
    return network, history, time.perf_counter() - started


def series_length(settings: TrainSettings, samples: int) -> tuple[int, int]:
    """(epochs, patience): 'auto' is about 1,500 iterations (20 to 300 epochs).

    A recurrent step costs ``window`` dense steps, so the dense default (4,000
    iterations) would be slow; small series converge well within this.
    """
    steps = math.ceil(samples / settings.batch_size)
    epochs = min(300, max(20, math.ceil(1500 / steps)))
    if settings.epochs != "auto":
        try:
            epochs = int(settings.epochs)
        except (TypeError, ValueError):
            raise ConfigError(
                f"--epochs must be a whole number or 'auto', got '{settings.epochs}'"
            ) from None
        if epochs < 1:
            raise ConfigError("--epochs must be at least 1")
    if settings.patience == "auto":
        return epochs, max(10, math.ceil(200 / steps))
    try:
        return epochs, int(settings.patience)
    except (TypeError, ValueError):
        raise ConfigError(
            f"--patience must be a whole number or 'auto', got '{settings.patience}'"
        ) from None


@dataclass
class SeriesWindows:
    """New series data as a saved forecaster reads it."""

    x: np.ndarray  # scaled windows, one per forecast: rows k .. k+window-1 forecast row k+window
    y: np.ndarray  # the true next values (one fewer than x: the last forecast is beyond the data)
    naive: np.ndarray  # the target's last value in each window
    fingerprint: str


def series_windows(preprocessing: dict[str, Any], data: Any, where: str) -> SeriesWindows:
    """Every window of ``data`` (a path or a DataFrame) a saved forecaster reads, scaled."""
    columns = list(preprocessing["feature_names"])
    window = int(preprocessing["window"])
    options = (preprocessing.get("pipeline") or {}).get("data_options") or {}
    if isinstance(data, pd.DataFrame):
        frame, fingerprint = data, ""
    else:
        frame = read_frame(data, na_values=options.get("na_values", ()))
        fingerprint = file_fingerprint(data)
    spec = where
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"'{spec}' has no column(s) {', '.join(missing)}, which the forecaster reads "
            f"(its columns: {', '.join(columns)})"
        )
    values = _values(frame, columns, spec)
    if len(values) < window:
        raise DataError(
            f"'{spec}' has {len(values)} rows; the model forecasts from windows of {window}"
        )
    starts = np.arange(len(values) - window + 1)
    raw = np.stack([values[k : k + window] for k in starts])
    scaler = scaler_from_state(preprocessing["series_scaler"])
    x = scaler.transform(raw.reshape(-1, len(columns))).reshape(raw.shape).astype(np.float32)
    return SeriesWindows(x, values[window:, 0], raw[:, -1, 0], fingerprint)
