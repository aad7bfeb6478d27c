"""Tests for glassnet/data/datasets.py."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from glassnet.data import datasets
from glassnet.errors import ConfigError

EXPECTED = {
    # name: (rows, features, task, number of classes or None)
    "toy3": (4, 3, "classification", 2),
    "xor": (4, 2, "classification", 2),
    "seven_segment": (10, 7, "classification", 10),
    "customers": (200, 1, "classification", 2),
    "iris": (150, 4, "classification", 3),
    "wine": (178, 13, "classification", 3),
    "breast_cancer": (569, 30, "classification", 2),
    "digits": (1797, 64, "classification", 10),
    "diabetes": (442, 10, "regression", None),
}


def test_names_lists_every_dataset():
    assert datasets.names() == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_shape_task_and_classes(name):
    rows, features, task, classes = EXPECTED[name]
    data = datasets.load(name)
    assert data.name == name and data.task == task
    assert data.x.shape == (rows, features) and data.x.dtype == np.float32
    assert data.y.shape == (rows,)
    assert len(data.feature_names) == features
    assert data.description
    if classes is None:
        assert data.class_names is None and data.y.dtype == np.float32
    else:
        assert data.y.dtype == np.int64 and data.num_classes == classes
        assert set(np.unique(data.y).tolist()) == set(range(classes))


def test_article_examples_exact_values():
    toy = datasets.load("toy3")
    np.testing.assert_array_equal(toy.x, [[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    assert toy.y.tolist() == [0, 0, 1, 1]
    xor = datasets.load("xor")
    assert xor.y.tolist() == [int(a) ^ int(b) for a, b in xor.x]
    seven = datasets.load("seven_segment")
    assert seven.feature_names == list("abcdefg")
    np.testing.assert_array_equal(seven.x[8], np.ones(7))  # 8 lights every segment
    np.testing.assert_array_equal(seven.x[1], [0, 1, 1, 0, 0, 0, 0])  # 1 is b and c
    assert seven.x.sum(axis=1).tolist() == [6, 2, 5, 5, 4, 5, 6, 3, 7, 6]
    assert len({tuple(row) for row in seven.x.tolist()}) == 10  # every digit distinct


def test_customers_50_percent_point_is_42():
    assert float(datasets.purchase_probability(42)) == 0.5  # by construction
    data = datasets.customers(n=20000, seed=1)
    assert data.x.min() >= 18 and data.x.max() <= 80
    # Fitting the article's single neuron recovers the threshold -b/w close to 42.
    model = LogisticRegression(C=1e6, max_iter=1000).fit(data.x, data.y)
    threshold = -model.intercept_[0] / model.coef_[0, 0]
    assert threshold == pytest.approx(42.0, abs=0.5)
    assert model.coef_[0, 0] == pytest.approx(0.25, rel=0.1)


def test_customers_is_seeded():
    a, b = datasets.customers(seed=3), datasets.customers(seed=3)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.y, datasets.customers(seed=4).y)
    np.testing.assert_array_equal(datasets.load("customers").x, datasets.customers().x)


def test_fixed_split_is_stratified_and_reproducible():
    iris = datasets.load("iris")
    x_train, x_test, _, y_test = iris.split()
    assert len(x_test) == 38 and len(x_train) == 112
    assert sorted(np.bincount(y_test).tolist()) == [12, 13, 13]
    again = iris.split()
    np.testing.assert_array_equal(x_test, again[1])
    other = iris.split(seed=1)
    assert not np.array_equal(x_test, other[1])
    _, x_test, _, y_test = datasets.load("diabetes").split(test_size=0.5)
    assert len(x_test) == 221 and y_test.dtype == np.float32


def test_unknown_name_lists_valid_names():
    with pytest.raises(ConfigError, match=r"unknown dataset 'mnist'.*breast_cancer.*xor"):
        datasets.load("mnist")
    assert datasets.load("Breast-Cancer").name == "breast_cancer"
