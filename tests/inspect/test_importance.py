"""permutation_importance: the feature a model relies on comes first, reproducibly."""

from __future__ import annotations

import json

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError, ShapeError
from tests.helpers import set_values


def weighted_sum_model(weights) -> gn.Sequential:
    layer = gn.Dense(1, input_dim=len(weights))
    set_values(layer.kernel, np.reshape(weights, (-1, 1)))
    return gn.Sequential([layer])


def regression_data(rows: int = 300):
    x = np.random.default_rng(0).normal(size=(rows, 3))
    return x, 3.0 * x[:, 0] + 1.0 * x[:, 2]


def test_regression_ranking_follows_the_weights():
    x, y = regression_data()
    model = weighted_sum_model([3.0, 0.0, 1.0])
    result = gn.inspect.permutation_importance(
        model, x, y, feature_names=["strong", "unused", "weak"]
    )
    assert [name for name, _, _ in result.ranked()] == ["strong", "weak", "unused"]
    assert result.metric == "r2"
    assert result.baseline_score == pytest.approx(1.0)
    # Shuffling a feature of weight w adds about 2w² to the error; R² drops by that / var(y).
    variance = y.var()
    assert result.mean[0] == pytest.approx(2 * 9 / variance, rel=0.25)
    assert result.mean[1] == 0.0 and result.std[1] == 0.0
    assert result.importances.shape == (3, 5)


def test_same_seed_same_numbers_other_seed_other_numbers():
    x, y = regression_data(100)
    model = weighted_sum_model([3.0, 0.0, 1.0])
    first = gn.inspect.permutation_importance(model, x, y, seed=1)
    again = gn.inspect.permutation_importance(model, x, y, seed=1)
    other = gn.inspect.permutation_importance(model, x, y, seed=2)
    np.testing.assert_array_equal(first.mean, again.mean)
    assert not np.array_equal(first.mean, other.mean)


def test_trained_classifier_uses_accuracy_and_finds_the_informative_feature():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(300, 4))
    y = (x[:, 1] > 0).astype(np.int64)
    gn.seed(3)
    model = gn.Sequential([gn.Dense(8, activation="relu"), gn.Dense(2)])
    model.compile("adam", "categorical_crossentropy", ["accuracy"], lr=0.05)
    model.fit(x, y, epochs=30, batch_size=32, verbose=0)
    result = gn.inspect.permutation_importance(model, x, y, n_repeats=3)
    assert result.metric == "accuracy"
    assert result.ranked()[0][0] == "x2"
    assert result.mean[1] > 0.3 and np.all(np.abs(np.delete(result.mean, 1)) < 0.05)
    text = str(result)
    assert "drop in accuracy" in text and text.splitlines()[2].split()[:2] == ["1", "x2"]
    data = json.loads(json.dumps(result.to_dict()))
    assert data["features"][0]["name"] == "x2" and data["repeats"] == 3


def test_metric_can_be_a_name_or_a_function():
    x, y = regression_data(100)
    model = weighted_sum_model([3.0, 0.0, 1.0])
    by_mse = gn.inspect.permutation_importance(model, x, y, metric="mse")
    assert by_mse.metric == "mse" and by_mse.mean[0] > by_mse.mean[2] > 0  # error grows: positive

    def negative_mae(y_true, outputs):
        return -np.abs(y_true - outputs.reshape(-1)).mean()

    by_function = gn.inspect.permutation_importance(model, x, y, metric=negative_mae)
    assert by_function.metric == "negative_mae"
    assert by_function.ranked()[0][0] == "x1"


def test_bad_arguments_are_refused():
    x, y = regression_data(20)
    model = weighted_sum_model([1.0, 1.0, 1.0])
    with pytest.raises(ConfigError, match="n_repeats"):
        gn.inspect.permutation_importance(model, x, y, n_repeats=0)
    with pytest.raises(ShapeError, match="20 samples but 19 targets"):
        gn.inspect.permutation_importance(model, x, y[:19])
    with pytest.raises(ConfigError, match="needs class predictions"):
        gn.inspect.permutation_importance(model, x, y, metric="accuracy")
