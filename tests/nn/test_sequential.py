"""Sequential: layers applied in order, paths, gradients, state and configuration."""

from __future__ import annotations

import json

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError
from glassnet.nn.layers_registry import LAYERS
from tests.helpers import (
    check_forward,
    check_gradients,
    check_shapes,
    check_state_roundtrip,
    random_array,
)


def _mlp():
    return gn.Sequential(
        [
            gn.Dense(5, activation="tanh"),
            gn.LayerNorm(),
            gn.Dense(4, activation="sigmoid"),
            gn.Dense(2),
        ],
        name="mlp",
    )


def test_sequential_layer_checks():
    x = random_array((6, 3), seed=1)
    check_forward(_mlp, x, (6, 2))
    check_shapes(_mlp, x, (6, 2))
    check_gradients(_mlp, x)
    check_state_roundtrip(_mlp, x)


def test_sequential_with_batchnorm_dropout_and_activation_layers_gradchecks():
    def make():
        return gn.Sequential(
            [
                gn.Dense(4),
                gn.BatchNorm(),
                gn.Tanh(),
                gn.Dropout(0.3, rng=0),
                gn.Dense(3),
                gn.Softmax(),
            ]
        )

    def fixed(model):
        def fn(x):
            model[3].rng = np.random.default_rng(7)
            return model(x)

        return fn

    check_gradients(make, random_array((5, 3), seed=2), fn=fixed)


def test_forward_is_the_composition_of_the_layers():
    model = _mlp()
    x = gn.Tensor(random_array((3, 3), seed=3))
    out = model(x)
    manual = x
    for layer in model.layers:
        manual = layer(manual)
    np.testing.assert_array_equal(out.numpy(), manual.numpy())


def test_parameter_paths_use_positions():
    model = _mlp()
    model(gn.Tensor(np.zeros((1, 3))))
    assert [name for name, _ in model.named_parameters()] == [
        "0.kernel",
        "0.bias",
        "1.gamma",
        "1.beta",
        "2.kernel",
        "2.bias",
        "3.kernel",
        "3.bias",
    ]


def test_nested_sequential_paths():
    model = gn.Sequential([gn.Dense(2), gn.Sequential([gn.Dense(3), gn.Dense(1)])])
    model(gn.Tensor(np.zeros((1, 4))))
    assert [name for name, _ in model.named_parameters()] == [
        "0.kernel",
        "0.bias",
        "1.0.kernel",
        "1.0.bias",
        "1.1.kernel",
        "1.1.bias",
    ]


def test_container_protocol_and_add():
    first, second = gn.Dense(2), gn.ReLU()
    model = gn.Sequential()
    assert model.add(first).add(second) is model
    assert len(model) == 2
    assert model[0] is first and model[-1] is second
    assert list(model) == [first, second]


def test_adding_something_that_is_not_a_layer_is_rejected():
    with pytest.raises(ConfigError, match="got ufunc at position 1"):
        gn.Sequential([gn.Dense(2), np.tanh])
    with pytest.raises(ConfigError, match="got str at position 0"):
        gn.Sequential().add("relu")


def test_eval_reaches_dropout_inside():
    model = gn.Sequential([gn.Dense(3, input_dim=3), gn.Dropout(0.9, rng=0)])
    x = gn.Tensor(np.ones((4, 3)))
    model.eval()
    np.testing.assert_array_equal(model(x).numpy(), model(x).numpy())
    model.train()
    assert not np.array_equal(model(x).numpy(), model(x).numpy())


def test_get_config_lists_layer_classes_and_their_configs():
    model = gn.Sequential(
        [gn.Dense(3, activation="relu", name="h"), gn.Dropout(0.1, name="d")], name="net"
    )
    config = model.get_config()
    assert json.loads(json.dumps(config)) == config
    assert config["name"] == "net"
    assert [entry["class"] for entry in config["layers"]] == ["dense", "dropout"]
    assert config["layers"][1]["config"] == {"rate": 0.1, "name": "d"}
    # The registry rebuilds it: the same architecture, layer by layer.
    rebuilt = gn.Sequential(
        [LAYERS.get(entry["class"])(**entry["config"]) for entry in config["layers"]],
        name=config["name"],
    )
    assert rebuilt.get_config() == config


def test_a_custom_layer_without_config_cannot_describe_the_model():
    class Custom(gn.Module):
        def forward(self, x):
            return x

    with pytest.raises(ConfigError, match="Custom"):
        gn.Sequential([Custom()]).get_config()
