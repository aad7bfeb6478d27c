"""Sequence helpers: ``pad_sequences`` (as Keras's) and ``make_windows`` for time series.

Example:
    >>> pad_sequences([[1, 2, 3], [4]], maxlen=2).tolist()
    [[2, 3], [0, 4]]
    >>> X, y = make_windows([1.0, 2.0, 3.0, 4.0, 5.0], window=3)
    >>> X[:, :, 0].tolist(), y.tolist()
    ([[1.0, 2.0, 3.0], [2.0, 3.0, 4.0]], [[4.0], [5.0]])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet.errors import ConfigError, DataError


def pad_sequences(
    sequences: Sequence[Sequence[Any]],
    maxlen: int | None = None,
    dtype: Any = "int32",
    padding: str = "pre",
    truncating: str = "pre",
    value: float = 0,
) -> np.ndarray:
    """Sequences of different lengths as one (n, maxlen) array, as Keras's ``pad_sequences``.

    Args:
        sequences: a list of sequences (of ids or numbers; items may be vectors, giving
            (n, maxlen, features)).
        maxlen: the length of every row; default the longest sequence.
        dtype: of the result (``"int32"`` as Keras; use ``"float32"`` for values).
        padding: ``"pre"`` (pad at the start, Keras's default) or ``"post"``.
        truncating: ``"pre"`` (drop from the start) or ``"post"`` for longer sequences.
        value: the padding value.

    Returns:
        The padded array.
    """
    for what, choice in (("padding", padding), ("truncating", truncating)):
        if choice not in ("pre", "post"):
            raise ConfigError(f"pad_sequences {what} must be 'pre' or 'post', got {choice!r}")
    if maxlen is not None and (not isinstance(maxlen, (int, np.integer)) or maxlen <= 0):
        raise ConfigError(f"pad_sequences maxlen must be a positive integer, got {maxlen!r}")
    rows = [np.asarray(s) for s in sequences]
    lengths = [len(r) for r in rows]
    if maxlen is None:
        maxlen = max(lengths, default=0)
    inner: tuple[int, ...] = ()
    for index, row in enumerate(rows):
        if len(row):
            if not inner:
                inner = row.shape[1:]
            elif row.shape[1:] != inner:
                raise DataError(
                    f"pad_sequences: sequence {index} has items of shape {row.shape[1:]}, "
                    f"the earlier ones {inner}"
                )
    out = np.full((len(rows), maxlen, *inner), value, dtype=dtype)
    for index, row in enumerate(rows):
        if not len(row):
            continue
        row = row[-maxlen:] if truncating == "pre" else row[:maxlen]
        if padding == "post":
            out[index, : len(row)] = row
        else:
            out[index, maxlen - len(row) :] = row
    return out


def make_windows(
    series: Any, window: int, horizon: int = 1, target: int | Sequence[int] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Sliding windows of a time series: inputs of ``window`` steps, targets ``horizon`` ahead.

    Sample k has ``X[k] = series[k : k + window]`` and
    ``y[k] = series[k + window : k + window + horizon]`` (the next ``horizon`` values).

    Args:
        series: (time,) or (time, features), oldest first.
        window: input length, a positive integer.
        horizon: how many following steps to predict (1 = the next value).
        target: the feature column(s) to predict; default all.

    Returns:
        X (samples, window, features) and y (samples, horizon · targets) as float arrays
        (for one target and horizon 1, y is (samples, 1)).
    """
    data = np.asarray(series, dtype=float)
    if data.ndim == 1:
        data = data[:, None]
    if data.ndim != 2:
        raise DataError(
            f"make_windows expects a series (time,) or (time, features), got {data.shape}"
        )
    for what, value in (("window", window), ("horizon", horizon)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
            raise ConfigError(f"make_windows {what} must be a positive integer, got {value!r}")
    samples = len(data) - window - horizon + 1
    if samples <= 0:
        raise DataError(
            f"make_windows: a series of {len(data)} steps is too short for window {window} "
            f"+ horizon {horizon} (needs at least {window + horizon})"
        )
    columns = list(range(data.shape[1])) if target is None else np.atleast_1d(target).tolist()
    for column in columns:
        if not -data.shape[1] <= column < data.shape[1]:
            raise DataError(
                f"make_windows: target column {column} does not exist ({data.shape[1]} features)"
            )
    views = np.lib.stride_tricks.sliding_window_view(data, window + horizon, axis=0)
    views = views.transpose(0, 2, 1)  # (samples, window + horizon, features)
    X = np.ascontiguousarray(views[:, :window])
    y = views[:, window:, columns].reshape(samples, -1).copy()
    return X, y
