"""Conv2D and Conv1D layers: the shared layer checks, glass-box access, settings and errors."""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError, ShapeError
from tests.helpers import (
    as_float64_tensor,
    away_from,
    check_gradients,
    check_layer,
    host,
    random_array,
    set_values,
)
from tests.ops.test_conv import reference_conv1d, reference_conv2d


@pytest.mark.parametrize(
    ("options", "input_shape", "output_shape"),
    [
        ({"filters": 3, "kernel_size": 3}, (2, 1, 5, 5), (2, 3, 3, 3)),
        ({"filters": 2, "kernel_size": (3, 2), "padding": "same"}, (2, 2, 4, 5), (2, 2, 4, 5)),
        ({"filters": 2, "kernel_size": 2, "stride": 2, "padding": 1}, (2, 1, 5, 4), (2, 2, 3, 3)),
        (
            {"filters": 2, "kernel_size": 2, "dilation": (2, 1), "use_bias": False},
            (2, 2, 5, 5),
            (2, 2, 3, 4),
        ),
        (
            {"filters": 2, "kernel_size": 3, "padding": (1, 0), "activation": "tanh"},
            (2, 1, 4, 5),
            (2, 2, 4, 3),
        ),
        (
            {"filters": 2, "kernel_size": 2, "padding": [[0, 1], [1, 0]], "stride": (1, 2)},
            (2, 1, 4, 4),
            (2, 2, 4, 2),
        ),
    ],
)
def test_conv2d_layer_checks(options, input_shape, output_shape):
    check_layer(lambda: gn.Conv2D(**options, rng=0), input_shape, output_shape)


def test_conv2d_with_relu_gradients_away_from_the_kink():
    # A fixed positive-and-negative kernel on inputs that keep every sum away from 0.
    class Fixed(gn.Conv2D):
        def build(self, input_shape):
            super().build(input_shape)
            set_values(self.kernel, [[[[1.0, -0.5], [0.25, 0.5]]], [[[-1.0, 0.5], [0.5, -0.25]]]])
            set_values(self.bias, [0.0125, -0.0125])

    x = away_from((2, 1, 4, 4), points=(0.0,), margin=0.3, seed=3)
    x = np.sign(x) * np.round(np.abs(x), 1)  # sums: a multiple of 0.025 ± 0.0125, never 0
    check_gradients(lambda: Fixed(2, 2, activation="relu"), x)


@pytest.mark.parametrize(
    ("options", "input_shape", "output_shape"),
    [
        ({"filters": 3, "kernel_size": 3}, (2, 2, 7), (2, 3, 5)),
        ({"filters": 2, "kernel_size": 3, "padding": "same", "stride": 2}, (2, 1, 7), (2, 2, 4)),
        ({"filters": 2, "kernel_size": 2, "padding": 1, "dilation": 2}, (2, 2, 6), (2, 2, 6)),
    ],
)
def test_conv1d_layer_checks(options, input_shape, output_shape):
    check_layer(lambda: gn.Conv1D(**options, rng=0), input_shape, output_shape)


def test_conv_layers_compute_the_reference_convolution():
    x = random_array((2, 2, 6, 5), seed=4)
    with gn.default_dtype("float64"):
        layer = gn.Conv2D(3, (3, 2), stride=(2, 1), padding="same", dilation=1, rng=1)
        out = layer(as_float64_tensor(x)).numpy()
    pads = ((0, 1), (0, 1))  # 'same', as Keras: ceil(6 / 2) = 3 rows need 1 more, at the end
    expected = reference_conv2d(x, layer.filters, layer.bias.numpy(), (2, 1), pads, (1, 1))
    np.testing.assert_allclose(out, expected, atol=1e-12)
    x1 = random_array((2, 2, 9), seed=5)
    with gn.default_dtype("float64"):
        layer1 = gn.Conv1D(2, 3, dilation=2, padding=2, rng=2)
        out1 = layer1(as_float64_tensor(x1)).numpy()
    expected1 = reference_conv1d(x1, layer1.filters, layer1.bias.numpy(), 1, (2, 2), 2)
    np.testing.assert_allclose(out1, expected1, atol=1e-12)


def test_filters_are_numpy_and_feature_maps_are_the_last_call_on_the_layers_device():
    layer = gn.Conv2D(4, 3, padding="same", activation="relu", name="conv1", rng=0)
    assert layer.filters is None and layer.feature_maps is None  # not built, not called
    x = random_array((2, 1, 6, 6), seed=6)
    out = layer(gn.Tensor(x))
    assert isinstance(layer.filters, np.ndarray) and layer.filters.shape == (4, 1, 3, 3)
    assert layer.filters is not None
    if layer.kernel.device == "cpu":
        assert np.shares_memory(layer.filters, layer.kernel.data)  # a view, no copy
    else:
        np.testing.assert_array_equal(layer.filters, layer.kernel.numpy())  # a host copy
    assert type(layer.feature_maps) is type(layer.kernel.data)  # on the CPU, a NumPy array
    assert gn.backend.device_of(layer.feature_maps) == layer.kernel.device
    assert layer.feature_maps.shape == (2, 4, 6, 6)
    np.testing.assert_array_equal(host(layer.feature_maps), out.numpy())
    assert host(layer.feature_maps).min() >= 0  # after the activation
    layer(gn.Tensor(x[:1]))
    assert layer.feature_maps.shape == (1, 4, 6, 6)


def test_feature_maps_function_runs_a_model_in_eval_mode_and_restores_it():
    gn.seed(0)
    model = gn.Sequential(
        [
            gn.Conv2D(2, 3, name="c1", activation="relu"),
            gn.Dropout(0.5),
            gn.Conv2D(3, 2, name="c2"),
            gn.Flatten(),
            gn.Dense(2),
        ]
    )
    x = random_array((4, 1, 6, 6), seed=7)
    maps = gn.feature_maps(model, x, "c2")
    assert maps.shape == (4, 3, 3, 3) and maps.flags.c_contiguous
    assert model.training and all(m.training for m in model.modules())
    # Eval mode: dropout is off, so the maps are c2 applied to c1's maps exactly.
    c1 = gn.feature_maps(model, x, 0)
    expected = model[2](gn.Tensor(c1)).numpy()
    np.testing.assert_allclose(maps, expected, rtol=1e-6)
    np.testing.assert_array_equal(gn.feature_maps(model, x, model[0]), c1)
    with pytest.raises(ConfigError, match=r"has no layer 'conv9'.*feature maps are: c1, c2"):
        gn.feature_maps(model, x, "conv9")
    with pytest.raises(ConfigError, match=r"Dense 'dense.*' records no feature maps"):
        gn.feature_maps(model, x, 4)


def test_conv_input_errors_name_the_layer_and_the_expected_shape():
    layer = gn.Conv2D(6, 5, name="conv1")
    layer(gn.Tensor(np.zeros((8, 3, 28, 28))))
    with pytest.raises(
        ShapeError,
        match=r"Conv2D 'conv1' expects inputs of shape \(N, 3, H, W\), got \(8, 1, 28, 28\)",
    ):
        layer(gn.Tensor(np.zeros((8, 1, 28, 28))))
    with pytest.raises(ShapeError, match=r"expects inputs of shape \(N, 3, H, W\), got \(8, 784\)"):
        layer(gn.Tensor(np.zeros((8, 784))))
    with pytest.raises(
        ShapeError, match=r"Conv2D 'c' expects inputs of shape \(N, C, H, W\), got \(8, 8\)"
    ):
        gn.Conv2D(2, 3, name="c")(gn.Tensor(np.zeros((8, 8))))
    with pytest.raises(ShapeError, match=r"Conv1D 'seq' expects inputs of shape \(N, C, L\)"):
        gn.Conv1D(2, 3, name="seq")(gn.Tensor(np.zeros((2, 1, 8, 8))))
    with pytest.raises(
        ShapeError,
        match=r"Conv2D 'big': the window \(5×5, dilation 1×1\) spans 5 in height, larger than "
        r"the padded input 4 \+ 0 = 4",
    ):
        gn.Conv2D(2, 5, name="big")(gn.Tensor(np.zeros((1, 1, 4, 4))))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"filters": 0, "kernel_size": 3}, r"Conv2D filters must be a positive integer, got 0"),
        ({"filters": 2.5, "kernel_size": 3}, r"filters must be a positive integer, got 2.5"),
        (
            {"filters": 2, "kernel_size": 0},
            r"Conv2D kernel_size must be a positive integer or a pair.*got 0",
        ),
        ({"filters": 2, "kernel_size": (3, -1)}, r"kernel_size .* got \(3, -1\)"),
        ({"filters": 2, "kernel_size": 3, "stride": 0}, r"Conv2D stride .* got 0"),
        ({"filters": 2, "kernel_size": 3, "dilation": (1, 0)}, r"Conv2D dilation .* got \(1, 0\)"),
        (
            {"filters": 2, "kernel_size": 3, "padding": "full"},
            r"Conv2D padding must be 'valid', 'same'",
        ),
        ({"filters": 2, "kernel_size": 3, "padding": -1}, r"Conv2D padding .* got -1"),
        ({"filters": 2, "kernel_size": 3, "activation": "nope"}, r"nope"),
    ],
)
def test_conv2d_settings_are_validated(options, message):
    with pytest.raises(ConfigError, match=message):
        gn.Conv2D(**options)


def test_conv1d_settings_are_validated():
    with pytest.raises(ConfigError, match=r"Conv1D padding must be 'valid', 'same' or an int"):
        gn.Conv1D(2, 3, padding=(1, 1))
    with pytest.raises(ConfigError, match=r"Conv1D kernel_size .* got 0"):
        gn.Conv1D(2, 0)


def test_conv_config_and_initialisation():
    layer = gn.Conv2D(4, (3, 2), stride=2, padding=[1, 0], activation="relu", name="c")
    assert layer.get_config() == {
        "filters": 4,
        "kernel_size": [3, 2],
        "stride": 2,
        "padding": [1, 0],
        "dilation": 1,
        "use_bias": True,
        "activation": "relu",
        "kernel_initializer": "he_uniform",
        "bias_initializer": "zeros",
        "kernel_regularizer": None,
        "bias_regularizer": None,
        "name": "c",
    }
    assert (layer.kernel_size, layer.stride, layer.dilation) == ((3, 2), (2, 2), (1, 1))
    layer(gn.Tensor(np.zeros((1, 16, 8, 8))))
    # he_uniform with fan_in = in_channels · kh · kw = 96: bound sqrt(6 / 96) = 0.25.
    assert np.abs(layer.filters).max() <= 0.25 and np.abs(layer.filters).max() > 0.2
    assert np.all(layer.bias.numpy() == 0)
    same = gn.Conv2D(4, 3, rng=5), gn.Conv2D(4, 3, rng=5)
    for conv in same:
        conv(gn.Tensor(np.zeros((1, 2, 5, 5))))
    np.testing.assert_array_equal(same[0].filters, same[1].filters)


def test_conv_regularizer_reaches_the_loss():
    layer = gn.Conv2D(2, 2, kernel_regularizer="l2", rng=0)
    layer(gn.Tensor(np.zeros((1, 1, 3, 3))))
    assert layer.regularization_loss().item() > 0


@pytest.mark.parametrize(
    "name",
    ["glassnet.nn.conv", "glassnet.nn.pooling", "glassnet.nn.models", "glassnet.nn.normalization"],
)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0
    assert result.failed == 0
