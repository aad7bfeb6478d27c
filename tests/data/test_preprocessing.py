"""Tests for glassnet/data/preprocessing.py and glassnet/data/labels.py."""

import json

import numpy as np
import pytest
from sklearn import preprocessing as skp

from glassnet.data.labels import ClassEncoder, one_hot
from glassnet.data.preprocessing import MinMaxScaler, StandardScaler, scaler_from_state
from glassnet.errors import ConfigError, DataError, ShapeError


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    train = rng.normal(loc=[0.0, 5.0, -3.0], scale=[1.0, 10.0, 0.1], size=(50, 3))
    test = rng.normal(loc=[0.0, 5.0, -3.0], scale=[1.0, 10.0, 0.1], size=(20, 3))
    return train, test


@pytest.mark.parametrize("feature_range", [(0, 1), (-1, 1)])
def test_minmax_matches_sklearn(data, feature_range):
    train, test = data
    ours = MinMaxScaler(feature_range).fit(train)
    theirs = skp.MinMaxScaler(feature_range=feature_range).fit(train)
    np.testing.assert_allclose(ours.transform(test), theirs.transform(test), rtol=1e-12)
    scaled_train = ours.transform(train)
    np.testing.assert_allclose(scaled_train.min(axis=0), feature_range[0])
    np.testing.assert_allclose(scaled_train.max(axis=0), feature_range[1])


def test_standard_matches_sklearn(data):
    train, test = data
    ours = StandardScaler().fit(train)
    theirs = skp.StandardScaler().fit(train)
    np.testing.assert_allclose(ours.transform(test), theirs.transform(test), rtol=1e-12)
    z = ours.fit_transform(train)
    np.testing.assert_allclose(z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(z.std(axis=0), 1.0, rtol=1e-12)


@pytest.mark.parametrize("scaler", [MinMaxScaler(), MinMaxScaler((-1, 1)), StandardScaler()])
def test_inverse_transform_round_trips(data, scaler):
    train, test = data
    scaler.fit(train)
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(test)), test, rtol=1e-12)


def test_constant_column_does_not_divide_by_zero():
    x = np.array([[1.0, 7.0], [2.0, 7.0], [3.0, 7.0]])
    minmax = MinMaxScaler().fit_transform(x)
    standard = StandardScaler().fit_transform(x)
    assert np.isfinite(minmax).all() and np.isfinite(standard).all()
    np.testing.assert_array_equal(minmax[:, 1], 0.0)  # maps to the low end, like sklearn
    np.testing.assert_array_equal(standard[:, 1], 0.0)  # centred only
    np.testing.assert_allclose(minmax, skp.MinMaxScaler().fit_transform(x))
    np.testing.assert_allclose(standard, skp.StandardScaler().fit_transform(x))


def test_dtype_float_kept_and_ints_become_float32():
    x32 = np.array([[1.0], [3.0]], dtype=np.float32)
    assert MinMaxScaler().fit_transform(x32).dtype == np.float32
    assert StandardScaler().fit(x32).transform(x32.astype(np.float64)).dtype == np.float64
    assert MinMaxScaler().fit_transform(np.array([[1], [3]])).dtype == np.float32


@pytest.mark.parametrize("scaler", [MinMaxScaler(), StandardScaler()])
def test_transform_before_fit_is_a_clear_error(scaler):
    with pytest.raises(DataError, match="before fit"):
        scaler.transform(np.zeros((2, 2)))


@pytest.mark.parametrize("scaler", [MinMaxScaler(), StandardScaler()])
def test_feature_count_mismatch_names_both_counts(scaler):
    scaler.fit(np.zeros((4, 3)))
    with pytest.raises(ShapeError, match=r"3 features.*got 5 features"):
        scaler.transform(np.zeros((2, 5)))
    with pytest.raises(ShapeError, match="3 features"):
        scaler.inverse_transform(np.zeros((2, 2)))


def test_bad_inputs():
    with pytest.raises(ShapeError, match="reshape"):
        MinMaxScaler().fit(np.arange(3.0))
    with pytest.raises(DataError, match="non-finite"):
        StandardScaler().fit(np.array([[1.0], [np.nan]]))
    with pytest.raises(DataError, match="numbers"):
        MinMaxScaler().fit(np.array([["a"], ["b"]]))
    with pytest.raises(ConfigError, match="low < high"):
        MinMaxScaler((1, 0))


@pytest.mark.parametrize("scaler", [MinMaxScaler((-1, 1)), StandardScaler()])
def test_state_round_trips_through_json(data, scaler):
    train, test = data
    scaler.fit(train)
    state = json.loads(json.dumps(scaler.get_state()))
    rebuilt = scaler_from_state(state)
    assert type(rebuilt) is type(scaler)
    np.testing.assert_array_equal(rebuilt.transform(test), scaler.transform(test))


def test_unfitted_state_round_trips():
    rebuilt = scaler_from_state(json.loads(json.dumps(MinMaxScaler((-1, 1)).get_state())))
    assert rebuilt.feature_range == (-1.0, 1.0) and not rebuilt.fitted


def test_scaler_from_state_refuses_unknown_or_broken_states():
    with pytest.raises(DataError, match=r"unknown scaler class 'os\.system'"):
        scaler_from_state({"class": "os.system"})
    with pytest.raises(DataError, match="'mean'"):
        scaler_from_state({"class": "StandardScaler"})
    with pytest.raises(DataError, match="dict"):
        scaler_from_state("StandardScaler")


def test_one_hot():
    result = one_hot([2, 0, 1])
    np.testing.assert_array_equal(result, np.eye(3)[[2, 0, 1]])
    assert result.dtype == np.float32
    assert one_hot(np.array([0.0, 1.0]), num_classes=4).shape == (2, 4)
    with pytest.raises(DataError, match=r"num_classes=2.*id\(s\) 5"):
        one_hot([0, 5], num_classes=2)
    with pytest.raises(DataError, match=">= 0"):
        one_hot([-1, 0])
    with pytest.raises(DataError, match="ClassEncoder"):
        one_hot(["a", "b"])


def test_class_encoder_strings_round_trip_and_state():
    encoder = ClassEncoder().fit(["dog", "cat", "bird", "cat"])
    assert encoder.classes.tolist() == ["bird", "cat", "dog"]
    ids = encoder.transform(["cat", "dog", "bird"])
    assert ids.tolist() == [1, 2, 0] and ids.dtype == np.int64
    assert encoder.inverse_transform(ids).tolist() == ["cat", "dog", "bird"]
    rebuilt = ClassEncoder.from_state(json.loads(json.dumps(encoder.get_state())))
    assert rebuilt.transform(["dog"]).tolist() == [2]


def test_class_encoder_ints_and_bools():
    encoder = ClassEncoder().fit(np.array([10, 3, 10]))
    assert encoder.transform([3, 10]).tolist() == [0, 1]
    state = json.loads(json.dumps(encoder.get_state()))
    assert state["classes"] == [3, 10]
    assert ClassEncoder().fit([True, False]).transform([True]).tolist() == [1]


def test_class_encoder_unseen_label_names_it():
    encoder = ClassEncoder().fit(["cat", "dog"])
    with pytest.raises(DataError, match="'cow'"):
        encoder.transform(["cat", "cow"])
    with pytest.raises(DataError, match="before fit"):
        ClassEncoder().transform(["cat"])
    with pytest.raises(DataError, match="missing"):
        ClassEncoder().fit(np.array(["a", None], dtype=object))
    with pytest.raises(DataError, match=r"0\.\.1"):
        encoder.inverse_transform([2])
