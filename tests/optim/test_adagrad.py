"""Adagrad against PyTorch's documented update rule, written out independently here."""

from __future__ import annotations

import re

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError
from glassnet.optim import Adagrad
from tests.helpers import host

from ._problems import START, gradient, minimise_quadratic, run_optimizer


def adagrad_reference(
    steps, lr=0.01, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10
):
    """torch.optim.Adagrad's algorithm in plain NumPy."""
    weights = START.copy()
    total = np.full_like(weights, initial_accumulator_value)
    trajectory = []
    for t in range(1, steps + 1):
        g = gradient(weights, t)
        step_lr = lr / (1 + (t - 1) * lr_decay)
        if weight_decay != 0:
            g = g + weight_decay * weights
        total = total + g * g
        weights = weights - step_lr * g / (np.sqrt(total) + eps)
        trajectory.append(weights)
    return trajectory


@pytest.mark.parametrize(
    "settings",
    [
        {"lr": 0.1},
        {"lr": 0.1, "lr_decay": 0.5},
        {"lr": 0.1, "weight_decay": 0.3},
        {"lr": 0.1, "initial_accumulator_value": 2.0, "eps": 0.1},
    ],
)
def test_first_three_steps_match_reference(settings):
    got = run_optimizer(Adagrad, steps=3, **settings)
    expected = adagrad_reference(3, **settings)
    for step, (g, e) in enumerate(zip(got, expected, strict=True), start=1):
        np.testing.assert_allclose(g, e, rtol=1e-13, atol=1e-15, err_msg=f"step {step}")


def test_minimises_a_quadratic():
    target = np.array([1.0, -2.0, 0.5, 3.0, -0.25], dtype=np.float32)
    weights = gn.Tensor(np.zeros(5), requires_grad=True)
    first, last = minimise_quadratic(Adagrad([weights], lr=0.5), weights, target, steps=500)
    assert first > 14.0
    assert last < 1e-6
    np.testing.assert_allclose(host(weights), target, atol=1e-3)


def test_accumulator_starts_at_initial_value():
    weights = gn.Tensor([0.0], requires_grad=True, dtype=np.float64)
    optimizer = Adagrad([weights], lr=1.0, initial_accumulator_value=3.0)
    weights.grad = np.array([1.0])
    optimizer.step()
    np.testing.assert_array_equal(host(optimizer.state[weights].slots["sum"]), [4.0])
    np.testing.assert_allclose(host(weights), [-0.5], rtol=1e-9)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"lr": 0}, "learning rate must be a positive number, got 0"),
        ({"lr_decay": -1}, "lr_decay must be a non-negative number, got -1"),
        ({"weight_decay": -1}, "weight_decay must be a non-negative number, got -1"),
        (
            {"initial_accumulator_value": -0.1},
            "initial_accumulator_value must be a non-negative number, got -0.1",
        ),
        ({"eps": 0}, "eps must be a positive number, got 0"),
    ],
)
def test_bad_settings_raise_config_error_quoting_the_value(settings, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        Adagrad([gn.Tensor([1.0], requires_grad=True)], **settings)
