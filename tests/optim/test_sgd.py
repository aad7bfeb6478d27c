"""SGD against PyTorch's documented update rule, written out independently here."""

from __future__ import annotations

import re

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError
from glassnet.optim import SGD
from tests.helpers import host

from ._problems import START, gradient, minimise_quadratic, run_optimizer


def sgd_reference(steps, lr, momentum=0.0, nesterov=False, weight_decay=0.0):
    """torch.optim.SGD's algorithm (dampening 0) in plain NumPy."""
    weights = START.copy()
    buffer = None
    trajectory = []
    for step in range(1, steps + 1):
        g = gradient(weights, step)
        if weight_decay != 0:
            g = g + weight_decay * weights
        if momentum != 0:
            buffer = g.copy() if buffer is None else momentum * buffer + g
            g = g + momentum * buffer if nesterov else buffer
        weights = weights - lr * g
        trajectory.append(weights)
    return trajectory


@pytest.mark.parametrize(
    "settings",
    [
        {"lr": 0.1},
        {"lr": 0.05, "momentum": 0.9},
        {"lr": 0.05, "momentum": 0.8, "nesterov": True},
        {"lr": 0.1, "weight_decay": 0.2},
        {"lr": 0.03, "momentum": 0.5, "nesterov": True, "weight_decay": 0.1},
    ],
)
def test_first_three_steps_match_reference(settings):
    got = run_optimizer(SGD, steps=3, **settings)
    expected = sgd_reference(3, **settings)
    for step, (g, e) in enumerate(zip(got, expected, strict=True), start=1):
        np.testing.assert_allclose(g, e, rtol=1e-13, atol=1e-15, err_msg=f"step {step}")


def test_plain_sgd_step_is_lr_times_gradient():
    weights = gn.Tensor([1.0, -2.0], requires_grad=True)
    weights.grad = np.array([0.5, 4.0], dtype=np.float32)
    SGD([weights], lr=0.25).step()
    np.testing.assert_array_equal(host(weights), np.array([0.875, -3.0], dtype=np.float32))


def test_momentum_accumulates_across_steps():
    weights = gn.Tensor([0.0], requires_grad=True, dtype=np.float64)
    optimizer = SGD([weights], lr=1.0, momentum=0.5)
    positions = []
    for _ in range(3):
        weights.grad = np.array([1.0])
        optimizer.step()
        positions.append(weights.item())
    # buffers 1, 1.5, 1.75 -> positions -1, -2.5, -4.25
    assert positions == [-1.0, -2.5, -4.25]


@pytest.mark.parametrize(
    "settings",
    [{"lr": 0.1}, {"lr": 0.05, "momentum": 0.9}, {"lr": 0.05, "momentum": 0.9, "nesterov": True}],
)
def test_minimises_a_quadratic(settings):
    target = np.array([1.0, -2.0, 0.5, 3.0, -0.25], dtype=np.float32)
    weights = gn.Tensor(np.zeros(5), requires_grad=True)
    first, last = minimise_quadratic(SGD([weights], **settings), weights, target, steps=200)
    assert first > 14.0
    assert last < 1e-6
    np.testing.assert_allclose(host(weights), target, atol=1e-3)


def test_weight_decay_equals_adding_decay_to_the_gradient():
    decayed = gn.Tensor([2.0, -4.0], requires_grad=True, dtype=np.float64)
    manual = gn.Tensor([2.0, -4.0], requires_grad=True, dtype=np.float64)
    with_decay = SGD([decayed], lr=0.1, momentum=0.9, weight_decay=0.5)
    without = SGD([manual], lr=0.1, momentum=0.9)
    for step in range(4):
        grad = np.array([1.0, -0.5]) * (step + 1)
        decayed.grad = grad
        manual.grad = grad + 0.5 * host(manual)
        with_decay.step()
        without.step()
    np.testing.assert_allclose(host(decayed), host(manual), rtol=1e-14)
    assert not np.allclose(host(decayed), [2.0, -4.0])


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"lr": -0.1}, "learning rate must be a positive number, got -0.1"),
        ({"lr": 0}, "learning rate must be a positive number, got 0"),
        ({"lr": float("nan")}, "learning rate must be a positive number, got nan"),
        ({"lr": float("inf")}, "learning rate must be a positive number, got inf"),
        ({"lr": "0.1"}, "learning rate must be a positive number, got '0.1'"),
        ({"lr": True}, "learning rate must be a positive number, got True"),
        ({"momentum": 1.0}, "momentum must be a number in [0, 1), got 1.0"),
        ({"momentum": -0.5}, "momentum must be a number in [0, 1), got -0.5"),
        ({"nesterov": True}, "nesterov=True needs a momentum greater than 0"),
        ({"nesterov": "yes", "momentum": 0.9}, "nesterov must be True or False, got 'yes'"),
        ({"weight_decay": -0.01}, "weight_decay must be a non-negative number, got -0.01"),
    ],
)
def test_bad_settings_raise_config_error_quoting_the_value(settings, message):
    weights = gn.Tensor([1.0], requires_grad=True)
    with pytest.raises(ConfigError, match=re.escape(message)):
        SGD([weights], **settings)
