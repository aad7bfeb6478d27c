"""Weight penalties: values, gradients, names, configs, and their place in a model's loss."""

from __future__ import annotations

import json

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError
from glassnet.nn.regularizers import REGULARIZERS, get_regularizer, regularizer_config
from tests.helpers import away_from, host, random_array


@pytest.mark.parametrize(
    ("regularizer", "reference"),
    [
        (gn.L1(0.3), lambda w: 0.3 * np.abs(w).sum()),
        (gn.L2(0.2), lambda w: 0.2 * (w**2).sum()),
        (gn.L1L2(l1=0.1, l2=0.4), lambda w: 0.1 * np.abs(w).sum() + 0.4 * (w**2).sum()),
    ],
    ids=["L1", "L2", "L1L2"],
)
def test_penalty_values_and_gradients(regularizer, reference):
    w = away_from((4, 3), seed=1)  # |w| has a kink at 0
    penalty = regularizer(gn.Tensor(w, dtype=np.float64))
    assert penalty.shape == ()
    assert penalty.item() == pytest.approx(reference(w), rel=1e-12)
    gn.gradcheck(regularizer, w)


def test_l2_gradient_is_weight_decay():
    with gn.default_dtype("float64"):
        w = gn.Parameter(random_array((3,), seed=2))
    gn.L2(0.5)(w).backward()
    np.testing.assert_allclose(host(w.grad), w.numpy())


def test_registered_names_and_defaults():
    assert set(REGULARIZERS.names()) == {"l1", "l2", "l1_l2", "l1l2"}
    assert get_regularizer("l1").l1 == 0.01
    assert get_regularizer("l2").l2 == 0.01
    both = get_regularizer("l1_l2")
    assert (both.l1, both.l2) == (0.01, 0.01)


def test_get_regularizer_none_instance_and_dict():
    assert get_regularizer(None) is None
    penalty = gn.L1(0.2)
    assert get_regularizer(penalty) is penalty
    rebuilt = get_regularizer({"name": "l1l2", "l1": 0.0, "l2": 0.3})
    assert isinstance(rebuilt, gn.L1L2) and rebuilt.l2 == 0.3


def test_unknown_regularizer_lists_valid_names():
    with pytest.raises(
        ConfigError, match=r"unknown regularizer 'dropout'; valid names are: l1, l1_l2, l1l2, l2"
    ):
        get_regularizer("dropout")
    with pytest.raises(ConfigError, match="got float"):
        get_regularizer(0.1)


@pytest.mark.parametrize(
    "make", [lambda: gn.L1(-0.1), lambda: gn.L2("big"), lambda: gn.L1L2(l2=-1)]
)
def test_negative_or_non_numeric_strengths_are_rejected(make):
    with pytest.raises(ConfigError, match="non-negative number"):
        make()


@pytest.mark.parametrize(
    "regularizer", [gn.L1(0.3), gn.L2(0.002), gn.L1L2(0.1, 0.2)], ids=["L1", "L2", "L1L2"]
)
def test_config_round_trip(regularizer):
    config = regularizer_config(regularizer)
    assert json.loads(json.dumps(config)) == config
    rebuilt = get_regularizer(config)
    assert type(rebuilt) is type(regularizer)
    assert rebuilt.get_config() == regularizer.get_config()
    assert regularizer_config("l2") == "l2"
    assert regularizer_config(None) is None


def test_a_regularized_model_loss_passes_gradcheck():
    with gn.default_dtype("float64"):
        model = gn.Sequential(
            [
                gn.Dense(4, activation="tanh", kernel_regularizer=gn.L1L2(0.01, 0.02), input_dim=3),
                gn.Dense(
                    1,
                    kernel_regularizer=gn.L2(0.05),
                    bias_regularizer=gn.L2(0.1),
                    bias_initializer="ones",
                    input_dim=4,
                ),
            ]
        )
    x, y = random_array((5, 3), seed=3), random_array((5, 1), seed=4)
    loss_fn = gn.MSE()

    def objective(inputs):
        return loss_fn(model(inputs), y) + model.regularization_loss()

    gn.gradcheck(objective, x, params=model.named_parameters())


def test_penalty_shrinks_weights_under_gradient_descent():
    with gn.default_dtype("float64"):
        layer = gn.Dense(3, kernel_regularizer=gn.L2(0.5), kernel_initializer="ones", input_dim=2)
    for _ in range(10):
        layer.zero_grad()
        layer.regularization_loss().backward()
        layer.kernel.data -= 0.1 * layer.kernel.grad
    np.testing.assert_allclose(layer.kernel.numpy(), np.full((2, 3), 0.9**10))
