"""Train/validation/test splits and mini-batches.

Splits are random but reproducible: the same ``rng`` seed gives the same split.
For classification labels they are *stratified* by default: every class keeps (as
nearly as whole samples allow) the same proportion in each split, so a rare class
is not left out of the test set by bad luck.

Example:
    >>> import numpy as np
    >>> x, y = np.arange(20).reshape(10, 2), np.array([0, 1] * 5)
    >>> x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, rng=0)
    >>> x_train.shape, x_test.shape, sorted(y_test.tolist())
    ((8, 2), (2, 2), [0, 1])
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from glassnet.backend import get_rng
from glassnet.data.task import infer_task
from glassnet.errors import ConfigError, DataError, ShapeError


def _check_xy(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray | None]:
    x = np.asarray(x)
    if x.ndim == 0:
        raise ShapeError(f"x must have one row per sample, got a scalar of shape {x.shape}")
    if y is None:
        return x, None
    y = np.asarray(y)
    if y.ndim == 0 or y.shape[0] != x.shape[0]:
        raise ShapeError(
            f"x and y must have the same number of samples, got x with {x.shape[0]} "
            f"(shape {x.shape}) and y with shape {y.shape}"
        )
    return x, y


def _count(size: float | int, n: int, name: str) -> int:
    """How many of ``n`` samples ``size`` asks for: a fraction in (0, 1) or a whole count."""
    if isinstance(size, bool) or not isinstance(size, (int, float, np.integer, np.floating)):
        raise ConfigError(f"{name} must be a fraction in (0, 1) or a count, got {size!r}")
    if isinstance(size, (float, np.floating)):
        if not 0.0 < size < 1.0:
            raise ConfigError(f"{name} as a fraction must be in (0, 1), got {size}")
        # Round the held-out part up, as scikit-learn does: a tiny test set beats none.
        return math.ceil(size * n)
    if size < 1:
        raise ConfigError(f"{name} as a count must be >= 1, got {size}")
    return int(size)


def _strata(y: np.ndarray | None, stratify: bool | None) -> np.ndarray | None:
    """The class label of each sample to stratify on, or None for a plain random split."""
    if stratify is False or y is None:
        if stratify and y is None:
            raise ConfigError("stratify=True needs labels y")
        return None
    key = y[:, 0] if y.ndim == 2 and y.shape[1] == 1 else y
    if key.ndim == 2 and infer_task(key) == "classification":
        key = key.argmax(axis=1)  # one-hot rows → class ids
    if key.ndim != 1 or infer_task(key) != "classification":
        if stratify:
            raise DataError(
                f"stratify=True needs class labels, but y (shape {y.shape}, dtype {y.dtype}) "
                "looks like a regression target; pass stratify=False"
            )
        return None
    return key


def _allocate(class_sizes: np.ndarray, n_test: int) -> np.ndarray:
    """Test samples per class, proportional to class size, summing exactly to ``n_test``.

    Largest-remainder rounding; the leftover samples go first to classes that keep
    at least one training sample, so training sees every class when it can.
    """
    quota = class_sizes * (n_test / class_sizes.sum())
    counts = np.floor(quota).astype(np.int64)
    leftover = n_test - int(counts.sum())
    remainder = quota - counts
    keeps_train = counts + 1 < class_sizes
    # Sort by (keeps a training sample, remainder) descending; stable on class order.
    order = np.lexsort((-remainder, ~keeps_train))
    for index in order:
        if leftover == 0:
            break
        if counts[index] < class_sizes[index]:
            counts[index] += 1
            leftover -= 1
    return counts


def _split_indices(
    n: int, n_test: int, strata: np.ndarray | None, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    if strata is None:
        order = rng.permutation(n)
        return order[n_test:], order[:n_test]
    try:
        classes, inverse = np.unique(strata, return_inverse=True)
    except TypeError:  # labels that cannot be ordered: None among strings, mixed types
        kinds = sorted({type(v).__name__ for v in strata.tolist()})
        raise DataError(
            f"cannot stratify on labels that mix types ({', '.join(kinds)}); convert them to "
            "one type (e.g. all strings), fill in missing labels, or pass stratify=False"
        ) from None
    sizes = np.bincount(inverse, minlength=len(classes))
    test_counts = _allocate(sizes, n_test)
    train_parts, test_parts = [], []
    for class_id, n_class_test in enumerate(test_counts):
        members = rng.permutation(np.flatnonzero(inverse == class_id))
        test_parts.append(members[:n_class_test])
        train_parts.append(members[n_class_test:])
    # Shuffle again so the splits are not ordered class by class.
    train = rng.permutation(np.concatenate(train_parts))
    test = rng.permutation(np.concatenate(test_parts))
    return train, test


def _take(array: np.ndarray | None, index: np.ndarray) -> np.ndarray | None:
    return None if array is None else array[index]


def train_test_split(
    x: Any,
    y: Any = None,
    test_size: float | int = 0.2,
    stratify: bool | None = None,
    rng: np.random.Generator | int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Split samples into a training and a test part.

    Args:
        x: the features, one row per sample.
        y: the targets (or None).
        test_size: the test fraction in (0, 1), rounded up to whole samples, or a count.
        stratify: ``None`` (default) stratifies when ``y`` holds class labels (see
            :func:`~glassnet.data.task.infer_task`); ``True`` insists (an error for a
            regression target); ``False`` never stratifies.
        rng: an int seed or a ``numpy.random.Generator``; None uses glassnet's global
            generator (``glassnet.seed``).

    Returns:
        ``(x_train, x_test, y_train, y_test)``; the y parts are None when y is.

    Raises:
        DataError: either part would be empty.
        ShapeError: x and y have different numbers of samples.

    Example:
        >>> import numpy as np
        >>> parts = train_test_split(np.zeros((5, 1)), test_size=2, rng=1)
        >>> [None if p is None else len(p) for p in parts]
        [3, 2, None, None]
    """
    x, y = _check_xy(x, y)
    train, test = split_indices(x.shape[0], y, test_size, stratify, rng)
    return x[train], x[test], _take(y, train), _take(y, test)


def split_indices(
    n: int,
    y: Any = None,
    test_size: float | int = 0.2,
    stratify: bool | None = None,
    rng: np.random.Generator | int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The row numbers of :func:`train_test_split`'s two parts, for ``n`` samples.

    The same arguments give the same split as :func:`train_test_split`, which uses
    it; a trained pipeline records these row numbers as its split.

    Example:
        >>> train, test = split_indices(5, test_size=2, rng=1)
        >>> sorted([*train, *test]) == list(range(5)), len(test)
        (True, 2)
    """
    n_test = _count(test_size, n, "test_size")
    if n_test >= n:
        raise DataError(
            f"train_test_split: test_size={test_size} takes {n_test} of {n} samples, "
            "leaving the training split empty; use a smaller test_size or more data"
        )
    strata = _strata(None if y is None else np.asarray(y), stratify)
    return _split_indices(n, n_test, strata, get_rng(rng))


def train_val_test_split(
    x: Any,
    y: Any = None,
    val_size: float | int = 0.1,
    test_size: float | int = 0.2,
    stratify: bool | None = None,
    rng: np.random.Generator | int | None = None,
) -> tuple[np.ndarray, ...]:
    """Split samples into training, validation and test parts.

    ``val_size`` and ``test_size`` are fractions of the *whole* data (or counts).
    The test part is drawn first, then the validation part from the rest.

    Returns:
        ``(x_train, x_val, x_test, y_train, y_val, y_test)``; y parts None when y is.

    Raises:
        DataError: any part would be empty.

    Example:
        >>> import numpy as np
        >>> parts = train_val_test_split(np.zeros((10, 1)), val_size=0.2, test_size=0.3, rng=0)
        >>> [len(p) for p in parts[:3]]
        [5, 2, 3]
    """
    x, y = _check_xy(x, y)
    n = x.shape[0]
    n_test = _count(test_size, n, "test_size")
    n_val = _count(val_size, n, "val_size")
    if n_test + n_val >= n:
        raise DataError(
            f"train_val_test_split: val_size={val_size} ({n_val} samples) and "
            f"test_size={test_size} ({n_test} samples) leave nothing of {n} samples "
            "for training; use smaller sizes or more data"
        )
    generator = get_rng(rng)
    strata = _strata(y, stratify)
    rest, test = _split_indices(n, n_test, strata, generator)
    rest_strata = None if strata is None else strata[rest]
    train_in_rest, val_in_rest = _split_indices(len(rest), n_val, rest_strata, generator)
    train, val = rest[train_in_rest], rest[val_in_rest]
    return (
        x[train],
        x[val],
        x[test],
        _take(y, train),
        _take(y, val),
        _take(y, test),
    )


def batches(
    x: Any,
    y: Any = None,
    batch_size: int = 32,
    shuffle: bool = True,
    rng: np.random.Generator | int | None = None,
) -> Iterator[tuple[np.ndarray, np.ndarray | None]]:
    """Mini-batches ``(x_batch, y_batch)`` covering every sample once (one epoch).

    The last batch holds the remainder and may be smaller. Arguments are checked
    when ``batches`` is called, not at the first ``next()``.

    Args:
        x: the features, one row per sample.
        y: the targets, or None (then every ``y_batch`` is None).
        batch_size: samples per batch (>= 1).
        shuffle: visit the samples in a random order (drawn from ``rng``).
        rng: an int seed or a ``numpy.random.Generator``; None uses the global one.

    Example:
        >>> import numpy as np
        >>> [len(xb) for xb, _ in batches(np.zeros((5, 2)), batch_size=2, shuffle=False)]
        [2, 2, 1]
    """
    x, y = _check_xy(x, y)
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise ConfigError(f"batch_size must be a positive integer, got {batch_size!r}")
    if batch_size < 1:
        raise ConfigError(f"batch_size must be >= 1, got {batch_size}")
    order = get_rng(rng).permutation(x.shape[0]) if shuffle else None
    return _iterate(x, y, int(batch_size), order)


def _iterate(
    x: np.ndarray, y: np.ndarray | None, batch_size: int, order: np.ndarray | None
) -> Iterator[tuple[np.ndarray, np.ndarray | None]]:
    for start in range(0, x.shape[0], batch_size):
        if order is None:
            # Without shuffling, slices are views: no copy of the data.
            index: Any = slice(start, start + batch_size)
        else:
            index = order[start : start + batch_size]
        yield x[index], _take(y, index)
