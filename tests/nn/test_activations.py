"""Activation registry and the activation layers (Activation, ReLU, LeakyReLU, …)."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet import ops
from glassnet.errors import ConfigError
from glassnet.nn.activations import ACTIVATIONS, activation_name, get_activation
from tests.helpers import away_from, check_layer, host

NOT_A_DERIVATIVE = {
    "step_straight_through"
}  # an estimator by design; see test_step_straight_through


def test_every_expected_activation_is_registered():
    expected = {"linear", "identity", "step", "heaviside", "sigmoid", "tanh", "relu", "leaky_relu"}
    expected |= {"elu", "gelu", "softplus", "softmax", "log_softmax", "step_straight_through"}
    assert set(ACTIVATIONS.names()) == expected


@pytest.mark.parametrize("name", sorted(set(ACTIVATIONS.names()) - NOT_A_DERIVATIVE))
def test_every_registered_activation_passes_gradcheck(name):
    fn = get_activation(name)
    x = away_from((4, 3), seed=1, margin=0.05)  # relu, leaky_relu, elu and step have a kink at 0
    layer = gn.Activation(name)
    gn.gradcheck(layer, x)
    gn.gradcheck(fn, x)


def test_step_straight_through_gradient_is_the_identity():
    layer = gn.Activation("step_straight_through")
    x = gn.Tensor(away_from((3, 2), seed=2), requires_grad=True, dtype=np.float64)
    out = layer(x)
    np.testing.assert_array_equal(out.numpy(), (x.numpy() >= 0).astype(float))
    out.backward(np.arange(6.0).reshape(3, 2))
    np.testing.assert_array_equal(host(x.grad), np.arange(6.0).reshape(3, 2))
    y = gn.Tensor(x.numpy(), requires_grad=True, dtype=np.float64)
    gn.Step(straight_through=True)(y).backward(np.arange(6.0).reshape(3, 2))
    np.testing.assert_array_equal(host(y.grad), host(x.grad))


LAYERS = [
    ("ReLU", lambda: gn.ReLU(), lambda x: np.maximum(x, 0)),
    ("LeakyReLU", lambda: gn.LeakyReLU(0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
    ("ELU", lambda: gn.ELU(0.5), lambda x: np.where(x > 0, x, 0.5 * np.expm1(x))),
    ("Sigmoid", lambda: gn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
    ("Tanh", lambda: gn.Tanh(), np.tanh),
    ("GELU", lambda: gn.GELU(), lambda x: ops.gelu(gn.Tensor(x, dtype=np.float64)).numpy()),
    ("Softplus", lambda: gn.Softplus(), lambda x: np.log1p(np.exp(x))),
    ("Softmax", lambda: gn.Softmax(), lambda x: np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True)),
    (
        "Softmax axis 0",
        lambda: gn.Softmax(axis=0),
        lambda x: np.exp(x) / np.exp(x).sum(axis=0, keepdims=True),
    ),
    (
        "LogSoftmax",
        lambda: gn.LogSoftmax(),
        lambda x: x - np.log(np.exp(x).sum(axis=-1, keepdims=True)),
    ),
    ("Step", lambda: gn.Step(), lambda x: (x >= 0).astype(float)),
    (
        "Activation elu",
        lambda: gn.Activation("elu", alpha=0.3),
        lambda x: np.where(x > 0, x, 0.3 * np.expm1(x)),
    ),
    ("Activation linear", lambda: gn.Activation("linear"), lambda x: x),
]


@pytest.mark.parametrize(
    ("name", "make_layer", "reference"), LAYERS, ids=[entry[0] for entry in LAYERS]
)
def test_activation_layers(name, make_layer, reference):
    x = away_from((4, 3), seed=3, margin=0.05)
    with gn.default_dtype("float64"):
        out = make_layer()(gn.Tensor(x))
    np.testing.assert_allclose(out.numpy(), reference(x), rtol=1e-10, atol=1e-12)
    check_layer(make_layer, (4, 3), (4, 3), x=x)


def test_straight_through_step_layer_checks_without_gradcheck():
    layer = gn.Step(straight_through=True, name="st")
    assert layer.get_config() == {"name": "st", "straight_through": True}
    assert gn.Step(**layer.get_config()).options == {"straight_through": True}
    assert layer.parameters() == []


def test_activation_options_are_passed_through():
    out = gn.LeakyReLU(0.2)(gn.Tensor([[-1.0, 2.0]]))
    np.testing.assert_allclose(out.numpy(), [[-0.2, 2.0]])
    out = gn.Activation("leaky_relu", alpha=0.5)(gn.Tensor([[-1.0]]))
    np.testing.assert_allclose(out.numpy(), [[-0.5]])


def test_activation_config_round_trip():
    layer = gn.Activation("leaky_relu", alpha=0.3, name="act")
    assert layer.get_config() == {"name": "act", "alpha": 0.3, "activation": "leaky_relu"}
    assert gn.LeakyReLU(0.1, name="lr").get_config() == {"name": "lr", "alpha": 0.1}
    assert gn.Softmax(axis=1, name="sm").get_config() == {"name": "sm", "axis": 1}


def test_the_articles_relu_example():
    np.testing.assert_array_equal(
        gn.Activation("relu")(gn.Tensor([[3.25, -1.0]])).numpy(), [[3.25, 0.0]]
    )


# -- the registry ----------------------------------------------------------------------------


def test_names_are_case_insensitive_and_accept_hyphens():
    assert get_activation("ReLU") is ops.relu
    assert get_activation("Leaky-ReLU") is ops.leaky_relu
    assert get_activation("heaviside") is ops.step


def test_none_is_the_identity_and_callables_pass_through():
    assert get_activation(None) is ops.identity

    def double(x):
        return x * 2.0

    assert get_activation(double) is double


def test_unknown_activation_name_lists_valid_names():
    with pytest.raises(
        ConfigError, match=r"unknown activation 'swish'; valid names are: elu, gelu, heaviside"
    ):
        get_activation("swish")
    with pytest.raises(ConfigError, match="unknown activation"):
        gn.Activation("swish")


def test_non_name_non_callable_is_rejected_with_valid_names():
    with pytest.raises(ConfigError, match=r"got int; valid names are: .*relu"):
        get_activation(3)


def test_activation_name_for_saving():
    assert activation_name(None) == "linear"
    assert activation_name("relu") == "relu"
    assert activation_name(ops.sigmoid) == "sigmoid"
    with pytest.raises(ConfigError, match="no registered name"):
        activation_name(lambda x: x)
