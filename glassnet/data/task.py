"""Guess whether a target asks for classification or regression.

The rule is deliberately simple and written down, so a user can predict it and
override it (every loader takes ``task=``):

* booleans, strings, categories and other non-numeric values → ``"classification"``;
* integers → ``"classification"`` when there are at most ``max_classes`` (20)
  distinct values, or when the values are exactly ``0, 1, …, k-1`` with on average
  at least two samples per class (class ids as a dataset ships them); otherwise
  ``"regression"`` (counts, prices in whole units, years);
* floating-point numbers → ``"regression"``, even when they happen to be whole
  (``0.0``/``1.0``): a float target says "a quantity". Pass
  ``task="classification"`` for float-coded labels;
* a 2-D one-hot matrix → ``"classification"``; any other 2-D target (several
  outputs) → ``"regression"``.

Example:
    >>> infer_task([0, 1, 1, 0])
    'classification'
    >>> infer_task([0.5, 1.25, 3.0])
    'regression'
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from glassnet.errors import ConfigError, DataError

TASKS = ("classification", "regression")


def check_task(task: str | None) -> str | None:
    """``task`` itself when it is None or a known task name; a ``ConfigError`` otherwise."""
    if task is None or task in TASKS:
        return task
    raise ConfigError(f"task must be None, 'classification' or 'regression', got {task!r}")


def _is_one_hot(y: np.ndarray) -> bool:
    if y.dtype.kind not in "biuf" or y.size == 0:
        return False
    values_ok = np.isin(y, (0, 1)).all()
    return bool(values_ok and (y.sum(axis=1) == 1).all())


def infer_task(y: Any, max_classes: int = 20) -> str:
    """``"classification"`` or ``"regression"`` for the target values ``y`` (rule above).

    Args:
        y: the target: a list, a NumPy array or a pandas Series.
        max_classes: integer targets with at most this many distinct values are
            class labels.

    Returns:
        ``"classification"`` or ``"regression"``.

    Raises:
        DataError: ``y`` is empty.

    Example:
        >>> infer_task(["cat", "dog", "cat"])
        'classification'
    """
    if isinstance(y, pd.Series):
        if isinstance(y.dtype, pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(y):
            return "classification"
        y = y.to_numpy()
    array = np.asarray(y)
    if array.size == 0:
        raise DataError("cannot infer the task of an empty target: y has no values")
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim == 2:
        return "classification" if _is_one_hot(array) else "regression"
    kind = array.dtype.kind
    if kind in "b" or kind not in "iuf":
        # bools, strings (U/S), Python objects: names of classes, not quantities.
        return "classification"
    if kind == "f":
        return "regression"
    distinct = np.unique(array)
    if distinct.size <= max_classes:
        return "classification"
    is_class_ids = distinct[0] == 0 and distinct[-1] == distinct.size - 1
    if is_class_ids and array.size >= 2 * distinct.size:
        return "classification"
    return "regression"
