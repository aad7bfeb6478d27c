"""The 'would more data help?' rule on constructed curves, and a small real curve."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from glassnet.compare.contenders import SklearnContender
from glassnet.compare.learning_curve import learning_curve, more_data_verdict
from glassnet.errors import ConfigError

SIZES = [50, 100, 200, 400, 800]


def test_a_still_rising_curve_says_more_data_is_likely_to_help():
    result = more_data_verdict(SIZES, [1.0] * 5, [0.60, 0.66, 0.72, 0.78, 0.84])
    assert result.outcome == "likely"
    assert result.slope == pytest.approx(6.0)
    assert result.text.startswith("more data is likely to help")


def test_a_flat_curve_with_a_gap_says_possibly():
    result = more_data_verdict(SIZES, [1.0] * 5, [0.70, 0.80, 0.85, 0.853, 0.855])
    assert result.outcome == "possibly"
    assert result.gap == pytest.approx(14.5)
    assert "regularisation" in result.text


def test_a_flat_curve_whose_scores_have_met_says_unlikely():
    result = more_data_verdict(
        SIZES, [0.99, 0.95, 0.92, 0.91, 0.905], [0.80, 0.86, 0.89, 0.895, 0.9]
    )
    assert result.outcome == "unlikely"
    assert result.text.startswith("more data is unlikely to help")


def test_only_the_end_of_the_curve_counts():
    # A steep start followed by a plateau: the plateau decides.
    result = more_data_verdict(SIZES, [0.9] * 5, [0.3, 0.7, 0.895, 0.897, 0.898])
    assert result.outcome == "unlikely"


def test_bad_curves_are_refused():
    with pytest.raises(ConfigError, match="increasing"):
        more_data_verdict([100, 50], [1, 1], [0.5, 0.6])
    with pytest.raises(ConfigError, match="at least two"):
        more_data_verdict([100], [1], [0.5])


def test_a_real_curve_has_growing_sizes_and_both_scores():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 4))
    y = (x[:, 0] + 0.5 * rng.normal(size=200) > 0).astype(int)
    folds = [(np.arange(100, 200), np.arange(100)), (np.arange(100), np.arange(100, 200))]
    curve = learning_curve(
        lambda: SklearnContender("logistic regression", LogisticRegression()),
        x,
        y,
        folds,
        "accuracy",
        fractions=(0.1, 0.5, 1.0),
    )
    assert curve.sizes == [10, 50, 100]
    assert curve.validation[-1] > 0.75 and len(curve.train) == 3
    assert curve.validation[-1] >= curve.validation[0] - 0.05
