"""Saving and restoring an optimizer: state_dict / load_state_dict."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from glassnet.errors import ConfigError
from glassnet.optim import SGD, Adam
from tests.helpers import host

from ._problems import ALL_OPTIMIZERS, LazyModel, train


def json_round_trip(config):
    """The config as it comes back from a JSON file (this also proves it serialises)."""
    return json.loads(json.dumps(config))


@pytest.mark.parametrize(("optimizer_cls", "settings"), ALL_OPTIMIZERS)
def test_state_dict_round_trip_continues_bit_identically(optimizer_cls, settings):
    uninterrupted_model = LazyModel()
    uninterrupted_model.build()
    uninterrupted = optimizer_cls(uninterrupted_model, **settings)
    train(uninterrupted, uninterrupted_model, steps=8)

    first_model = LazyModel()
    first_model.build()
    first = optimizer_cls(first_model, **settings)
    train(first, first_model, steps=3)
    config, arrays = first.state_dict()
    config = json_round_trip(config)
    arrays = {name: np.array(value) for name, value in arrays.items()}

    resumed_model = LazyModel()
    resumed_model.build()
    for weight, saved in zip(resumed_model.weights, first_model.weights, strict=True):
        weight.data[...] = saved.data
    # Built with default settings: loading must restore the saved hyperparameters too.
    resumed = optimizer_cls(resumed_model, lr=1.0)
    resumed.load_state_dict(config, arrays)
    assert resumed.get_config() == first.get_config()
    assert resumed.iterations == 3
    train(resumed, resumed_model, steps=5)

    for got, expected in zip(resumed_model.weights, uninterrupted_model.weights, strict=True):
        np.testing.assert_array_equal(host(got), host(expected))


def test_state_dict_layout():
    model = LazyModel()
    model.build()
    optimizer = Adam(model, lr=0.01)
    train(optimizer, model, steps=2)
    config, arrays = optimizer.state_dict()
    assert config["type"] == "Adam"
    assert config["iterations"] == 2
    assert config["param_steps"] == {"0": 2, "1": 2}
    assert config["hyperparameters"]["betas"] == [0.9, 0.999]
    assert sorted(arrays) == ["0.exp_avg", "0.exp_avg_sq", "1.exp_avg", "1.exp_avg_sq"]
    assert arrays["0.exp_avg"].shape == (3, 4)
    # Copies: training on does not change what was saved.
    saved = arrays["0.exp_avg"].copy()
    train(optimizer, model, steps=1)
    np.testing.assert_array_equal(arrays["0.exp_avg"], saved)


def saved_adam_state():
    model = LazyModel()
    model.build()
    optimizer = Adam(model, lr=0.01)
    train(optimizer, model, steps=2)
    return optimizer.state_dict()


def fresh_adam():
    model = LazyModel()
    model.build()
    return Adam(model, lr=0.5)


def test_loading_a_state_with_a_bad_hyperparameter_changes_nothing():
    config, arrays = saved_adam_state()
    config["hyperparameters"]["betas"] = [0.9, 1.5]
    optimizer = fresh_adam()
    with pytest.raises(
        ConfigError, match=re.escape("betas[1] must be a number in [0, 1), got 1.5")
    ):
        optimizer.load_state_dict(config, arrays)
    assert optimizer.lr == 0.5
    assert optimizer.betas == (0.9, 0.999)
    assert optimizer.iterations == 0
    assert len(optimizer.state) == 0


def test_loading_an_arrays_of_the_wrong_shape_raises_and_changes_nothing():
    config, arrays = saved_adam_state()
    arrays["1.exp_avg"] = np.zeros(5, dtype=np.float32)
    optimizer = fresh_adam()
    with pytest.raises(
        ConfigError, match=re.escape("'1.exp_avg' has shape (5,), but its parameter")
    ):
        optimizer.load_state_dict(config, arrays)
    assert optimizer.lr == 0.5 and len(optimizer.state) == 0


def corrupt(change):
    def apply():
        config, arrays = saved_adam_state()
        change(config, arrays)
        return config, arrays

    return apply


@pytest.mark.parametrize(
    ("make_state", "message"),
    [
        (
            corrupt(lambda c, a: c.update(type="SGD")),
            "saved by the optimizer SGD; it cannot be loaded into Adam",
        ),
        (corrupt(lambda c, a: c.pop("iterations")), "missing the entries: iterations"),
        (corrupt(lambda c, a: c["hyperparameters"].pop("eps")), "missing ['eps']"),
        (corrupt(lambda c, a: c["hyperparameters"].update(foo=1)), "unknown ['foo']"),
        (corrupt(lambda c, a: c.update(iterations=-1)), "iterations must be a non-negative"),
        (corrupt(lambda c, a: a.pop("0.exp_avg_sq")), "parameter 0 lacks the arrays: exp_avg_sq"),
        (
            corrupt(lambda c, a: a.update({"0.velocity": a["0.exp_avg"]})),
            "unknown array '0.velocity'",
        ),
        (corrupt(lambda c, a: a.update({"7.exp_avg": a["0.exp_avg"]})), "refers to parameter 7"),
        (corrupt(lambda c, a: c["param_steps"].pop("1")), "'1.exp_avg' but no step count"),
        (
            corrupt(lambda c, a: a.update({"0.exp_avg": np.zeros((3, 4), dtype=np.int64)})),
            "must hold floating-point numbers",
        ),
    ],
)
def test_load_state_dict_rejects_bad_states_with_config_error(make_state, message):
    config, arrays = make_state()
    with pytest.raises(ConfigError, match=re.escape(message)):
        fresh_adam().load_state_dict(config, arrays)


def test_loading_before_the_model_is_built_says_so():
    config, arrays = saved_adam_state()
    optimizer = Adam(LazyModel())
    with pytest.raises(ConfigError, match="build the model before loading"):
        optimizer.load_state_dict(config, arrays)


def test_a_saved_learning_rate_of_zero_can_be_loaded():
    optimizer = SGD([], lr=0.1)
    optimizer.lr = 0.0
    config, arrays = optimizer.state_dict()
    restored = SGD([], lr=0.3)
    restored.load_state_dict(config, arrays)
    assert restored.lr == 0.0
