"""RMSprop against PyTorch's documented update rule, written out independently here."""

from __future__ import annotations

import re

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError
from glassnet.optim import RMSprop
from tests.helpers import host

from ._problems import START, gradient, minimise_quadratic, run_optimizer


def rmsprop_reference(
    steps, lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False
):
    """torch.optim.RMSprop's algorithm in plain NumPy."""
    weights = START.copy()
    square_avg = np.zeros_like(weights)
    grad_avg = np.zeros_like(weights)
    buffer = np.zeros_like(weights)
    trajectory = []
    for step in range(1, steps + 1):
        g = gradient(weights, step)
        if weight_decay != 0:
            g = g + weight_decay * weights
        square_avg = alpha * square_avg + (1 - alpha) * g**2
        variance = square_avg
        if centered:
            grad_avg = alpha * grad_avg + (1 - alpha) * g
            variance = square_avg - grad_avg**2
        if momentum > 0:
            buffer = momentum * buffer + g / (np.sqrt(variance) + eps)
            weights = weights - lr * buffer
        else:
            weights = weights - lr * g / (np.sqrt(variance) + eps)
        trajectory.append(weights)
    return trajectory


@pytest.mark.parametrize(
    "settings",
    [
        {"lr": 0.01},
        {"lr": 0.05, "alpha": 0.9, "eps": 0.1},
        {"lr": 0.01, "momentum": 0.9},
        {"lr": 0.01, "weight_decay": 0.2},
        {"lr": 0.02, "centered": True},
        {"lr": 0.02, "alpha": 0.8, "centered": True, "momentum": 0.5, "weight_decay": 0.1},
    ],
)
def test_first_three_steps_match_reference(settings):
    got = run_optimizer(RMSprop, steps=3, **settings)
    expected = rmsprop_reference(3, **settings)
    for step, (g, e) in enumerate(zip(got, expected, strict=True), start=1):
        np.testing.assert_allclose(g, e, rtol=1e-13, atol=1e-15, err_msg=f"step {step}")


@pytest.mark.parametrize(
    "settings",
    [{"lr": 0.01}, {"lr": 0.01, "momentum": 0.5, "centered": True}],
)
def test_minimises_a_quadratic(settings):
    target = np.array([1.0, -2.0, 0.5, 3.0, -0.25], dtype=np.float32)
    weights = gn.Tensor(np.zeros(5), requires_grad=True)
    first, last = minimise_quadratic(RMSprop([weights], **settings), weights, target, steps=600)
    assert first > 14.0
    assert last < 1e-4
    np.testing.assert_allclose(host(weights), target, atol=1e-2)


def test_centered_variance_never_goes_below_zero():
    # Constant gradients make the centred variance exactly 0 in exact arithmetic;
    # rounding must not turn it into sqrt(negative) = NaN.
    weights = gn.Tensor(np.zeros(1000), requires_grad=True, dtype=np.float32)
    optimizer = RMSprop([weights], lr=0.01, centered=True)
    rng = np.random.default_rng(0)
    constant = rng.uniform(-3, 3, size=1000).astype(np.float32)
    for _ in range(50):
        weights.grad = constant
        optimizer.step()
    assert np.all(np.isfinite(host(weights)))


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"lr": -1}, "learning rate must be a positive number, got -1"),
        ({"alpha": 1.5}, "alpha must be a number in [0, 1), got 1.5"),
        ({"eps": -1e-8}, "eps must be a positive number, got -1e-08"),
        ({"momentum": 1}, "momentum must be a number in [0, 1), got 1"),
        ({"weight_decay": -0.5}, "weight_decay must be a non-negative number, got -0.5"),
        ({"centered": "no"}, "centered must be True or False, got 'no'"),
    ],
)
def test_bad_settings_raise_config_error_quoting_the_value(settings, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        RMSprop([gn.Tensor([1.0], requires_grad=True)], **settings)
