"""Dense: the weighted sum + bias + activation, its weight layout, checks and configuration."""

from __future__ import annotations

import re

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError, ShapeError
from tests.helpers import check_layer, random_array, set_values


@pytest.mark.parametrize(
    ("make_layer", "input_shape", "output_shape"),
    [
        (lambda: gn.Dense(3), (4, 5), (4, 3)),
        (lambda: gn.Dense(3, activation="tanh"), (4, 5), (4, 3)),
        (lambda: gn.Dense(2, activation="sigmoid", use_bias=False), (4, 5), (4, 2)),
        (lambda: gn.Dense(3, activation="softmax"), (4, 2), (4, 3)),
        (lambda: gn.Dense(3, activation="gelu", bias_initializer="ones"), (2, 5, 4), (2, 5, 3)),
        (
            lambda: gn.Dense(2, kernel_initializer=gn.initializers.Uniform(-1, 1)),
            (3, 2, 2, 4),
            (3, 2, 2, 2),
        ),
    ],
    ids=["linear", "tanh", "no-bias", "softmax", "3d-gelu", "4d"],
)
def test_dense_layer_checks(make_layer, input_shape, output_shape):
    check_layer(make_layer, input_shape, output_shape)


def test_dense_relu_gradients_away_from_the_kink():
    # Positive inputs and a positive kernel keep every pre-activation well above 0.
    def make_layer():
        return gn.Dense(
            3,
            activation="relu",
            kernel_initializer=gn.initializers.Uniform(0.1, 1.0),
            bias_initializer="ones",
        )

    check_layer(make_layer, (4, 5), (4, 3), x=random_array((4, 5), seed=2, low=0.1, high=1.0))


def test_kernel_rows_are_inputs_and_columns_are_outputs():
    layer = gn.Dense(3, input_dim=2)
    assert layer.kernel.shape == (2, 3)
    assert layer.bias.shape == (3,)
    kernel = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    set_values(layer.kernel, kernel)
    set_values(layer.bias, [0.5, -0.5, 1.0])
    x = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 1.0]])
    np.testing.assert_allclose(layer(gn.Tensor(x)).numpy(), x @ kernel + [0.5, -0.5, 1.0])
    # Output neuron j of input neuron i is connected by kernel[i, j].
    np.testing.assert_allclose(
        layer(gn.Tensor([[0.0, 1.0]])).numpy()[0] - layer.bias.numpy(), kernel[1]
    )


def test_dense_3d_input_applies_the_same_weights_at_every_position():
    layer = gn.Dense(2, input_dim=3)
    x = random_array((4, 5, 3), seed=3)
    out = layer(gn.Tensor(x)).numpy()
    for i in range(4):
        np.testing.assert_allclose(out[i], layer(gn.Tensor(x[i])).numpy(), rtol=1e-6)


def test_activation_is_applied_after_the_weighted_sum():
    layer = gn.Dense(2, activation="sigmoid", input_dim=2)
    linear = gn.Dense(2, input_dim=2)
    linear.load_state_dict(layer.state_dict())
    x = gn.Tensor(random_array((3, 2), seed=4))
    np.testing.assert_allclose(layer(x).numpy(), 1 / (1 + np.exp(-linear(x).numpy())), rtol=1e-6)


def test_a_callable_activation_is_used_as_is():
    layer = gn.Dense(2, activation=lambda z: z * 2.0, input_dim=2, use_bias=False)
    x = gn.Tensor([[1.0, 1.0]])
    np.testing.assert_allclose(
        layer(x).numpy(), 2 * layer.kernel.numpy().sum(axis=0, keepdims=True)
    )
    with pytest.raises(ConfigError, match="no registered name"):
        layer.get_config()


def test_input_dim_builds_the_weights_immediately():
    layer = gn.Dense(4, input_dim=3)
    assert layer.built
    assert [name for name, _ in layer.named_parameters()] == ["kernel", "bias"]
    assert gn.Dense(4).parameters() == []


def test_no_bias():
    layer = gn.Dense(4, use_bias=False, input_dim=3)
    assert [name for name, _ in layer.named_parameters()] == ["kernel"]
    assert layer.count_params() == 12


def test_dense_accepts_nested_lists():
    layer = gn.Dense(2, activation="relu")
    assert layer([[1.0, 0.5]]).shape == (1, 2)
    assert layer.kernel.shape == (2, 2)


def test_weights_follow_the_dtype_policy():
    assert gn.Dense(2, input_dim=2).kernel.dtype == np.float32
    with gn.default_dtype("float64"):
        layer = gn.Dense(2, input_dim=2)
    assert layer.kernel.dtype == np.float64
    assert layer.bias.dtype == np.float64


def test_default_initializers_glorot_kernel_and_zero_bias():
    layer = gn.Dense(300, input_dim=200, rng=0)
    limit = np.sqrt(6 / 500)
    assert np.abs(layer.kernel.numpy()).max() <= limit
    assert np.abs(layer.kernel.numpy()).max() > 0.95 * limit
    np.testing.assert_array_equal(layer.bias.numpy(), np.zeros(300))


def test_rng_seed_gives_the_same_weights():
    a, b = gn.Dense(5, rng=42, input_dim=3), gn.Dense(5, rng=42, input_dim=3)
    np.testing.assert_array_equal(a.kernel.numpy(), b.kernel.numpy())
    c = gn.Dense(5, rng=43, input_dim=3)
    assert not np.array_equal(a.kernel.numpy(), c.kernel.numpy())


# -- misuse -------------------------------------------------------------------------------------


def test_feature_mismatch_names_the_layer_and_both_shapes():
    layer = gn.Dense(10, name="hidden1", input_dim=64)
    with pytest.raises(
        ShapeError, match=r"Dense 'hidden1' expects inputs with 64 features .*got shape \(32, 63\)"
    ):
        layer(gn.Tensor(np.zeros((32, 63))))


def test_feature_mismatch_after_a_lazy_build():
    layer = gn.Dense(3, name="late")
    layer(gn.Tensor(np.zeros((2, 4))))
    with pytest.raises(ShapeError, match=r"Dense 'late' expects inputs with 4 features.*\(2, 5\)"):
        layer(gn.Tensor(np.zeros((2, 5))))


def test_a_one_dimensional_input_is_rejected():
    with pytest.raises(
        ShapeError,
        match=r"Dense 'flat' expects inputs of shape \(samples, features\), got shape \(4,\)",
    ):
        gn.Dense(3, name="flat")(gn.Tensor(np.zeros(4)))
    layer = gn.Dense(3, input_dim=4)
    with pytest.raises(ShapeError, match=r"\(4,\)"):
        layer(gn.Tensor(np.zeros(4)))


@pytest.mark.parametrize("units", [0, -3, 2.5, True, "8", None])
def test_units_must_be_a_positive_integer(units):
    with pytest.raises(ConfigError, match=re.escape(f"got {units!r}")):
        gn.Dense(units)


def test_units_accepts_numpy_integers():
    assert gn.Dense(np.int64(3)).units == 3


def test_unknown_activation_lists_the_valid_names():
    with pytest.raises(
        ConfigError, match=r"unknown activation 'rectifier'; valid names are: .*relu.*sigmoid"
    ):
        gn.Dense(3, activation="rectifier")


def test_unknown_initializer_lists_the_valid_names():
    with pytest.raises(
        ConfigError,
        match=r"unknown initializer 'glorot'; valid names are: .*glorot_uniform.*he_normal",
    ):
        gn.Dense(3, kernel_initializer="glorot")


def test_unknown_regularizer_lists_the_valid_names():
    with pytest.raises(ConfigError, match=r"unknown regularizer 'l3'; valid names are: .*l1.*l2"):
        gn.Dense(3, kernel_regularizer="l3")


# -- configuration ----------------------------------------------------------------------------


def test_get_config_describes_every_argument():
    layer = gn.Dense(
        4,
        activation="relu",
        kernel_initializer=gn.initializers.Uniform(-1, 1),
        kernel_regularizer=gn.L2(0.001),
        name="hidden",
    )
    assert layer.get_config() == {
        "units": 4,
        "activation": "relu",
        "use_bias": True,
        "kernel_initializer": {"name": "uniform", "low": -1, "high": 1},
        "bias_initializer": "zeros",
        "kernel_regularizer": {"name": "l2", "l2": 0.001},
        "bias_regularizer": None,
        "name": "hidden",
    }
    clone = gn.Dense(**layer.get_config())
    assert clone.get_config() == layer.get_config()
    assert isinstance(clone.kernel_initializer, gn.initializers.Uniform)
    assert clone.kernel_regularizer.l2 == 0.001


def test_regularizer_by_name_reaches_the_parameter():
    layer = gn.Dense(2, kernel_regularizer="l2", input_dim=2)
    assert isinstance(layer.kernel.regularizer, gn.L2)
    assert layer.bias.regularizer is None
