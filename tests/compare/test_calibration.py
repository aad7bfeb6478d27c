"""Tests for glassnet/compare/calibration.py: temperature scaling and the calibration error."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import load_digits
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split

import glassnet as gn
from glassnet.compare.calibration import (
    TemperatureScaledClassifier,
    calibrate,
    expected_calibration_error,
)
from glassnet.compare.estimators import NeuralNetClassifier
from glassnet.ops.activation import stable_log_softmax


class _Overconfident(ClassifierMixin, BaseEstimator):
    """A 'fitted classifier' whose probabilities are softmax(3 × the true logits)."""

    def __init__(self, logits: np.ndarray | None = None) -> None:
        self.logits = logits
        self.classes_ = np.array([0, 1, 2, 3])

    def fit(self, x, y):  # pragma: no cover - never called: the estimator is prefit
        return self

    def predict_proba(self, rows):
        return np.exp(stable_log_softmax(3.0 * self.logits[np.asarray(rows).ravel()], axis=1))


def test_temperature_scaling_finds_a_known_overconfidence():
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 1.5, (4000, 4))
    truth = np.exp(stable_log_softmax(logits, axis=1))
    y = np.array([rng.choice(4, p=row) for row in truth])
    rows = np.arange(4000).reshape(-1, 1)  # the "features" are row numbers
    scaled = TemperatureScaledClassifier(_Overconfident(logits)).fit(rows, y)
    assert scaled.temperature_ == pytest.approx(3.0, rel=0.08)
    np.testing.assert_allclose(scaled.predict_proba(rows), truth, atol=0.05)


@pytest.fixture(scope="module")
def overfit_digits():
    """A network trained long on 300 digits: accurate, and over-confident on new ones."""
    x, y = load_digits(return_X_y=True)
    x = x / 16
    x_train, x_rest, y_train, y_rest = train_test_split(
        x, y, train_size=300, random_state=0, stratify=y
    )
    x_cal, x_test, y_cal, y_test = train_test_split(
        x_rest, y_rest, test_size=0.5, random_state=0, stratify=y_rest
    )
    model = NeuralNetClassifier((64,), learning_rate=0.01, epochs=100, random_state=0)
    return model.fit(x_train, y_train), x_cal, y_cal, x_test, y_test


def test_temperature_scaling_improves_held_out_calibration_and_keeps_accuracy(overfit_digits):
    model, x_cal, y_cal, x_test, y_test = overfit_digits
    scaled = calibrate(model, x_cal, y_cal)
    assert scaled.temperature_ > 1.2  # the network was over-confident
    before, after = model.predict_proba(x_test), scaled.predict_proba(x_test)
    assert log_loss(y_test, after) < log_loss(y_test, before)
    ece_before = expected_calibration_error(y_test, before, model.classes_)
    ece_after = expected_calibration_error(y_test, after, model.classes_)
    assert ece_after < ece_before
    np.testing.assert_array_equal(scaled.predict(x_test), model.predict(x_test))
    np.testing.assert_allclose(after.sum(axis=1), 1.0, atol=1e-12)


@pytest.mark.parametrize("method", ["sigmoid", "isotonic"])
def test_scikit_learn_methods_calibrate_the_frozen_network(overfit_digits, method):
    model, x_cal, y_cal, x_test, y_test = overfit_digits
    calibrated = calibrate(model, x_cal, y_cal, method=method)
    probabilities = calibrated.predict_proba(x_test)
    assert probabilities.shape == (len(x_test), 10)
    assert calibrated.score(x_test, y_test) > 0.85
    # Frozen: calibrating did not retrain the network.
    assert calibrated.estimator.estimator is model


def test_expected_calibration_error_by_hand():
    probabilities = np.array([[0.9, 0.1], [0.9, 0.1], [0.6, 0.4], [0.3, 0.7]])
    # bin [0.9, 1): confidence 0.9, accuracy 1/2; bin [0.6, 0.7): 0.6 vs 1; bin [0.7, 0.8): 0.7 vs 1.
    error = expected_calibration_error(["a", "b", "a", "b"], probabilities, ["a", "b"], bins=10)
    assert error == pytest.approx(0.5 * 0.4 + 0.25 * 0.4 + 0.25 * 0.3)


def test_mistakes_are_named():
    with pytest.raises(gn.ConfigError, match="unknown calibration method 'platt'"):
        calibrate(None, [[0.0]], [0], method="platt")
    with pytest.raises(gn.ConfigError, match="needs a fitted classifier"):
        TemperatureScaledClassifier().fit([[0.0]], [0])
    with pytest.raises(gn.DataError, match="label 'c' is not one of the classes"):
        expected_calibration_error(["c"], np.array([[0.5, 0.5]]), ["a", "b"])
