"""Classification metrics: TP/FP/FN/TN, the confusion matrix, accuracy, precision, recall, F1.

Every function takes NumPy arrays, lists or glassnet Tensors, works in plain NumPy and
returns the same number as scikit-learn's function of the same name with
``zero_division=0``: a ratio whose denominator is zero (no predicted positives, say)
counts as 0 instead of raising or warning.

Example:
    >>> y_true = [1, 0, 1, 1, 0]
    >>> y_pred = [1, 0, 0, 1, 1]
    >>> binary_counts(y_true, y_pred)
    Counts(tp=2, fp=1, fn=1, tn=1)
    >>> accuracy(y_true, y_pred)
    0.6
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet.autograd.tensor import Tensor
from glassnet.errors import DataError

AVERAGES = ("auto", "binary", "macro", "micro", "weighted")


@dataclass(frozen=True)
class Counts:
    """The four outcomes of a yes/no prediction, counted over a data set.

    Attributes:
        tp: true positives, predicted positive and really positive.
        fp: false positives, predicted positive but really negative (a false alarm).
        fn: false negatives, predicted negative but really positive (a miss).
        tn: true negatives, predicted negative and really negative.

    Example:
        >>> Counts(tp=3, fp=1, fn=2, tn=4).total
        10
    """

    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def total(self) -> int:
        """The number of samples counted."""
        return self.tp + self.fp + self.fn + self.tn


# -- input checks ---------------------------------------------------------------------


def _to_numpy(values: Any) -> np.ndarray:
    # A Tensor hands over its host array; everything else (lists, Series) goes through NumPy.
    if isinstance(values, Tensor):
        return values.numpy()
    return np.asarray(values)


def _is_text(array: np.ndarray) -> bool:
    return array.dtype.kind in "US"


def _as_label_vector(values: Any, name: str) -> np.ndarray:
    """``values`` as a non-empty 1-D array of class labels, or a DataError saying why not."""
    array = _to_numpy(values)
    # A model's output often comes as a column (n, 1); it holds one label per row all the same.
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise DataError(
            f"{name} must be a 1-D array of class labels, got shape {array.shape}; "
            "for one-hot rows or class probabilities take argmax(axis=1) first"
        )
    if array.size == 0:
        raise DataError(f"{name} is empty; expected at least one sample")
    if array.dtype.kind == "f":
        # Scores such as 0.73 passed where labels belong would silently count as a class of
        # their own; say so instead. NaN and infinity are no labels either.
        fractional = ~np.isfinite(array)
        fractional[~fractional] = np.mod(array[~fractional], 1.0) != 0
        if np.any(fractional):
            example = array[np.argmax(fractional)]
            raise DataError(
                f"{name} must hold class labels, got non-integer value {example}; "
                "threshold scores (scores >= 0.5) or take argmax first"
            )
    return array


def _check_labels(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    """Validated label vectors of equal length and of the same type (numbers or text)."""
    true = _as_label_vector(y_true, "y_true")
    pred = _as_label_vector(y_pred, "y_pred")
    if len(true) != len(pred):
        raise DataError(
            f"y_true and y_pred must have the same length, got {len(true)} and {len(pred)}"
        )
    if _is_text(true) != _is_text(pred):
        raise DataError(
            f"y_true and y_pred mix label types, got {true.dtype} and {pred.dtype}; "
            "expected both numbers or both strings"
        )
    return true, pred


def _check_label_type(candidate: np.ndarray, data: np.ndarray, name: str) -> None:
    # NumPy compares 1 with "1" as simply unequal, which would give silent zeros.
    if _is_text(candidate) != _is_text(data):
        raise DataError(
            f"{name} must be of the same type as the labels ({data.dtype}), "
            f"got {candidate.dtype}: {candidate.tolist()}"
        )


def _resolve_labels(true: np.ndarray, pred: np.ndarray, labels: Any) -> np.ndarray:
    """The class labels to count: those given, else every label seen, sorted."""
    if labels is None:
        return np.unique(np.concatenate([true, pred]))
    array = _to_numpy(labels)
    if array.ndim != 1 or array.size == 0:
        raise DataError(f"labels must be a non-empty 1-D list, got shape {array.shape}")
    if len(np.unique(array)) != len(array):
        raise DataError(f"labels must not repeat a label, got {array.tolist()}")
    _check_label_type(array, true, "labels")
    return array


# -- counting -------------------------------------------------------------------------


def _positions(values: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of each value in ``labels`` and whether it is there at all.

    A sorted search keeps this vectorised for numbers and strings alike.
    """
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    slot = np.searchsorted(sorted_labels, values)
    # Values beyond the largest label land one past the end; clamp, then test for equality.
    slot = np.minimum(slot, len(sorted_labels) - 1)
    found = sorted_labels[slot] == values
    return order[slot], found


def _count_matrix(true: np.ndarray, pred: np.ndarray, labels: np.ndarray) -> np.ndarray:
    true_index, true_found = _positions(true, labels)
    pred_index, pred_found = _positions(pred, labels)
    # Like scikit-learn, samples whose true or predicted label is not listed are left out.
    keep = true_found & pred_found
    n_labels = len(labels)
    cell = true_index[keep] * n_labels + pred_index[keep]
    counts = np.bincount(cell, minlength=n_labels * n_labels)
    return counts.reshape(n_labels, n_labels)


def confusion_matrix(y_true: Any, y_pred: Any, labels: Any = None) -> np.ndarray:
    """Counts of (true class, predicted class) pairs.

    Args:
        y_true: the true class labels, shape (n,).
        y_pred: the predicted class labels, shape (n,).
        labels: the classes for the rows and columns, in this order. Default: every
            label in ``y_true`` or ``y_pred``, sorted. Samples whose true or predicted
            label is not listed are not counted (scikit-learn's convention).

    Returns:
        An integer array of shape (k, k): row i is the true class ``labels[i]``,
        column j the predicted class ``labels[j]``; the diagonal holds the hits.

    Raises:
        DataError: empty inputs, unequal lengths, or labels of the wrong type.

    Example:
        >>> confusion_matrix([0, 1, 2, 2], [0, 2, 2, 1]).tolist()
        [[1, 0, 0], [0, 0, 1], [0, 1, 1]]
    """
    true, pred = _check_labels(y_true, y_pred)
    return _count_matrix(true, pred, _resolve_labels(true, pred, labels))


def binary_counts(y_true: Any, y_pred: Any, positive: Any = 1) -> Counts:
    """TP, FP, FN and TN for one class, called positive; every other class is negative.

    Args:
        y_true: the true class labels, shape (n,).
        y_pred: the predicted class labels, shape (n,).
        positive: the label of the positive class.

    Returns:
        The :class:`Counts` of the four outcomes.

    Raises:
        DataError: empty inputs, unequal lengths, or ``positive`` of the wrong type.

    Example:
        >>> binary_counts(["cat", "dog", "dog"], ["dog", "dog", "cat"], positive="dog")
        Counts(tp=1, fp=1, fn=1, tn=0)
    """
    true, pred = _check_labels(y_true, y_pred)
    _check_label_type(np.asarray([positive]), true, "positive")
    is_positive = true == positive
    said_positive = pred == positive
    return Counts(
        tp=int(np.sum(is_positive & said_positive)),
        fp=int(np.sum(~is_positive & said_positive)),
        fn=int(np.sum(is_positive & ~said_positive)),
        tn=int(np.sum(~is_positive & ~said_positive)),
    )


def _one_vs_rest(true: np.ndarray, pred: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Array of shape (k, 4) holding TP, FP, FN, TN of each label against all the others."""
    present = np.unique(np.concatenate([true, pred]))
    # Count over the labels present too, so that a sample of an unlisted class still
    # counts as a true negative of each listed class (as scikit-learn does).
    every_label = np.concatenate([labels, np.setdiff1d(present, labels)])
    matrix = _count_matrix(true, pred, every_label)
    n_wanted = len(labels)
    tp = np.diag(matrix)[:n_wanted]
    # A column sums everything predicted as that class, a row everything truly of it.
    fp = matrix.sum(axis=0)[:n_wanted] - tp
    fn = matrix.sum(axis=1)[:n_wanted] - tp
    tn = len(true) - tp - fp - fn
    return np.stack([tp, fp, fn, tn], axis=1)


def per_class_counts(y_true: Any, y_pred: Any, labels: Any = None) -> dict[Any, Counts]:
    """TP, FP, FN and TN of each class taken in turn as the positive one (one-vs-rest).

    Args:
        y_true: the true class labels, shape (n,).
        y_pred: the predicted class labels, shape (n,).
        labels: the classes to report, in this order. Default: every label seen, sorted.

    Returns:
        A dict from each label (a plain Python value) to its :class:`Counts`.

    Example:
        >>> per_class_counts([0, 1, 2], [0, 2, 2])[2]
        Counts(tp=1, fp=1, fn=0, tn=1)
    """
    true, pred = _check_labels(y_true, y_pred)
    wanted = _resolve_labels(true, pred, labels)
    table = _one_vs_rest(true, pred, wanted)
    result: dict[Any, Counts] = {}
    for label, (tp, fp, fn, tn) in zip(wanted.tolist(), table.tolist(), strict=True):
        result[label] = Counts(tp=tp, fp=fp, fn=fn, tn=tn)
    return result


def accuracy(y_true: Any, y_pred: Any) -> float:
    """The share of samples whose predicted label equals the true one.

    Example:
        >>> accuracy([0, 1, 1, 2], [0, 1, 2, 2])
        0.75
    """
    true, pred = _check_labels(y_true, y_pred)
    return float(np.mean(true == pred))


# -- precision, recall, F1 --------------------------------------------------------------


@dataclass(frozen=True)
class _ClassStats:
    """TP, FP and FN per counted class, and how to average a ratio of them."""

    tp: np.ndarray
    fp: np.ndarray
    fn: np.ndarray
    average: str

    def mean_ratio(self, numerator: np.ndarray, denominator: np.ndarray) -> float:
        # zero_division=0: a class with nothing to divide by (never predicted, say) scores 0.
        safe_denominator = np.where(denominator == 0, 1, denominator)
        ratio = np.where(denominator == 0, 0.0, numerator / safe_denominator)
        if self.average == "weighted":
            support = self.tp + self.fn
            if support.sum() == 0:
                return 0.0
            return float(np.average(ratio, weights=support))
        # "binary" and "micro" hold a single entry; "macro" is the plain mean over classes.
        return float(np.mean(ratio))


def _resolve_average(average: str, present: np.ndarray) -> str:
    if average not in AVERAGES:
        expected = ", ".join(repr(name) for name in AVERAGES)
        raise DataError(f"unknown average {average!r}; expected one of {expected}")
    if average != "auto":
        return average
    # 0/1 labels are how a binary task is encoded (a sigmoid output thresholded at 0.5).
    if not _is_text(present) and np.all(np.isin(present, [0, 1])):
        return "binary"
    return "macro"


def _class_stats(y_true: Any, y_pred: Any, average: str, positive: Any) -> _ClassStats:
    true, pred = _check_labels(y_true, y_pred)
    present = np.unique(np.concatenate([true, pred]))
    resolved = _resolve_average(average, present)
    if resolved == "binary":
        _check_label_type(np.asarray([positive]), true, "positive")
        if len(present) > 2:
            raise DataError(
                f"average='binary' needs at most two classes, got {len(present)}: "
                f"{present.tolist()}; use average='macro', 'micro' or 'weighted'"
            )
        if len(present) == 2 and positive not in present.tolist():
            raise DataError(f"positive={positive!r} is not one of the labels {present.tolist()}")
        counted = np.asarray([positive])
    else:
        counted = present
    table = _one_vs_rest(true, pred, counted)
    tp, fp, fn = table[:, 0], table[:, 1], table[:, 2]
    if resolved == "micro":
        # Pool the counts of all classes first, then take one ratio.
        tp, fp, fn = tp.sum(keepdims=True), fp.sum(keepdims=True), fn.sum(keepdims=True)
    return _ClassStats(tp=tp, fp=fp, fn=fn, average=resolved)


def precision(y_true: Any, y_pred: Any, average: str = "auto", positive: Any = 1) -> float:
    """Of the samples predicted positive, the share that really are: TP / (TP + FP).

    Args:
        y_true: the true class labels, shape (n,).
        y_pred: the predicted class labels, shape (n,).
        average: how to summarise several classes.

            * ``"binary"``: the score of the class ``positive`` alone (at most two
              classes may appear).
            * ``"macro"``: the plain mean of each class's score (one-vs-rest), so rare
              classes weigh as much as common ones.
            * ``"micro"``: one score from the TP, FP and FN of all classes pooled.
            * ``"weighted"``: the mean of each class's score weighted by its number of
              true samples.
            * ``"auto"`` (default): ``"binary"`` when every label in ``y_true`` and
              ``y_pred`` is 0 or 1, ``"macro"`` otherwise. Pass ``average`` yourself
              when a multi-class evaluation set may happen to hold only classes 0 and 1.

        positive: the positive class for ``"binary"``.

    Returns:
        The score in [0, 1]; 0 where a denominator is zero (scikit-learn's
        ``zero_division=0``).

    Raises:
        DataError: empty or unequal inputs, an unknown ``average``, or ``"binary"``
            with more than two classes or a ``positive`` that is not among them.

    Example:
        >>> precision([1, 0, 1, 1], [1, 1, 1, 0])
        0.6666666666666666
    """
    stats = _class_stats(y_true, y_pred, average, positive)
    return stats.mean_ratio(stats.tp, stats.tp + stats.fp)


def recall(y_true: Any, y_pred: Any, average: str = "auto", positive: Any = 1) -> float:
    """Of the samples really positive, the share predicted so: TP / (TP + FN).

    Arguments, averaging and errors are those of :func:`precision`.

    Example:
        >>> recall([1, 0, 1, 1], [1, 1, 0, 0])
        0.3333333333333333
    """
    stats = _class_stats(y_true, y_pred, average, positive)
    return stats.mean_ratio(stats.tp, stats.tp + stats.fn)


def f1(y_true: Any, y_pred: Any, average: str = "auto", positive: Any = 1) -> float:
    """The harmonic mean of precision and recall: 2·TP / (2·TP + FP + FN).

    Arguments, averaging and errors are those of :func:`precision`.

    Example:
        >>> f1([1, 0, 1, 1], [1, 1, 1, 0])
        0.6666666666666666
    """
    stats = _class_stats(y_true, y_pred, average, positive)
    return stats.mean_ratio(2 * stats.tp, 2 * stats.tp + stats.fp + stats.fn)
