"""Gradient clipping: the functions, and the optimizers' clipnorm/clipvalue options."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError
from glassnet.optim import SGD, clip_grad_norm, clip_grad_value
from tests.helpers import host


def two_parameters():
    a = gn.Tensor([0.0, 0.0], requires_grad=True, dtype=np.float64)
    b = gn.Tensor([0.0], requires_grad=True, dtype=np.float64)
    a.grad = np.array([3.0, 4.0])
    b.grad = np.array([12.0])
    return a, b


def test_clip_grad_norm_scales_all_gradients_together():
    a, b = two_parameters()
    old_a, old_b = a.grad, b.grad
    norm = clip_grad_norm([a, b], max_norm=6.5)
    assert norm == pytest.approx(13.0, rel=1e-15)
    scale = 6.5 / (13.0 + 1e-6)  # PyTorch's rule, epsilon included
    np.testing.assert_allclose(a.grad, [3.0 * scale, 4.0 * scale], rtol=1e-15)
    np.testing.assert_allclose(b.grad, [12.0 * scale], rtol=1e-15)
    assert math.sqrt(np.sum(a.grad**2) + np.sum(b.grad**2)) == pytest.approx(6.5, rel=1e-6)
    # New arrays: the old ones (which may be shared) are untouched.
    assert a.grad is not old_a and b.grad is not old_b
    np.testing.assert_array_equal(old_a, [3.0, 4.0])
    np.testing.assert_array_equal(old_b, [12.0])


def test_clip_grad_norm_leaves_small_gradients_alone():
    a, b = two_parameters()
    norm = clip_grad_norm([a, b], max_norm=100.0)
    assert norm == pytest.approx(13.0)
    np.testing.assert_array_equal(a.grad, [3.0, 4.0])
    np.testing.assert_array_equal(b.grad, [12.0])


def test_clip_grad_norm_ignores_parameters_without_gradient():
    a, b = two_parameters()
    b.grad = None
    assert clip_grad_norm([a, b], max_norm=1.0) == pytest.approx(5.0)
    assert b.grad is None
    np.testing.assert_allclose(a.grad, [0.6, 0.8], rtol=1e-6)


def test_clip_grad_norm_on_float32_gradients():
    a = gn.Tensor(np.zeros((30, 40)), requires_grad=True)
    rng = np.random.default_rng(1)
    a.grad = rng.normal(size=(30, 40)).astype(np.float32)
    expected_norm = float(np.sqrt(np.sum(a.grad.astype(np.float64) ** 2)))
    norm = clip_grad_norm(a, max_norm=1.0)
    assert norm == pytest.approx(expected_norm, rel=1e-6)
    assert a.grad.dtype == np.float32
    assert float(np.linalg.norm(a.grad.astype(np.float64))) == pytest.approx(1.0, rel=1e-5)


def test_clip_grad_norm_with_a_nan_gradient_reports_it_and_changes_nothing():
    a, b = two_parameters()
    b.grad = np.array([np.nan])
    norm = clip_grad_norm([a, b], max_norm=1.0)
    assert math.isnan(norm)
    np.testing.assert_array_equal(a.grad, [3.0, 4.0])


def test_clip_grad_value_limits_each_entry():
    a = gn.Tensor([0.0, 0.0, 0.0], requires_grad=True, dtype=np.float64)
    original = np.array([-5.0, 0.25, 2.5])
    a.grad = original
    clip_grad_value([a], clip_value=1.0)
    np.testing.assert_array_equal(a.grad, [-1.0, 0.25, 1.0])
    np.testing.assert_array_equal(original, [-5.0, 0.25, 2.5])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda p: clip_grad_norm(p, 0.0), "max_norm must be a positive number, got 0.0"),
        (lambda p: clip_grad_norm(p, -1), "max_norm must be a positive number, got -1"),
        (lambda p: clip_grad_value(p, -2.0), "clip_value must be a positive number, got -2.0"),
    ],
)
def test_bad_clip_thresholds_raise_config_error(call, message):
    a, b = two_parameters()
    with pytest.raises(ConfigError, match=re.escape(message)):
        call([a, b])


# -- the optimizers' options: plain SGD with lr=1 moves each weight by -grad ---------


def step_with(**clip):
    a, b = two_parameters()
    SGD([a, b], lr=1.0, **clip).step()
    return a, b


def test_optimizer_clipnorm_clips_each_gradient_by_its_own_norm():
    a, b = step_with(clipnorm=1.0)
    np.testing.assert_allclose(-host(a), [3.0 / 5.0, 4.0 / 5.0], rtol=1e-6)
    np.testing.assert_allclose(-host(b), [1.0], rtol=1e-6)
    # The gradients themselves are left as they were.
    np.testing.assert_array_equal(host(a.grad), [3.0, 4.0])
    np.testing.assert_array_equal(host(b.grad), [12.0])


def test_optimizer_global_clipnorm_clips_all_gradients_together():
    a, b = step_with(global_clipnorm=1.0)
    np.testing.assert_allclose(-host(a), [3.0 / 13.0, 4.0 / 13.0], rtol=1e-6)
    np.testing.assert_allclose(-host(b), [12.0 / 13.0], rtol=1e-6)
    np.testing.assert_array_equal(host(b.grad), [12.0])


def test_optimizer_clipvalue_limits_each_entry():
    a, b = step_with(clipvalue=3.5)
    np.testing.assert_array_equal(-host(a), [3.0, 3.5])
    np.testing.assert_array_equal(-host(b), [3.5])
    np.testing.assert_array_equal(host(a.grad), [3.0, 4.0])


def test_only_one_clipping_option_may_be_set():
    with pytest.raises(ConfigError, match="only one of clipnorm, clipvalue and global_clipnorm"):
        SGD([], clipnorm=1.0, clipvalue=0.5)


@pytest.mark.parametrize("option", ["clipnorm", "clipvalue", "global_clipnorm"])
def test_clipping_options_must_be_positive(option):
    with pytest.raises(ConfigError, match=re.escape(f"{option} must be a positive number, got -1")):
        SGD([], **{option: -1})
