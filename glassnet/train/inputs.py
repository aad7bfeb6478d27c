"""Checks on the arrays a user hands to ``fit``, ``evaluate`` and ``predict``.

Each problem becomes a ``DataError`` that says which argument, what was wrong and
what was expected, before any training time is spent.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import backend
from glassnet.autograd.tensor import Tensor
from glassnet.errors import DataError, ShapeError


def _as_numpy(value: Any, name: str) -> np.ndarray:
    if isinstance(value, Tensor):
        return value.numpy()
    if isinstance(value, np.ma.MaskedArray):
        raise DataError(
            f"{name} is a masked array; its mask would be ignored. Fill or drop the masked "
            "values first (x.filled(...) or x.compressed())"
        )
    try:
        return np.asarray(value)
    except (ValueError, TypeError) as exc:
        raise DataError(f"{name} cannot be read as an array: {exc}") from None


def check_features(x: Any, name: str = "x") -> np.ndarray:
    """``x`` as a float array (samples first) in the default dtype, finite and non-empty."""
    array = _as_numpy(x, name)
    if array.dtype.kind not in "fiub":
        raise DataError(
            f"{name} must hold numbers, got dtype {array.dtype}; encode text columns first "
            "(glassnet's CSV loader one-hot encodes them)"
        )
    if array.ndim == 0 or len(array) == 0:
        raise DataError(f"{name} is empty (shape {array.shape}); there is nothing to learn from")
    if array.ndim == 1:
        raise ShapeError(
            f"{name} must have a samples axis and a features axis, got a 1-d array of shape "
            f"{array.shape}; for one feature use x.reshape(-1, 1)"
        )
    if array.size == 0:
        raise ShapeError(f"{name} has no features (shape {array.shape})")
    return _as_default_float(array, name)


def check_targets(y: Any, samples: int, name: str = "y") -> np.ndarray:
    """``y`` as an array with ``samples`` rows: integer labels stay integers, values become floats."""
    array = _as_numpy(y, name)
    if array.ndim == 0:
        raise ShapeError(f"{name} must have one entry per sample, got a scalar")
    if len(array) != samples:
        raise ShapeError(f"x has {samples} samples but {name} has {len(array)}; they must match")
    if array.dtype.kind in "iub":
        return array.astype(np.int64) if array.dtype.kind == "b" else array
    if array.dtype.kind != "f":
        raise DataError(
            f"{name} must hold numbers, got dtype {array.dtype}; encode class names as integers "
            "first (glassnet.data.ClassEncoder)"
        )
    return _as_default_float(array, name)


def _as_default_float(array: np.ndarray, name: str) -> np.ndarray:
    """``array`` in the default float dtype, refusing NaN, infinity and values it cannot hold."""
    _check_finite(array, name)
    dtype = backend.get_default_dtype()
    with np.errstate(over="ignore"):  # values beyond float32's range: reported below
        converted = array.astype(dtype, copy=False)
    if converted.dtype.kind == "f" and not np.isfinite(converted).all():
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(converted))[0])
        raise DataError(
            f"{name} holds a value too large for {dtype.name} at index {bad} "
            f"({array[bad]:.3g}); scale the data first"
        )
    return converted


def _check_finite(array: np.ndarray, name: str) -> None:
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        bad = np.argwhere(~np.isfinite(array))[0]
        kind = "a NaN" if np.isnan(array[tuple(bad)]) else "an infinite"
        raise DataError(
            f"{name} holds {kind} value at index {tuple(int(i) for i in bad)}; remove or "
            "impute missing values before training"
        )
