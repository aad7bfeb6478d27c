"""Evaluation metrics by function and by name.

The functions live in :mod:`~glassnet.train.metrics_classification` (TP/FP/FN/TN, the
confusion matrix, accuracy, precision, recall, F1), :mod:`~glassnet.train.metrics_ranking`
(ROC-AUC) and :mod:`~glassnet.train.metrics_regression` (MSE, MAE, RMSE, R²) and are
re-exported here. This module adds the :class:`Metric` record and the ``METRICS``
registry, so that ``compile(metrics=["accuracy", "f1"])`` and the CLI resolve names.

A :class:`Metric` says what its function must be given, so the training loop can
prepare it from a model's output:

* ``"labels"``: class labels (argmax of the class probabilities, or the sigmoid output
  thresholded at 0.5);
* ``"scores"``: the probability (or any score) of the positive class;
* ``"values"``: the raw outputs, for regression.

Registered names: ``accuracy``/``acc``, ``precision``, ``recall``, ``f1``,
``roc_auc``/``auc``, ``mse``, ``mae``, ``rmse``, ``r2``. Precision, recall and F1 use
``average="auto"``: the score of class 1 when every label is 0 or 1, the macro average
over classes otherwise.

Example:
    >>> metric = get_metric("acc")
    >>> metric.name, metric.kind, metric.greater_is_better
    ('accuracy', 'labels', True)
    >>> metric([0, 1, 1, 1], [0, 1, 0, 1])
    0.75
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from glassnet.errors import ConfigError
from glassnet.registry import Registry
from glassnet.train.metrics_classification import AVERAGES as AVERAGES
from glassnet.train.metrics_classification import Counts as Counts
from glassnet.train.metrics_classification import accuracy as accuracy
from glassnet.train.metrics_classification import binary_counts as binary_counts
from glassnet.train.metrics_classification import confusion_matrix as confusion_matrix
from glassnet.train.metrics_classification import f1 as f1
from glassnet.train.metrics_classification import per_class_counts as per_class_counts
from glassnet.train.metrics_classification import precision as precision
from glassnet.train.metrics_classification import recall as recall
from glassnet.train.metrics_ranking import roc_auc as roc_auc
from glassnet.train.metrics_regression import mae as mae
from glassnet.train.metrics_regression import mse as mse
from glassnet.train.metrics_regression import r2 as r2
from glassnet.train.metrics_regression import rmse as rmse

__all__ = [
    "AVERAGES",
    "KINDS",
    "METRICS",
    "Counts",
    "Metric",
    "accuracy",
    "binary_counts",
    "confusion_matrix",
    "f1",
    "get_metric",
    "mae",
    "mse",
    "per_class_counts",
    "precision",
    "r2",
    "recall",
    "rmse",
    "roc_auc",
]

KINDS = ("labels", "scores", "values")


@dataclass(frozen=True)
class Metric:
    """A metric function with what it needs and which direction is better.

    Attributes:
        name: the name reports and histories show.
        fn: ``fn(y_true, y) -> float``.
        kind: what ``y`` must be: ``"labels"`` (class labels), ``"scores"`` (the
            probability of the positive class) or ``"values"`` (raw outputs).
        greater_is_better: True for scores such as accuracy, False for errors such as
            MSE; early stopping and tuning read it to know which way to go.

    Example:
        >>> from glassnet.train.metrics_regression import mae
        >>> Metric("mae", mae, kind="values", greater_is_better=False)([1.0], [3.0])
        2.0
    """

    name: str
    fn: Callable[[Any, Any], float]
    kind: str
    greater_is_better: bool = True

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            expected = ", ".join(repr(kind) for kind in KINDS)
            raise ConfigError(
                f"metric '{self.name}' has unknown kind {self.kind!r}; expected one of {expected}"
            )
        if not callable(self.fn):
            raise ConfigError(
                f"metric '{self.name}' needs a callable fn, got {type(self.fn).__name__}"
            )

    def __call__(self, y_true: Any, y: Any) -> float:
        return self.fn(y_true, y)


METRICS: Registry[Metric] = Registry("metric")


def _register(metric: Metric, *aliases: str) -> None:
    METRICS.register(metric.name, *aliases)(metric)


_register(Metric("accuracy", accuracy, kind="labels"), "acc")
# precision, recall and f1 keep their default average="auto" (see their docstrings).
_register(Metric("precision", precision, kind="labels"))
_register(Metric("recall", recall, kind="labels"))
_register(Metric("f1", f1, kind="labels"))
_register(Metric("roc_auc", roc_auc, kind="scores"), "auc")
_register(Metric("mse", mse, kind="values", greater_is_better=False))
_register(Metric("mae", mae, kind="values", greater_is_better=False))
_register(Metric("rmse", rmse, kind="values", greater_is_better=False))
_register(Metric("r2", r2, kind="values"))


def get_metric(metric: str | Metric) -> Metric:
    """The :class:`Metric` for a registered name (case-insensitive), or ``metric`` itself.

    Raises:
        ConfigError: an unknown name (the message lists the valid ones), or something
            that is neither a name nor a Metric.

    Example:
        >>> get_metric("AUC").kind
        'scores'
    """
    if isinstance(metric, Metric):
        return metric
    if isinstance(metric, str):
        return METRICS.get(metric)
    raise ConfigError(
        f"a metric must be a name or a Metric, got {type(metric).__name__}; "
        "wrap a function as Metric(name, fn, kind='labels' | 'scores' | 'values')"
    )
