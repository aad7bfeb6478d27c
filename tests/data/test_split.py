"""Tests for glassnet/data/split.py."""

import numpy as np
import pytest

from glassnet.data.split import batches, train_test_split, train_val_test_split
from glassnet.errors import ConfigError, DataError, ShapeError


@pytest.fixture
def imbalanced():
    # 100 samples: 70 of class 0, 20 of class 1, 10 of class 2; x[i] = i to track rows.
    y = np.array([0] * 70 + [1] * 20 + [2] * 10)
    x = np.arange(100, dtype=np.float64).reshape(100, 1)
    return x, y


def test_sizes_and_that_parts_partition_the_rows(imbalanced):
    x, y = imbalanced
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, rng=0)
    assert len(x_train) == 80 and len(x_test) == 20
    rows = np.concatenate([x_train[:, 0], x_test[:, 0]])
    assert sorted(rows.tolist()) == list(range(100))  # every row exactly once
    # Rows keep their labels.
    np.testing.assert_array_equal(y[x_train[:, 0].astype(int)], y_train)
    np.testing.assert_array_equal(y[x_test[:, 0].astype(int)], y_test)


def test_stratification_keeps_class_proportions(imbalanced):
    x, y = imbalanced
    _, _, y_train, y_test = train_test_split(x, y, test_size=0.2, rng=3)
    assert np.bincount(y_test).tolist() == [14, 4, 2]
    assert np.bincount(y_train).tolist() == [56, 16, 8]


def test_stratification_is_the_default_for_labels_and_off_when_asked(imbalanced):
    x, y = imbalanced
    counts_default = {
        tuple(np.bincount(train_test_split(x, y, rng=s)[3], minlength=3)) for s in range(5)
    }
    assert counts_default == {(14, 4, 2)}
    counts_plain = {
        tuple(np.bincount(train_test_split(x, y, stratify=False, rng=s)[3], minlength=3))
        for s in range(20)
    }
    assert len(counts_plain) > 1  # a plain shuffle varies the class counts


def test_train_val_test_stratified(imbalanced):
    x, y = imbalanced
    parts = train_val_test_split(x, y, val_size=0.1, test_size=0.2, rng=0)
    x_train, x_val, x_test, _, y_val, y_test = parts
    assert (len(x_train), len(x_val), len(x_test)) == (70, 10, 20)
    assert np.bincount(y_test).tolist() == [14, 4, 2]
    assert np.bincount(y_val).tolist() == [7, 2, 1]
    rows = np.concatenate([x_train[:, 0], x_val[:, 0], x_test[:, 0]])
    assert sorted(rows.tolist()) == list(range(100))


def test_same_seed_same_split_different_seed_different_split(imbalanced):
    x, y = imbalanced
    first = train_test_split(x, y, rng=42)
    second = train_test_split(x, y, rng=42)
    third = train_test_split(x, y, rng=43)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[1], third[1])
    a = train_val_test_split(x, y, 0.1, 0.2, rng=np.random.default_rng(5))
    b = train_val_test_split(x, y, 0.1, 0.2, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(a[1], b[1])


def test_regression_target_is_not_stratified_and_y_may_be_none():
    x = np.arange(10.0).reshape(10, 1)
    y = np.linspace(0.0, 1.0, 10)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=3, rng=0)
    assert len(x_test) == 3 and len(y_test) == 3 and len(x_train) == len(y_train) == 7
    with pytest.raises(DataError, match="stratify=False"):
        train_test_split(x, y, stratify=True)
    _, x_test, y_train, y_test = train_test_split(x, test_size=0.5, rng=0)
    assert y_train is None and y_test is None and len(x_test) == 5


def test_one_hot_labels_are_stratified_by_class():
    y = np.eye(2)[[0] * 8 + [1] * 2]
    _, _, _, y_test = train_test_split(np.zeros((10, 1)), y, test_size=0.5, rng=0)
    assert y_test.argmax(axis=1).tolist().count(1) == 1


def test_rare_class_keeps_its_training_sample():
    # One sample of class 1: stratification must not move it to the test set.
    y = np.array([0] * 9 + [1])
    for seed in range(5):
        _, _, y_train, _ = train_test_split(np.zeros((10, 1)), y, test_size=0.5, rng=seed)
        assert 1 in y_train


def test_empty_splits_and_bad_sizes_are_refused():
    x, y = np.zeros((4, 1)), np.array([0, 1, 0, 1])
    with pytest.raises(DataError, match="training split empty"):
        train_test_split(x, y, test_size=4)
    with pytest.raises(DataError, match="nothing of 4 samples"):
        train_val_test_split(x, y, val_size=2, test_size=2)
    with pytest.raises(ConfigError, match=r"\(0, 1\)"):
        train_test_split(x, y, test_size=1.5)
    with pytest.raises(ConfigError, match="count"):
        train_test_split(x, y, test_size=0)
    with pytest.raises(ShapeError, match=r"4.*shape \(3,\)"):
        train_test_split(x, y[:3])


def test_batches_cover_every_sample_once():
    x = np.arange(10).reshape(10, 1)
    y = np.arange(10) * 10
    seen_x, sizes = [], []
    for x_batch, y_batch in batches(x, y, batch_size=4, shuffle=True, rng=0):
        np.testing.assert_array_equal(y_batch, x_batch[:, 0] * 10)
        seen_x.extend(x_batch[:, 0].tolist())
        sizes.append(len(x_batch))
    assert sizes == [4, 4, 2]
    assert sorted(seen_x) == list(range(10))
    assert seen_x != list(range(10))  # shuffled


def test_batches_without_shuffle_and_without_y():
    x = np.arange(5).reshape(5, 1)
    result = list(batches(x, batch_size=2, shuffle=False))
    assert [b[0][:, 0].tolist() for b in result] == [[0, 1], [2, 3], [4]]
    assert all(y_batch is None for _, y_batch in result)


def test_batches_are_seeded_and_checked_eagerly():
    x = np.arange(20).reshape(20, 1)
    first = [b[0].tolist() for b in batches(x, batch_size=3, rng=7)]
    second = [b[0].tolist() for b in batches(x, batch_size=3, rng=7)]
    assert first == second
    with pytest.raises(ConfigError, match="batch_size"):
        batches(x, batch_size=0)  # raised at the call, before iterating
    with pytest.raises(ShapeError):
        batches(x, np.zeros(3))
