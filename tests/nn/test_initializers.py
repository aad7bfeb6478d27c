"""Initializers: shapes, dtypes, determinism, the statistics each promises, names and configs."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError
from glassnet.nn.initializers import INITIALIZERS, fans, get_initializer, initializer_config

init = gn.initializers


def _rng(seed=0):
    return np.random.default_rng(seed)


@pytest.mark.parametrize("name", INITIALIZERS.names())
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_every_initializer_gives_its_shape_and_dtype_reproducibly(name, dtype):
    initializer = get_initializer(name)
    shape = (6, 4)
    a = initializer(shape, _rng(1), dtype)
    b = initializer(shape, _rng(1), dtype)
    assert a.shape == shape
    assert a.dtype == dtype
    assert np.all(np.isfinite(a))
    np.testing.assert_array_equal(a, b)


def test_expected_names_are_registered():
    expected = {
        "zeros",
        "ones",
        "uniform",
        "random_uniform",
        "normal",
        "random_normal",
        "orthogonal",
    }
    expected |= {"glorot_uniform", "xavier_uniform", "glorot_normal", "xavier_normal"}
    expected |= {"he_uniform", "kaiming_uniform", "he_normal", "kaiming_normal"}
    assert set(INITIALIZERS.names()) == expected
    assert get_initializer("xavier_uniform").__class__ is init.GlorotUniform
    assert get_initializer("kaiming_normal").__class__ is init.HeNormal


def test_fans_follow_the_inputs_outputs_layout():
    assert fans(()) == (1, 1)
    assert fans((7,)) == (7, 7)
    assert fans((64, 32)) == (64, 32)
    assert fans((16, 8, 3, 3)) == (8 * 9, 16 * 9)  # (out, in, kh, kw) convolution kernel


def test_constant_initializers():
    np.testing.assert_array_equal(init.Zeros()((2, 3), _rng(), np.float32), np.zeros((2, 3)))
    np.testing.assert_array_equal(init.Ones()((4,), _rng(), np.float32), np.ones(4))


def test_uniform_stays_in_its_range_and_has_the_right_mean():
    values = init.Uniform(-1, 1)((200, 200), _rng(), np.float64)
    assert values.min() >= -1 and values.max() < 1
    assert abs(values.mean()) < 0.01
    assert values.std() == pytest.approx(2 / math.sqrt(12), rel=0.02)
    default = get_initializer("uniform")((100,), _rng(), np.float64)
    assert np.abs(default).max() <= 0.05


def test_normal_std():
    values = init.Normal(std=0.3)((300, 300), _rng(), np.float64)
    assert values.std() == pytest.approx(0.3, rel=0.02)
    assert abs(values.mean()) < 0.005


@pytest.mark.parametrize(
    ("name", "kind", "scale"),
    [
        ("glorot_uniform", "uniform", lambda fi, fo: math.sqrt(6 / (fi + fo))),
        ("glorot_normal", "normal", lambda fi, fo: math.sqrt(2 / (fi + fo))),
        ("he_uniform", "uniform", lambda fi, fo: math.sqrt(6 / fi)),
        ("he_normal", "normal", lambda fi, fo: math.sqrt(2 / fi)),
    ],
)
def test_variance_scaling_initializers(name, kind, scale):
    fan_in, fan_out = 400, 100
    values = get_initializer(name)((fan_in, fan_out), _rng(2), np.float64)
    if kind == "uniform":
        limit = scale(fan_in, fan_out)
        assert np.abs(values).max() <= limit
        assert np.abs(values).max() > 0.99 * limit
        assert values.std() == pytest.approx(limit / math.sqrt(3), rel=0.03)
    else:
        assert values.std() == pytest.approx(scale(fan_in, fan_out), rel=0.03)


@pytest.mark.parametrize("shape", [(8, 5), (5, 8), (6, 6), (3, 4, 5)])
def test_orthogonal_columns_or_rows_are_orthonormal(shape):
    q = init.Orthogonal(gain=2.0)(shape, _rng(3), np.float64)
    assert q.shape == shape
    assert q.flags.c_contiguous  # wide shapes come from a transpose; parameters need C order
    flat = q.reshape(-1, shape[-1]) / 2.0
    rows, cols = flat.shape
    gram = flat.T @ flat if rows >= cols else flat @ flat.T
    np.testing.assert_allclose(gram, np.eye(min(rows, cols)), atol=1e-12)


def test_invalid_initializer_settings():
    with pytest.raises(ConfigError, match="low < high"):
        init.Uniform(1, -1)
    with pytest.raises(ConfigError, match="positive std, got 0"):
        init.Normal(std=0)
    with pytest.raises(ConfigError, match=r"2 or more axes, got shape \(4,\)"):
        init.Orthogonal()((4,), _rng(), np.float32)


def test_get_initializer_by_name_dict_and_instance():
    instance = init.Uniform(-2, 2)
    assert get_initializer(instance) is instance
    assert isinstance(get_initializer("HE_NORMAL"), init.HeNormal)
    rebuilt = get_initializer({"name": "normal", "std": 0.2})
    assert isinstance(rebuilt, init.Normal) and rebuilt.std == 0.2


def test_unknown_initializer_lists_valid_names():
    with pytest.raises(
        ConfigError, match=r"unknown initializer 'lecun'; valid names are: .*glorot_uniform.*zeros"
    ):
        get_initializer("lecun")
    with pytest.raises(ConfigError, match="valid names are"):
        get_initializer(0.5)


@pytest.mark.parametrize(
    "spec",
    [init.Uniform(-1, 1), init.Normal(0.2), init.Orthogonal(gain=0.5), init.HeNormal(), "zeros"],
)
def test_initializer_config_round_trip(spec):
    config = initializer_config(spec)
    assert json.loads(json.dumps(config)) == config
    rebuilt = get_initializer(config)
    expected = get_initializer(spec)
    assert type(rebuilt) is type(expected)
    assert rebuilt.get_config() == expected.get_config()
