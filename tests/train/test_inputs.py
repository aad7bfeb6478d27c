"""Tests for glassnet.train.inputs: what fit/evaluate/predict accept and what they refuse."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import DataError, ShapeError
from glassnet.train.inputs import check_features, check_targets


def test_features_become_default_dtype_arrays():
    x = check_features([[1, 2], [3, 4]])
    assert x.dtype == np.float32
    np.testing.assert_array_equal(x, [[1.0, 2.0], [3.0, 4.0]])
    with gn.default_dtype("float64"):
        assert check_features(np.ones((2, 2), dtype=np.float32)).dtype == np.float64


def test_features_accept_tensors_and_bools():
    assert check_features(gn.Tensor(np.ones((3, 2)))).shape == (3, 2)
    np.testing.assert_array_equal(check_features(np.array([[True, False]])), [[1.0, 0.0]])


@pytest.mark.parametrize(
    ("value", "kind"), [(np.nan, "a NaN"), (np.inf, "an infinite"), (-np.inf, "an infinite")]
)
def test_non_finite_features_name_the_first_bad_index(value, kind):
    x = np.zeros((4, 3))
    x[2, 1] = value
    x[3, 0] = value
    with pytest.raises(DataError, match=rf"x holds {kind} value at index \(2, 1\)"):
        check_features(x)


def test_the_argument_name_appears_in_the_message():
    with pytest.raises(DataError, match="validation x holds a NaN"):
        check_features([[np.nan]], "validation x")


def test_one_dimensional_features_are_a_shape_error_with_a_hint():
    with pytest.raises(ShapeError, match=r"x\.reshape\(-1, 1\)"):
        check_features(np.arange(5.0))


@pytest.mark.parametrize("x", [np.zeros((0, 3)), np.float32(1.0), []])
def test_empty_or_scalar_features_are_refused(x):
    with pytest.raises(DataError, match="empty"):
        check_features(x)


@pytest.mark.parametrize("x", [[["a", "b"]], np.array([[None, 1.0]], dtype=object)])
def test_non_numeric_features_are_refused(x):
    with pytest.raises(DataError, match="must hold numbers"):
        check_features(x)


def test_ragged_features_are_refused():
    with pytest.raises(DataError, match="cannot be read as an array"):
        check_features([[1.0, 2.0], [3.0]])


def test_integer_targets_stay_integers_and_bools_become_integers():
    labels = check_targets(np.array([0, 2, 1], dtype=np.int32), 3)
    assert labels.dtype == np.int32
    assert check_targets(np.array([True, False]), 2).dtype == np.int64


def test_float_targets_become_default_dtype():
    assert check_targets(np.array([[0.5], [1.5]]), 2).dtype == np.float32


def test_target_count_must_match():
    with pytest.raises(ShapeError, match="x has 3 samples but y has 2"):
        check_targets([0, 1], 3)
    with pytest.raises(ShapeError, match="scalar"):
        check_targets(1, 3)


def test_text_targets_ask_for_encoding():
    with pytest.raises(DataError, match="ClassEncoder"):
        check_targets(np.array(["cat", "dog"]), 2)


def test_nan_targets_name_the_index():
    with pytest.raises(DataError, match=r"y holds a NaN value at index \(1,\)"):
        check_targets(np.array([0.0, np.nan, 1.0]), 3)
