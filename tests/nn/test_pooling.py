"""MaxPool2D, AvgPool2D and GlobalAveragePooling2D layers: layer checks, settings, errors."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError, ShapeError
from tests.helpers import check_layer, distinct_array, host, random_array


@pytest.mark.parametrize("layer_class", [gn.MaxPool2D, gn.AvgPool2D])
@pytest.mark.parametrize(
    ("options", "input_shape", "output_shape"),
    [
        ({}, (2, 3, 4, 6), (2, 3, 2, 3)),
        ({"pool_size": 3, "stride": 1, "padding": 1}, (2, 1, 4, 5), (2, 1, 4, 5)),
        ({"pool_size": (2, 3), "stride": (2, 1), "padding": "same"}, (2, 2, 5, 5), (2, 2, 3, 5)),
        ({"pool_size": 2, "padding": "valid"}, (2, 1, 5, 5), (2, 1, 2, 2)),
    ],
)
def test_pooling_layer_checks(layer_class, options, input_shape, output_shape):
    x = distinct_array(input_shape, seed=1)  # no ties inside a window
    check_layer(lambda: layer_class(**options), input_shape, output_shape, x=x)


def test_global_average_pooling_layer_checks_and_values():
    check_layer(lambda: gn.GlobalAveragePooling2D(), (2, 3, 4, 5), (2, 3))
    x = random_array((2, 3, 4, 5), seed=2)
    layer = gn.GlobalAveragePooling2D()
    out = layer(gn.Tensor(x, dtype=np.float64)).numpy()
    np.testing.assert_allclose(out, x.mean(axis=(2, 3)), rtol=1e-12)
    np.testing.assert_array_equal(host(layer.feature_maps), out)


def test_pooling_layers_record_feature_maps_and_compute_the_pool():
    x = distinct_array((2, 2, 4, 4), seed=3)
    pool = gn.MaxPool2D(2, name="pool1")
    out = pool(gn.Tensor(x, dtype=np.float64)).numpy()
    np.testing.assert_array_equal(out, x.reshape(2, 2, 2, 2, 2, 2).max(axis=(3, 5)))
    np.testing.assert_array_equal(host(pool.feature_maps), out)
    avg = gn.AvgPool2D(2)(gn.Tensor(x, dtype=np.float64)).numpy()
    np.testing.assert_allclose(avg, x.reshape(2, 2, 2, 2, 2, 2).mean(axis=(3, 5)), rtol=1e-12)


def test_pooling_errors_name_the_layer():
    with pytest.raises(
        ShapeError, match=r"MaxPool2D 'pool' expects inputs of shape \(N, C, H, W\), got \(8, 64\)"
    ):
        gn.MaxPool2D(name="pool")(gn.Tensor(np.zeros((8, 64))))
    with pytest.raises(ShapeError, match=r"GlobalAveragePooling2D 'gap' expects inputs of shape"):
        gn.GlobalAveragePooling2D(name="gap")(gn.Tensor(np.zeros((2, 3, 4))))
    with pytest.raises(
        ShapeError, match=r"AvgPool2D 'p3': the window \(3×3.*larger than the padded input 2"
    ):
        gn.AvgPool2D(3, name="p3")(gn.Tensor(np.zeros((1, 1, 2, 2))))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"pool_size": 0}, r"MaxPool2D pool_size must be a positive integer or a pair.*got 0"),
        ({"pool_size": 2, "stride": (1, 0)}, r"MaxPool2D stride .* got \(1, 0\)"),
        ({"pool_size": 2, "padding": 2}, r"MaxPool2D padding may be at most half the pool size"),
        ({"pool_size": 2, "padding": "full"}, r"MaxPool2D padding must be 'valid', 'same'"),
    ],
)
def test_pooling_settings_are_validated(options, message):
    with pytest.raises(ConfigError, match=message):
        gn.MaxPool2D(**options)


def test_pooling_config():
    assert gn.MaxPool2D(name="p").get_config() == {
        "pool_size": 2,
        "stride": None,
        "padding": 0,
        "name": "p",
    }
    layer = gn.AvgPool2D((3, 2), stride=1, padding=(1, 0), name="a")
    assert layer.get_config() == {"pool_size": [3, 2], "stride": 1, "padding": [1, 0], "name": "a"}
    assert gn.AvgPool2D(**layer.get_config()).get_config() == layer.get_config()
    assert gn.GlobalAveragePooling2D(name="g").get_config() == {"name": "g"}
