"""Activation primitives: values, gradients, and exactness for logits of ±1000."""

from __future__ import annotations

import math

import numpy as np
import pytest

import glassnet as gn
from glassnet import ops
from tests.helpers import away_from, host, random_array


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _gelu(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


SMOOTH = [
    ("sigmoid", ops.sigmoid, _sigmoid),
    ("tanh", ops.tanh, np.tanh),
    ("gelu", ops.gelu, _gelu),
    ("softplus", ops.softplus, lambda x: np.log1p(np.exp(x))),
    ("softmax", ops.softmax, _softmax),
    ("log_softmax", ops.log_softmax, lambda x: np.log(_softmax(x))),
    ("softmax axis 0", lambda x: ops.softmax(x, axis=0), lambda x: _softmax(x, axis=0)),
    (
        "log_softmax axis 0",
        lambda x: ops.log_softmax(x, axis=0),
        lambda x: np.log(_softmax(x, axis=0)),
    ),
]

KINKED = [  # non-differentiable at 0: inputs are kept away from it
    ("relu", ops.relu, lambda x: np.maximum(x, 0)),
    ("leaky_relu", ops.leaky_relu, lambda x: np.where(x > 0, x, 0.01 * x)),
    (
        "leaky_relu 0.3",
        lambda x: ops.leaky_relu(x, alpha=0.3),
        lambda x: np.where(x > 0, x, 0.3 * x),
    ),
    ("elu", ops.elu, lambda x: np.where(x > 0, x, np.expm1(x))),
    ("elu 0.5", lambda x: ops.elu(x, alpha=0.5), lambda x: np.where(x > 0, x, 0.5 * np.expm1(x))),
    ("step", ops.step, lambda x: (x >= 0).astype(float)),
]


@pytest.mark.parametrize(("name", "fn", "reference"), SMOOTH, ids=[s[0] for s in SMOOTH])
def test_smooth_activations(name, fn, reference):
    x = random_array((4, 5), seed=1, low=-3, high=3)
    np.testing.assert_allclose(
        fn(gn.Tensor(x, dtype=np.float64)).numpy(), reference(x), rtol=1e-12, atol=1e-12
    )
    gn.gradcheck(fn, x)


@pytest.mark.parametrize(("name", "fn", "reference"), KINKED, ids=[k[0] for k in KINKED])
def test_kinked_activations_away_from_zero(name, fn, reference):
    x = away_from((4, 5), seed=2, margin=0.05)
    assert (x > 0).any() and (x < 0).any()
    np.testing.assert_allclose(fn(gn.Tensor(x, dtype=np.float64)).numpy(), reference(x), rtol=1e-12)
    gn.gradcheck(fn, x)


def test_activations_on_a_3d_input():
    x = random_array((2, 3, 4), seed=3)
    for fn in (ops.softmax, ops.log_softmax, ops.sigmoid, ops.gelu):
        gn.gradcheck(fn, x)
    gn.gradcheck(lambda t: ops.softmax(t, axis=1), x)


def test_relu_cuts_negative_sums_to_zero_and_blocks_their_gradient():
    x = gn.Tensor([[3.25, -0.3, 0.0]], requires_grad=True)
    out = ops.relu(x)
    np.testing.assert_array_equal(out.numpy(), [[3.25, 0.0, 0.0]])
    out.sum().backward()
    np.testing.assert_array_equal(host(x.grad), [[1.0, 0.0, 0.0]])


def test_leaky_relu_and_elu_slopes_on_the_negative_side():
    x = gn.Tensor([-2.0, 3.0], requires_grad=True, dtype=np.float64)
    ops.leaky_relu(x, alpha=0.2).sum().backward()
    np.testing.assert_allclose(host(x.grad), [0.2, 1.0])
    x.zero_grad()
    ops.elu(x, alpha=0.5).sum().backward()
    np.testing.assert_allclose(host(x.grad), [0.5 * math.exp(-2.0), 1.0])


def test_step_is_heaviside_with_one_at_zero():
    out = ops.step(gn.Tensor([-1.0, -1e-9, 0.0, 2.0]))
    np.testing.assert_array_equal(out.numpy(), [0.0, 0.0, 1.0, 1.0])
    assert out.dtype == np.float32


def test_step_has_zero_gradient_by_default():
    x = gn.Tensor([-1.0, 0.5, 2.0], requires_grad=True)
    ops.step(x).sum().backward()
    np.testing.assert_array_equal(host(x.grad), [0.0, 0.0, 0.0])


def test_step_straight_through_passes_the_gradient_unchanged():
    """The straight-through estimator is by design not step's true derivative (which is 0):
    its backward is the identity's. Checked against the identity exactly, and gradcheck
    duly reports that it differs from the numerical derivative."""
    x = away_from((3, 4), seed=4)
    upstream = random_array((3, 4), seed=5)
    t = gn.Tensor(x, requires_grad=True, dtype=np.float64)
    out = ops.step(t, straight_through=True)
    np.testing.assert_array_equal(out.numpy(), (x >= 0).astype(float))
    out.backward(upstream)
    np.testing.assert_array_equal(host(t.grad), upstream)
    # Composed with smooth functions, the gradient is that of the same graph with step → identity.
    w = random_array((4, 2), seed=6)

    def through(activation):
        inp = gn.Tensor(x, requires_grad=True, dtype=np.float64)
        (activation(inp * 2.0) @ w).sum().backward()
        return host(inp.grad)

    np.testing.assert_array_equal(
        through(lambda z: ops.step(z, straight_through=True)), through(ops.identity)
    )
    report = gn.gradcheck(lambda z: ops.step(z, straight_through=True), x, raise_on_failure=False)
    assert not report.ok
    assert report.tensors[0].numeric == 0.0
    # Without straight-through, backprop and the numerical derivative agree (both 0).
    gn.gradcheck(ops.step, x)


def test_identity_returns_its_input():
    t = gn.Tensor([1.0, -2.0])
    assert ops.identity(t) is t
    np.testing.assert_array_equal(ops.identity([1.0, 2.0]).numpy(), [1.0, 2.0])


def test_softmax_rows_sum_to_one():
    x = random_array((5, 7), seed=7, low=-10, high=10)
    np.testing.assert_allclose(
        ops.softmax(gn.Tensor(x, dtype=np.float64)).numpy().sum(axis=1), np.ones(5)
    )


# -- logits of ±1000 ------------------------------------------------------------------------

EXTREME = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 1000.0]])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_logits_give_exact_finite_values_and_gradients(dtype):
    x = gn.Tensor(EXTREME, requires_grad=True, dtype=dtype)
    expected = {
        ops.sigmoid: [[1.0, 0.0, 0.5], [0.0, 1.0, 1.0]],
        ops.softplus: [[1000.0, 0.0, math.log(2.0)], [0.0, 1000.0, 1000.0]],
        ops.softmax: [[1.0, 0.0, 0.0], [0.0, 0.5, 0.5]],
        ops.log_softmax: [
            [0.0, -2000.0, -1000.0],
            [-2000.0 - math.log(2.0), -math.log(2.0), -math.log(2.0)],
        ],
        ops.tanh: [[1.0, -1.0, 0.0], [-1.0, 1.0, 1.0]],
    }
    for fn, values in expected.items():
        x.zero_grad()
        out = fn(x)
        assert out.dtype == dtype
        np.testing.assert_allclose(out.numpy(), values, rtol=1e-6)
        out.backward(np.ones_like(EXTREME))
        assert np.all(np.isfinite(x.grad)), fn.__name__
    # Saturated sigmoid has exactly zero slope; softplus' slope is the sigmoid.
    x.zero_grad()
    ops.softplus(x).sum().backward()
    np.testing.assert_array_equal(host(x.grad), [[1.0, 0.0, 0.5], [0.0, 1.0, 1.0]])
    # log_softmax' gradient for an all-ones upstream is 1 - 3·softmax.
    x.zero_grad()
    ops.log_softmax(x).sum().backward()
    np.testing.assert_allclose(host(x.grad), [[-2.0, 1.0, 1.0], [1.0, -0.5, -0.5]], rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_logits_for_the_other_activations_stay_finite(dtype):
    x = gn.Tensor(EXTREME, requires_grad=True, dtype=dtype)
    for fn in (ops.gelu, ops.elu, ops.relu, ops.leaky_relu):
        x.zero_grad()
        out = fn(x)
        assert np.all(np.isfinite(out.numpy()))
        out.sum().backward()
        assert np.all(np.isfinite(x.grad))
