"""Conformal prediction: intervals for regression and sets for classification, with a guarantee.

Split conformal prediction turns any trained model into one that says how sure it
is. On *calibration* data the model never trained on, it measures how wrong the
model is (the nonconformity scores: ``|y - prediction|`` for a regression, ``1 -
p(true class)`` for a classification), takes the score that
``ceil((n + 1) × confidence)`` of the ``n`` calibration samples do not exceed, and
widens every new prediction by it. If new samples come from the same distribution,
the interval (or set) contains the true value with probability at least
``confidence``, whatever the model is.

:func:`prediction_intervals` and :func:`prediction_sets` do this with MAPIE (its
``SplitConformalRegressor`` and ``SplitConformalClassifier``, ``prefit=True``) on a
fitted scikit-learn estimator such as ``gn.sklearn.NeuralNetRegressor``. The small
NumPy functions below them (:func:`conformal_quantile`, :func:`intervals`,
:func:`sets`) are the same arithmetic for models saved by ``glassnet train``, which
``glassnet predict --confidence`` uses without importing scikit-learn; the tests
check that both give the same answers.

Example:
    >>> import numpy as np
    >>> scores = np.arange(1, 20) / 10.0  # 19 calibration residuals: 0.1 .. 1.9
    >>> float(conformal_quantile(scores, 0.9))  # the ceil(20 × 0.9) = 18th smallest
    1.8
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet.errors import ConfigError, DataError

# MAPIE, and through it scikit-learn, are imported inside the functions that use
# them: this module serves ``glassnet predict``, whose start must stay fast.


def check_confidence(confidence: Any) -> float:
    """``confidence`` as a float strictly between 0 and 1, else a ConfigError."""
    if (
        not isinstance(confidence, (int, float, np.integer, np.floating))
        or isinstance(confidence, bool)
        or not 0 < confidence < 1
    ):
        raise ConfigError(
            f"the confidence level must be a number strictly between 0 and 1 (0.9 for 90 %), "
            f"got {confidence!r}"
        )
    return float(confidence)


def samples_needed(confidence: float) -> int:
    """The fewest calibration samples that give a finite interval at ``confidence``."""
    return math.ceil(confidence / (1 - confidence) - 1e-9)


def conformal_quantile(scores: Any, confidence: float) -> float:
    """The ``ceil((n + 1) × confidence)``-th smallest of the ``n`` nonconformity scores.

    Raises:
        ConfigError: ``confidence`` is not in (0, 1).
        DataError: too few scores for that confidence: the interval would be
            infinite (the message says how many are needed).
    """
    confidence = check_confidence(confidence)
    scores = np.sort(np.asarray(scores, dtype=np.float64).ravel())
    rank = math.ceil((len(scores) + 1) * confidence - 1e-9)
    if rank > len(scores):
        raise DataError(
            f"{len(scores)} calibration samples are too few for a confidence of {confidence}: "
            f"split conformal prediction needs at least {samples_needed(confidence)}"
        )
    return float(scores[rank - 1])


def regression_scores(y: Any, predicted: Any) -> np.ndarray:
    """Absolute residuals ``|y - prediction|``, one per sample (the largest over targets)."""
    y = np.asarray(y, dtype=np.float64)
    predicted = np.asarray(predicted, dtype=np.float64).reshape(y.shape)
    residuals = np.abs(y - predicted)
    return residuals.reshape(len(residuals), -1).max(axis=1)


def classification_scores(labels: Any, probabilities: Any) -> np.ndarray:
    """``1 - p(true class)`` per sample (MAPIE's "lac" score); ``labels`` are column indices."""
    labels = np.asarray(labels, dtype=np.int64)
    probabilities = np.asarray(probabilities, dtype=np.float64)
    return 1.0 - probabilities[np.arange(len(labels)), labels]


def intervals(predicted: Any, quantile: float) -> tuple[np.ndarray, np.ndarray]:
    """``(lower, upper)``: the predictions widened by the conformal quantile of the residuals."""
    predicted = np.asarray(predicted, dtype=np.float64)
    return predicted - quantile, predicted + quantile


def sets(probabilities: Any, quantile: float) -> np.ndarray:
    """A boolean (samples, classes) mask: the classes whose score ``1 - p`` is within the quantile."""
    return 1.0 - np.asarray(probabilities, dtype=np.float64) <= quantile


def format_set(members: np.ndarray, classes: Any) -> str:
    """One prediction set as text, its classes joined by ``|`` (``"3|8"``; ``""`` if empty)."""
    return "|".join(str(name) for name, inside in zip(classes, members, strict=True) if inside)


def interval_coverage(y: Any, lower: Any, upper: Any) -> float:
    """The fraction of samples whose true value lies within ``[lower, upper]``."""
    y = np.asarray(y, dtype=np.float64)
    inside = (np.asarray(lower).reshape(y.shape) <= y) & (y <= np.asarray(upper).reshape(y.shape))
    return float(inside.reshape(len(y), -1).all(axis=1).mean())


def set_coverage(y: Any, members: Any, classes: Any) -> float:
    """The fraction of samples whose true class is in its prediction set."""
    classes = list(np.asarray(classes).tolist())
    y = np.asarray(y).tolist()
    index = np.array([classes.index(label) if label in classes else -1 for label in y])
    members = np.asarray(members, dtype=bool)
    hit = (index >= 0) & members[np.arange(len(index)), np.maximum(index, 0)]
    return float(hit.mean())


@dataclass
class Intervals:
    """Point predictions and their conformal interval at ``confidence``."""

    prediction: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    confidence: float

    def coverage(self, y: Any) -> float:
        """The fraction of ``y`` inside the intervals (compare with ``confidence``)."""
        return interval_coverage(y, self.lower, self.upper)

    @property
    def width(self) -> float:
        """The mean width of the intervals."""
        return float(np.mean(self.upper - self.lower))


@dataclass
class PredictionSets:
    """Predicted classes and their conformal sets (a mask over ``classes``) at ``confidence``."""

    prediction: np.ndarray
    members: np.ndarray
    classes: np.ndarray
    confidence: float

    def coverage(self, y: Any) -> float:
        """The fraction of ``y`` whose class is in its set (compare with ``confidence``)."""
        return set_coverage(y, self.members, self.classes)

    @property
    def mean_size(self) -> float:
        """The mean number of classes per set (1 = as sure as a plain prediction)."""
        return float(self.members.sum(axis=1).mean())

    def as_text(self) -> list[str]:
        """Each set as ``"3|8"``."""
        return [format_set(row, self.classes) for row in self.members]


def _check_calibration(x_calibration: Any, confidence: float) -> None:
    samples = len(x_calibration)
    if samples < samples_needed(confidence):
        raise DataError(
            f"{samples} calibration samples are too few for a confidence of {confidence}: "
            f"split conformal prediction needs at least {samples_needed(confidence)}"
        )


def prediction_intervals(
    estimator: Any, x_calibration: Any, y_calibration: Any, x: Any, confidence: float = 0.9
) -> Intervals:
    """Conformal prediction intervals for ``x`` from a *fitted* regressor (MAPIE, split).

    Args:
        estimator: a fitted scikit-learn regressor (``gn.sklearn.NeuralNetRegressor``,
            or a pipeline ending in one), trained on data other than the calibration set.
        x_calibration, y_calibration: labelled samples the estimator never trained on.
        x: the samples to predict.
        confidence: the probability that an interval holds the true value, in (0, 1).

    Returns:
        :class:`Intervals`: ``prediction``, ``lower`` and ``upper`` per sample.

    Example:
        >>> from sklearn.datasets import load_diabetes
        >>> from glassnet.sklearn import NeuralNetRegressor
        >>> x, y = load_diabetes(return_X_y=True)
        >>> model = NeuralNetRegressor((16,), learning_rate=0.01, epochs=40, random_state=0)
        >>> model = model.fit(x[:200], y[:200])
        >>> result = prediction_intervals(model, x[200:350], y[200:350], x[350:], 0.9)
        >>> result.lower.shape, bool((result.lower < result.upper).all())
        ((92,), True)
    """
    from mapie.regression import SplitConformalRegressor

    confidence = check_confidence(confidence)
    _check_calibration(x_calibration, confidence)
    mapie = SplitConformalRegressor(estimator, confidence_level=confidence, prefit=True)
    mapie.conformalize(x_calibration, y_calibration)
    prediction, bounds = mapie.predict_interval(x)
    return Intervals(prediction, bounds[:, 0, 0], bounds[:, 1, 0], confidence)


def prediction_sets(
    estimator: Any, x_calibration: Any, y_calibration: Any, x: Any, confidence: float = 0.9
) -> PredictionSets:
    """Conformal prediction sets for ``x`` from a *fitted* classifier (MAPIE, split, "lac").

    Each set holds the classes whose probability is at least ``1 - q``, ``q`` being
    the conformal quantile of ``1 - p(true class)`` on the calibration samples; a
    set can be empty when the model is sure of no class.

    Args: as for :func:`prediction_intervals`, with a fitted classifier that has
        ``predict_proba`` (``gn.sklearn.NeuralNetClassifier``).

    Returns:
        :class:`PredictionSets`: ``prediction`` per sample and ``members``, a boolean
        (samples, classes) mask over ``classes``.
    """
    from mapie.classification import SplitConformalClassifier

    confidence = check_confidence(confidence)
    _check_calibration(x_calibration, confidence)
    mapie = SplitConformalClassifier(estimator, confidence_level=confidence, prefit=True)
    mapie.conformalize(x_calibration, y_calibration)
    prediction, members = mapie.predict_set(x)
    return PredictionSets(prediction, members[:, :, 0], np.asarray(estimator.classes_), confidence)
