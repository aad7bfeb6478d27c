"""Calibrated probabilities: temperature scaling, and a measure of calibration (ECE).

A network trained to low cross-entropy is often *over-confident*: among the samples
it gives 99 %, fewer than 99 % are right. Temperature scaling (Guo et al., "On
Calibration of Modern Neural Networks", 2017) divides the logits by one number
``T`` learnt on held-out data by minimising the negative log-likelihood: ``T > 1``
softens over-confident probabilities. One parameter cannot overfit a calibration
set of a few hundred samples, and it never changes which class is predicted, so
the accuracy stays exactly the same. scikit-learn's ``CalibratedClassifierCV``
(``method="sigmoid"`` or ``"isotonic"``) is available through :func:`calibrate` too.

Example:
    >>> from sklearn.datasets import load_digits
    >>> from glassnet.sklearn import NeuralNetClassifier
    >>> x, y = load_digits(return_X_y=True)
    >>> model = NeuralNetClassifier((32,), epochs=10, random_state=0).fit(x[:900] / 16, y[:900])
    >>> scaled = calibrate(model, x[900:1300] / 16, y[900:1300])
    >>> bool(scaled.temperature_ > 0)
    True
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from glassnet.errors import ConfigError, DataError
from glassnet.ops.activation import stable_log_softmax

METHODS = ("temperature", "sigmoid", "isotonic")


def _label_indices(y: Any, classes: np.ndarray) -> np.ndarray:
    """The column of each label of ``y`` in ``classes``; a DataError for an unknown label."""
    y = np.asarray(y)
    index = np.searchsorted(classes, y)
    index = np.clip(index, 0, len(classes) - 1)
    unknown = classes[index] != y
    if unknown.any():
        raise DataError(
            f"label {y[unknown][0].item()!r} is not one of the classes the model knows: "
            f"{classes.tolist()}"
        )
    return index


class TemperatureScaledClassifier(ClassifierMixin, BaseEstimator):
    """A fitted classifier whose probabilities are ``softmax(log p / T)``, ``T`` fitted on ``fit``'s data.

    ``fit(X, y)`` does not train ``estimator`` (it must be fitted already, on other
    data); it only chooses ``T`` that minimises the log-loss on ``X``, ``y``.

    Attributes:
        temperature_: the fitted temperature (> 1: the model was over-confident).
        classes_: the estimator's classes.
    """

    def __init__(self, estimator: Any = None) -> None:
        self.estimator = estimator

    def fit(self, X: Any, y: Any) -> TemperatureScaledClassifier:
        """Choose the temperature on held-out samples ``X``, ``y``."""
        if self.estimator is None or not hasattr(self.estimator, "predict_proba"):
            raise ConfigError(
                "temperature scaling needs a fitted classifier with predict_proba, such as "
                "gn.sklearn.NeuralNetClassifier(...).fit(x_train, y_train)"
            )
        check_is_fitted(self.estimator)
        self.classes_ = np.asarray(self.estimator.classes_)
        index = _label_indices(y, self.classes_)
        logits = self._logits(X)

        def log_loss(log_temperature: float) -> float:
            scaled = stable_log_softmax(logits / np.exp(log_temperature), axis=1)
            return float(-scaled[np.arange(len(index)), index].mean())

        # The search is over log T, so T stays positive; [1/20, 20] holds any sane value.
        found = minimize_scalar(log_loss, bounds=(-3.0, 3.0), method="bounded")
        self.temperature_ = float(np.exp(found.x))
        return self

    def _logits(self, X: Any) -> np.ndarray:
        # Log-probabilities are the logits minus a constant per sample, which the
        # softmax ignores: scaling them is temperature scaling of the logits.
        with np.errstate(divide="ignore"):
            log_p = np.log(np.asarray(self.estimator.predict_proba(X), dtype=np.float64))
        # A probability that underflowed to 0 is given a very low but finite logit.
        return np.maximum(log_p, -745.0)

    def predict_proba(self, X: Any) -> np.ndarray:
        """The calibrated probabilities, one column per entry of ``classes_``."""
        check_is_fitted(self, "temperature_")
        return np.exp(stable_log_softmax(self._logits(X) / self.temperature_, axis=1))

    def predict(self, X: Any) -> np.ndarray:
        """The estimator's predictions (a temperature never changes the most probable class)."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


def calibrate(estimator: Any, x_calibration: Any, y_calibration: Any, method: str = "temperature"):
    """A calibrated copy of a *fitted* classifier, calibrated on held-out samples.

    Args:
        estimator: a fitted classifier with ``predict_proba``, trained on other data.
        x_calibration, y_calibration: labelled samples it never trained on.
        method: ``"temperature"`` (one temperature for the logits; the default, see
            ``docs/decisions.md``), or scikit-learn's ``"sigmoid"`` (Platt) or
            ``"isotonic"``, one-vs-rest (``CalibratedClassifierCV`` on the frozen estimator).

    Returns:
        A fitted classifier with ``predict`` and ``predict_proba``.
    """
    if method not in METHODS:
        raise ConfigError(f"unknown calibration method {method!r}; choose one of {list(METHODS)}")
    if method == "temperature":
        return TemperatureScaledClassifier(estimator).fit(x_calibration, y_calibration)
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.frozen import FrozenEstimator

    frozen = CalibratedClassifierCV(FrozenEstimator(estimator), method=method)
    return frozen.fit(x_calibration, y_calibration)


def expected_calibration_error(y: Any, probabilities: Any, classes: Any, bins: int = 15) -> float:
    """The expected calibration error of the top class, in [0, 1] (0 = perfectly calibrated).

    The samples are put in ``bins`` equal-width bins by their highest probability
    (the confidence); the ECE is the average, weighted by the bins' sizes, of
    ``|accuracy - mean confidence|`` in each bin.
    """
    if not isinstance(bins, int) or bins < 1:
        raise ConfigError(f"bins must be a positive integer, got {bins!r}")
    probabilities = np.asarray(probabilities, dtype=np.float64)
    classes = np.asarray(classes)
    truth = _label_indices(y, classes)
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == truth
    which = np.minimum((confidence * bins).astype(np.int64), bins - 1)
    error = 0.0
    for b in range(bins):
        inside = which == b
        if inside.any():
            error += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(error)
