"""Tests for glassnet/compare/conformal.py: conformal intervals and sets, and their coverage."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_digits, load_iris
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import glassnet as gn
from glassnet.compare import conformal
from glassnet.compare.estimators import NeuralNetClassifier, NeuralNetRegressor

LEVELS = (0.8, 0.9, 0.95)


def _three_way(x, y, seed):
    """Half to train, a quarter to calibrate, a quarter to measure coverage on."""
    x_train, x_rest, y_train, y_rest = train_test_split(x, y, test_size=0.5, random_state=seed)
    x_cal, x_test, y_cal, y_test = train_test_split(
        x_rest, y_rest, test_size=0.5, random_state=seed
    )
    return x_train, x_cal, x_test, y_train, y_cal, y_test


# -- the must-show: coverage at 80, 90 and 95 % ---------------------------------------------
#
# One split of diabetes leaves 111 test samples: the coverage measured on them alone
# scatters by about ±4 points around its expectation (binomial noise, plus the
# calibration set's own). The guarantee is about that expectation, so the test
# measures the mean over seeded random splits, each with its own network, as the
# conformal-prediction literature does; the seeds are 0..N-1, not chosen.


def _mean_coverage(x, y, make_model, predict, splits):
    coverage = {level: [] for level in LEVELS}
    for seed in range(splits):
        x_train, x_cal, x_test, y_train, y_cal, y_test = _three_way(x, y, seed)
        model = make_model(seed).fit(x_train, y_train)
        for level in LEVELS:
            coverage[level].append(predict(model, x_cal, y_cal, x_test, level).coverage(y_test))
    return {level: float(np.mean(values)) for level, values in coverage.items()}


def test_diabetes_intervals_cover_the_nominal_level_within_3_points():
    x, y = load_diabetes(return_X_y=True)

    def make(seed):
        network = NeuralNetRegressor((16,), learning_rate=0.01, epochs=40, random_state=seed)
        return make_pipeline(StandardScaler(), network)

    coverage = _mean_coverage(x, y, make, conformal.prediction_intervals, splits=20)
    for level in LEVELS:
        assert abs(coverage[level] - level) <= 0.03, coverage


def test_digits_sets_cover_the_nominal_level_within_3_points():
    x, y = load_digits(return_X_y=True)

    def make(seed):
        network = NeuralNetClassifier((32,), learning_rate=0.01, epochs=15, random_state=seed)
        return make_pipeline(StandardScaler(), network)

    coverage = _mean_coverage(x, y, make, conformal.prediction_sets, splits=10)
    for level in LEVELS:
        assert abs(coverage[level] - level) <= 0.03, coverage


# -- MAPIE and the NumPy arithmetic agree ----------------------------------------------------


@pytest.fixture(scope="module")
def diabetes_model():
    x, y = load_diabetes(return_X_y=True)
    parts = _three_way(StandardScaler().fit_transform(x), y, seed=0)
    model = NeuralNetRegressor((16,), learning_rate=0.01, epochs=30, random_state=0)
    return model.fit(parts[0], parts[3]), parts


def test_mapie_intervals_equal_the_numpy_split_conformal_ones(diabetes_model):
    model, (_, x_cal, x_test, _, y_cal, _) = diabetes_model
    result = conformal.prediction_intervals(model, x_cal, y_cal, x_test, 0.9)
    scores = conformal.regression_scores(y_cal, model.predict(x_cal))
    lower, upper = conformal.intervals(
        model.predict(x_test), conformal.conformal_quantile(scores, 0.9)
    )
    np.testing.assert_allclose(result.lower, lower, rtol=1e-9)
    np.testing.assert_allclose(result.upper, upper, rtol=1e-9)
    np.testing.assert_allclose(result.prediction, model.predict(x_test))
    assert result.confidence == 0.9


def test_higher_confidence_gives_wider_intervals(diabetes_model):
    model, (_, x_cal, x_test, _, y_cal, _) = diabetes_model
    widths = [conformal.prediction_intervals(model, x_cal, y_cal, x_test, c).width for c in LEVELS]
    assert widths[0] < widths[1] < widths[2]


def test_mapie_sets_equal_the_numpy_ones_with_string_labels():
    x, y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    x_train, x_cal, x_test, y_train, y_cal, y_test = _three_way(x, names, seed=1)
    model = make_pipeline(
        StandardScaler(), NeuralNetClassifier((8,), learning_rate=0.01, epochs=20, random_state=0)
    ).fit(x_train, y_train)
    result = conformal.prediction_sets(model, x_cal, y_cal, x_test, 0.9)
    assert list(result.classes) == ["setosa", "versicolor", "virginica"]
    labels = np.searchsorted(result.classes, y_cal)
    scores = conformal.classification_scores(labels, model.predict_proba(x_cal))
    expected = conformal.sets(
        model.predict_proba(x_test), conformal.conformal_quantile(scores, 0.9)
    )
    np.testing.assert_array_equal(result.members, expected)
    np.testing.assert_array_equal(result.prediction, model.predict(x_test))
    texts = result.as_text()
    assert all(set(text.split("|")) <= set(result.classes) for text in texts if text)
    assert result.coverage(y_test) == conformal.set_coverage(y_test, result.members, result.classes)
    assert 1 <= result.mean_size <= 3


# -- the arithmetic on its own --------------------------------------------------------------


def test_the_quantile_is_the_ceil_n_plus_1_times_confidence_th_smallest_score():
    scores = np.array([5.0, 1.0, 4.0, 2.0, 3.0, 9.0, 8.0, 7.0, 6.0])  # 9 scores, unsorted
    assert conformal.conformal_quantile(scores, 0.8) == 8.0  # ceil(10 × 0.8) = 8th
    assert conformal.conformal_quantile(scores, 0.5) == 5.0  # ceil(10 × 0.5) = 5th
    assert conformal.conformal_quantile(scores, 0.9) == 9.0  # ceil(10 × 0.9) = 9th (the last)
    with pytest.raises(gn.DataError, match=r"9 calibration samples are too few .* at least 19"):
        conformal.conformal_quantile(scores, 0.95)


@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.1, float("nan"), True, "0.9", None])
def test_a_confidence_outside_0_1_is_refused(bad):
    with pytest.raises(gn.ConfigError, match="strictly between 0 and 1"):
        conformal.check_confidence(bad)


def test_too_small_a_calibration_set_is_refused_before_mapie_runs(diabetes_model):
    model, (_, x_cal, x_test, _, y_cal, _) = diabetes_model
    with pytest.raises(gn.DataError, match=r"10 calibration samples .* needs at least 19"):
        conformal.prediction_intervals(model, x_cal[:10], y_cal[:10], x_test, 0.95)


def test_sets_scores_coverage_and_text_by_hand():
    probabilities = np.array([[0.7, 0.2, 0.1], [0.45, 0.45, 0.1], [0.05, 0.05, 0.9]])
    np.testing.assert_allclose(
        conformal.classification_scores([0, 1, 1], probabilities), [0.3, 0.55, 0.95]
    )
    members = conformal.sets(probabilities, 0.6)  # classes with p >= 0.4
    np.testing.assert_array_equal(
        members, [[True, False, False], [True, True, False], [False, False, True]]
    )
    assert [conformal.format_set(row, ["3", "5", "8"]) for row in members] == ["3", "3|5", "8"]
    assert conformal.set_coverage(["3", "5", "5"], members, ["3", "5", "8"]) == pytest.approx(2 / 3)
    lower, upper = conformal.intervals(np.array([1.0, 2.0]), 0.5)
    assert conformal.interval_coverage([1.4, 2.6], lower, upper) == 0.5
