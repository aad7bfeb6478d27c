"""The baselines for each task and the size of fitted models."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.tree import DecisionTreeClassifier

from glassnet.compare.baselines import baselines, model_bytes
from glassnet.errors import ConfigError


def test_each_task_has_its_baselines_and_scaling_where_needed():
    assert next(n for n, _ in baselines("regression")) == "linear regression"
    anomaly = dict(baselines("anomaly"))
    assert "isolation forest" in anomaly and "random forest" in anomaly
    assert "isolation forest" not in dict(baselines("classification"))
    assert type(dict(baselines("classification"))["SVM"]).__name__ == "Pipeline"
    with pytest.raises(ConfigError, match="task must be one of"):
        baselines("clustering")


def test_model_bytes_counts_the_arrays_a_model_keeps():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(100, 4)), rng.integers(0, 2, 100)
    linear = LogisticRegression().fit(x, y)
    assert (
        model_bytes(linear)
        == linear.coef_.nbytes
        + linear.intercept_.nbytes
        + linear.classes_.nbytes
        + linear.n_iter_.nbytes
    )
    # k-nearest neighbours keeps its training samples: at least x's bytes.
    assert model_bytes(KNeighborsClassifier().fit(x, y)) >= x.nbytes
    tree = DecisionTreeClassifier(random_state=0).fit(x, y)
    assert model_bytes(tree) >= tree.tree_.node_count * 50
