"""Regression metrics: mean squared error, mean absolute error, their root, and R².

Each takes targets and predictions of shape (n,) or (n, outputs), works in plain
NumPy and returns scikit-learn's number; with several outputs the score of each
output is computed on its own and the scores are averaged with equal weight
(scikit-learn's ``multioutput="uniform_average"``).

Example:
    >>> mse([1.0, 2.0, 3.0], [1.0, 2.0, 5.0])
    1.3333333333333333
    >>> r2([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    1.0
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.errors import DataError
from glassnet.train.metrics_classification import _to_numpy

__all__ = ["mae", "mse", "r2", "rmse"]


def _as_value_matrix(values: Any, name: str) -> np.ndarray:
    """``values`` as a finite float64 array of shape (n, outputs), or a DataError."""
    array = _to_numpy(values)
    if array.ndim == 1:
        # One output: a column, so one code path serves single and multi-output targets.
        array = array.reshape(-1, 1)
    if array.ndim != 2:
        raise DataError(f"{name} must have shape (n,) or (n, outputs), got shape {array.shape}")
    if array.shape[0] == 0:
        raise DataError(f"{name} is empty; expected at least one sample")
    try:
        array = array.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{name} must hold numbers, got dtype {array.dtype}") from exc
    finite = np.isfinite(array)
    if not np.all(finite):
        row, column = np.argwhere(~finite)[0]
        raise DataError(
            f"{name} must be finite, got {array[row, column]} at row {row}, output {column}"
        )
    return array


def _check_values(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    true = _as_value_matrix(y_true, "y_true")
    pred = _as_value_matrix(y_pred, "y_pred")
    if true.shape[0] != pred.shape[0]:
        raise DataError(
            f"y_true and y_pred must have the same length, got {true.shape[0]} and {pred.shape[0]}"
        )
    if true.shape[1] != pred.shape[1]:
        raise DataError(
            f"y_true and y_pred must have the same number of outputs, "
            f"got {true.shape[1]} and {pred.shape[1]}"
        )
    return true, pred


def mse(y_true: Any, y_pred: Any) -> float:
    """Mean squared error: the mean of (y_true - y_pred)², averaged over outputs.

    Raises:
        DataError: empty inputs, unequal lengths or output counts, non-finite values.

    Example:
        >>> mse([[0.0, 1.0], [2.0, 3.0]], [[0.0, 2.0], [2.0, 5.0]])
        1.25
    """
    true, pred = _check_values(y_true, y_pred)
    per_output = np.mean((true - pred) ** 2, axis=0)
    return float(np.mean(per_output))


def mae(y_true: Any, y_pred: Any) -> float:
    """Mean absolute error: the mean of |y_true - y_pred|, averaged over outputs.

    Raises:
        DataError: as :func:`mse`.

    Example:
        >>> mae([1.0, 2.0, 3.0], [2.0, 2.0, 1.0])
        1.0
    """
    true, pred = _check_values(y_true, y_pred)
    per_output = np.mean(np.abs(true - pred), axis=0)
    return float(np.mean(per_output))


def rmse(y_true: Any, y_pred: Any) -> float:
    """Root mean squared error, in the units of the target.

    With several outputs the root is taken per output before averaging, as
    scikit-learn's ``root_mean_squared_error`` does (so it is not ``sqrt(mse)``).

    Raises:
        DataError: as :func:`mse`.

    Example:
        >>> rmse([[0.0, 0.0], [0.0, 0.0]], [[3.0, 1.0], [3.0, 1.0]])
        2.0
    """
    true, pred = _check_values(y_true, y_pred)
    per_output = np.sqrt(np.mean((true - pred) ** 2, axis=0))
    return float(np.mean(per_output))


def r2(y_true: Any, y_pred: Any) -> float:
    """Coefficient of determination: 1 - (squared error) / (squared spread of y_true).

    1 is a perfect fit, 0 is no better than always predicting the mean of ``y_true``,
    and it is negative for worse. For an output whose ``y_true`` is constant the ratio
    is undefined; like scikit-learn that output scores 1 when predicted exactly and 0
    otherwise.

    Raises:
        DataError: as :func:`mse`, and fewer than two samples (R² is undefined).

    Example:
        >>> r2([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 5.0])
        0.8
    """
    true, pred = _check_values(y_true, y_pred)
    if true.shape[0] < 2:
        raise DataError(f"r2 needs at least 2 samples, got {true.shape[0]}")
    residual = np.sum((true - pred) ** 2, axis=0)
    spread = np.sum((true - true.mean(axis=0)) ** 2, axis=0)
    # Start from "perfect" and overwrite: exact fits of a constant target keep 1.
    per_output = np.ones(true.shape[1])
    defined = spread != 0
    per_output[defined] = 1.0 - residual[defined] / spread[defined]
    per_output[~defined & (residual != 0)] = 0.0
    return float(np.mean(per_output))
