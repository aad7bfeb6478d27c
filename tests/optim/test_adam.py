"""Adam and AdamW against PyTorch's documented update rules, written out independently."""

from __future__ import annotations

import re

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError
from glassnet.optim import Adam, AdamW
from tests.helpers import host

from ._problems import START, gradient, minimise_quadratic, run_optimizer


def adam_reference(
    steps,
    lr=0.001,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0.0,
    amsgrad=False,
    decoupled=False,
):
    """torch.optim.Adam / AdamW as documented: bias-corrected moments, eps outside sqrt."""
    beta1, beta2 = betas
    weights = START.copy()
    m = np.zeros_like(weights)
    v = np.zeros_like(weights)
    v_max = np.zeros_like(weights)
    trajectory = []
    for t in range(1, steps + 1):
        g = gradient(weights, t)
        if decoupled:
            weights = weights - lr * weight_decay * weights
        elif weight_decay != 0:
            g = g + weight_decay * weights
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1**t)
        if amsgrad:
            v_max = np.maximum(v_max, v)
            v_hat = v_max / (1 - beta2**t)
        else:
            v_hat = v / (1 - beta2**t)
        weights = weights - lr * m_hat / (np.sqrt(v_hat) + eps)
        trajectory.append(weights)
    return trajectory


ADAM_SETTINGS = [
    {"lr": 0.1},
    {"lr": 0.05, "betas": (0.8, 0.9)},
    # A large eps makes its placement (outside the square root, after bias
    # correction) visible in the numbers.
    {"lr": 0.1, "eps": 0.5},
    {"lr": 0.1, "weight_decay": 0.3},
    {"lr": 0.1, "betas": (0.5, 0.6), "amsgrad": True},
]


@pytest.mark.parametrize("settings", ADAM_SETTINGS)
def test_adam_first_three_steps_match_reference(settings):
    got = run_optimizer(Adam, steps=3, **settings)
    expected = adam_reference(3, **settings)
    for step, (g, e) in enumerate(zip(got, expected, strict=True), start=1):
        np.testing.assert_allclose(g, e, rtol=1e-13, atol=1e-15, err_msg=f"step {step}")


@pytest.mark.parametrize(
    "settings",
    [
        {"lr": 0.1},
        {"lr": 0.1, "weight_decay": 0.3},
        {"lr": 0.1, "eps": 0.5, "weight_decay": 0.5, "amsgrad": True, "betas": (0.5, 0.6)},
    ],
)
def test_adamw_first_three_steps_match_reference(settings):
    got = run_optimizer(AdamW, steps=3, **settings)
    expected = adam_reference(
        3, decoupled=True, weight_decay=settings.pop("weight_decay", 0.01), **settings
    )
    for step, (g, e) in enumerate(zip(got, expected, strict=True), start=1):
        np.testing.assert_allclose(g, e, rtol=1e-13, atol=1e-15, err_msg=f"step {step}")


def test_amsgrad_keeps_the_largest_second_moment():
    # A big gradient then small ones: AMSGrad keeps dividing by the big one's moment,
    # so its later steps are smaller than plain Adam's.
    def final_position(amsgrad):
        w = gn.Tensor([0.0], requires_grad=True, dtype=np.float64)
        optimizer = Adam([w], lr=0.1, betas=(0.0, 0.5), amsgrad=amsgrad)
        for g in [10.0, 0.1, 0.1, 0.1]:
            w.grad = np.array([g])
            optimizer.step()
        return w.item()

    assert abs(final_position(True)) < abs(final_position(False))


def test_first_step_has_size_lr_whatever_the_gradient_scale():
    for scale in [1e-3, 1.0, 1e3]:
        w = gn.Tensor([0.0, 0.0], requires_grad=True, dtype=np.float64)
        w.grad = np.array([scale, -scale])
        Adam([w], lr=0.01).step()
        np.testing.assert_allclose(host(w), [-0.01, 0.01], rtol=1e-5)


@pytest.mark.parametrize("optimizer_cls", [Adam, AdamW])
@pytest.mark.parametrize("amsgrad", [False, True])
def test_minimises_a_quadratic(optimizer_cls, amsgrad):
    target = np.array([1.0, -2.0, 0.5, 3.0, -0.25], dtype=np.float32)
    weights = gn.Tensor(np.zeros(5), requires_grad=True)
    optimizer = optimizer_cls([weights], lr=0.05, weight_decay=0.0, amsgrad=amsgrad)
    first, last = minimise_quadratic(optimizer, weights, target, steps=500)
    assert first > 14.0
    assert last < 1e-6
    np.testing.assert_allclose(host(weights), target, atol=1e-3)


def test_adam_l2_and_adamw_decoupled_decay_differ_as_expected():
    # With a zero data gradient only the decay acts. Adam's L2 term goes through
    # the adaptive scaling, so its first step has size lr whatever the weight;
    # AdamW shrinks each weight by the factor (1 - lr * weight_decay).
    lr, decay = 0.1, 0.5
    start = np.array([4.0, -0.25], dtype=np.float64)
    coupled = gn.Tensor(start.copy(), requires_grad=True, dtype=np.float64)
    decoupled = gn.Tensor(start.copy(), requires_grad=True, dtype=np.float64)
    coupled.grad = np.zeros(2)
    decoupled.grad = np.zeros(2)
    Adam([coupled], lr=lr, weight_decay=decay).step()
    AdamW([decoupled], lr=lr, weight_decay=decay).step()
    np.testing.assert_allclose(host(coupled), start - lr * np.sign(start), rtol=1e-6)
    np.testing.assert_allclose(host(decoupled), start * (1 - lr * decay), rtol=1e-14)


def test_adam_and_adamw_agree_without_weight_decay():
    plain = run_optimizer(Adam, steps=5, lr=0.05)
    decoupled = run_optimizer(AdamW, steps=5, lr=0.05, weight_decay=0.0)
    for a, b in zip(plain, decoupled, strict=True):
        np.testing.assert_array_equal(a, b)


def test_adamw_default_weight_decay_is_001():
    assert AdamW([]).weight_decay == 0.01
    assert Adam([]).weight_decay == 0.0


@pytest.mark.parametrize(
    ("optimizer_cls", "settings", "message"),
    [
        (Adam, {"lr": -0.1}, "learning rate must be a positive number, got -0.1"),
        (Adam, {"betas": (0.9, 1.0)}, "betas[1] must be a number in [0, 1), got 1.0"),
        (Adam, {"betas": (-0.1, 0.9)}, "betas[0] must be a number in [0, 1), got -0.1"),
        (Adam, {"betas": 0.9}, "betas must be a pair of numbers in [0, 1), got 0.9"),
        (Adam, {"betas": (0.9, 0.99, 0.9)}, "betas must be a pair of numbers in [0, 1)"),
        (Adam, {"eps": 0.0}, "eps must be a positive number, got 0.0"),
        (Adam, {"weight_decay": -1}, "weight_decay must be a non-negative number, got -1"),
        (Adam, {"amsgrad": 1}, "amsgrad must be True or False, got 1"),
        (AdamW, {"weight_decay": -0.01}, "weight_decay must be a non-negative number, got -0.01"),
        (AdamW, {"lr": 0.0}, "learning rate must be a positive number, got 0.0"),
    ],
)
def test_bad_settings_raise_config_error_quoting_the_value(optimizer_cls, settings, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        optimizer_cls([gn.Tensor([1.0], requires_grad=True)], **settings)
