"""compare(): the same folds for every model, the table's numbers, the verdict from them."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.compare.comparison import compare, make_folds, prepare
from glassnet.compare.contenders import NetworkSettings
from glassnet.compare.verdict import ModelScores, verdict
from glassnet.errors import ConfigError, DataError

FAST = NetworkSettings(layers=(16,), iterations=30, min_epochs=3, max_epochs=5)


@pytest.fixture(scope="module")
def iris():
    return compare("iris", folds=3, network=FAST)


def test_every_model_has_a_row_with_its_fold_scores(iris):
    names = [row.model for row in iris.rows]
    assert names == [
        "network",
        "logistic regression",
        "decision tree",
        "k-nearest neighbours",
        "random forest",
        "SVM",
    ]
    for row in iris.rows:
        assert len(row.scores) == 3 and 0 <= row.mean <= 1 and row.size > 0
        assert row.fit_time > 0 and row.predict_time > 0
    assert iris.metric == "accuracy"
    # The network's size: float32 weights of 4→16→3.
    assert iris.row("network").size == 4 * (4 * 16 + 16 + 16 * 3 + 3)


def test_the_verdict_is_the_verdict_of_the_table(iris):
    best = max(iris.rows[1:], key=lambda row: row.mean)
    assert iris.best_baseline == best.model
    net = iris.row("network")
    again = verdict(
        ModelScores("network", net.scores, net.fit_time),
        ModelScores(best.model, best.scores, best.fit_time),
        "accuracy",
        test_fraction=0.5,
    )
    assert again.outcome == iris.verdict.outcome
    assert again.test.mean == pytest.approx(iris.verdict.test.mean)


def test_the_json_has_the_agreed_shape(iris):
    data = iris.to_dict()
    assert isinstance(data["metric"], str) and isinstance(data["verdict"], str)
    for row in data["rows"]:
        assert {
            "model": str,
            "mean": float,
            "std": float,
            "fit_time": float,
            "predict_time": float,
            "size": int,
        } == {
            key: type(row[key])
            for key in ("model", "mean", "std", "fit_time", "predict_time", "size")
        }


def test_folds_are_stratified_seeded_and_shared():
    data = prepare("iris")
    first, second = make_folds(data, 5, seed=3), make_folds(data, 5, seed=3)
    for (a, b), (c, d) in zip(first, second, strict=True):
        assert np.array_equal(a, c) and np.array_equal(b, d)
        assert np.bincount(data.y[b]).tolist() == [10, 10, 10]


def test_anomaly_data_adds_an_isolation_forest_scored_by_roc_auc():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 3))
    y = np.zeros(60, dtype=int)
    y[:8] = 1
    x[:8] += 4  # the anomalies lie far away
    result = compare(x, y, task="anomaly", folds=2, network=FAST)
    assert result.metric == "roc_auc"
    assert result.row("isolation forest").mean > 0.9


def test_anomaly_makes_the_rarer_class_positive_and_refuses_many_classes():
    data = prepare(np.zeros((6, 1)), np.array(["n", "n", "n", "n", "a", "a"]), task="anomaly")
    assert data.y.tolist() == [0, 0, 0, 0, 1, 1]
    with pytest.raises(DataError, match="two classes"):
        prepare("iris", task="anomaly")
    with pytest.raises(ConfigError, match="task must be"):
        prepare("iris", task="clustering")
    with pytest.raises(DataError, match="rarest class has 2"):
        compare(np.zeros((12, 1)), np.array([0] * 10 + [1] * 2), folds=5, network=FAST)
