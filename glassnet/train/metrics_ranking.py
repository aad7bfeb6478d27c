"""Ranking metrics of a binary classifier's scores: ROC-AUC.

These take a score per sample (such as the predicted probability of the positive
class) instead of a hard label, and judge how well the scores order positives
above negatives, whatever threshold is later chosen.

Example:
    >>> roc_auc([0, 1, 1], [0.2, 0.9, 0.6])
    1.0
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.errors import DataError

# The label checks are shared with the other classification metrics, so the same
# mistakes get the same messages.
from glassnet.train.metrics_classification import _as_label_vector, _to_numpy

__all__ = ["roc_auc"]


def _as_score_vector(values: Any) -> np.ndarray:
    array = _to_numpy(values)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise DataError(
            "scores must be 1-D, one score of the positive class per sample, got shape "
            f"{array.shape}; for two-column probabilities pass column 1"
        )
    if array.size == 0:
        raise DataError("scores is empty; expected at least one sample")
    try:
        array = array.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise DataError(f"scores must be numbers, got dtype {array.dtype}") from exc
    if not np.all(np.isfinite(array)):
        index = int(np.argmin(np.isfinite(array)))
        raise DataError(f"scores must be finite, got {array[index]} at index {index}")
    return array


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n of ``values``; tied values share the mean of the ranks they occupy."""
    _, group, group_size = np.unique(values, return_inverse=True, return_counts=True)
    last_rank = np.cumsum(group_size)
    # A tie group occupying ranks a..b gets (a + b) / 2, where a = b - size + 1.
    mean_rank = last_rank - (group_size - 1) / 2.0
    return mean_rank[group]


def roc_auc(y_true: Any, scores: Any, positive: Any = None) -> float:
    """Area under the ROC curve of a binary task.

    It is the probability that a random positive sample scores higher than a random
    negative one, ties counting one half. It is computed from ranks (the Mann-Whitney U
    statistic), which equals scikit-learn's ``roc_auc_score`` including its tie handling.

    Args:
        y_true: the true class labels, shape (n,), with exactly two classes.
        scores: a score per sample, larger meaning "more likely positive", such as the
            predicted probability of the positive class; shape (n,).
        positive: the positive class. Default: the larger of the two labels (1 for 0/1
            labels), as scikit-learn chooses.

    Returns:
        The area in [0, 1]: 1 ranks every positive above every negative, 0.5 is chance.

    Raises:
        DataError: empty or unequal inputs, non-finite scores, ``y_true`` without both
            classes (the area is then undefined) or with more than two.

    Example:
        >>> roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        0.75
    """
    true = _as_label_vector(y_true, "y_true")
    score = _as_score_vector(scores)
    if len(true) != len(score):
        raise DataError(
            f"y_true and scores must have the same length, got {len(true)} and {len(score)}"
        )
    classes = np.unique(true)
    if len(classes) == 1:
        raise DataError(
            f"roc_auc needs both classes in y_true, got only class {classes[0].item()!r} "
            f"({len(true)} samples); the area under the ROC curve is undefined"
        )
    if len(classes) > 2:
        raise DataError(
            f"roc_auc is for binary tasks, y_true has {len(classes)} classes: {classes.tolist()}"
        )
    if positive is None:
        positive = classes[1]
    elif positive not in classes.tolist():
        raise DataError(f"positive={positive!r} is not one of the labels {classes.tolist()}")
    is_positive = true == positive
    n_positive = int(is_positive.sum())
    n_negative = len(true) - n_positive
    # U = how many (positive, negative) pairs the positive wins, ties counting 1/2.
    ranks = _average_ranks(score)
    u_statistic = ranks[is_positive].sum() - n_positive * (n_positive + 1) / 2.0
    return float(u_statistic / (n_positive * n_negative))
