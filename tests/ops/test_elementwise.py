"""Elementwise primitives: values against NumPy and gradients against central differences."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet import ops
from tests.helpers import away_from, host, random_array

BROADCAST_SHAPES = [
    ((3, 4), (3, 4)),
    ((3, 1, 4), (2, 1)),
    ((2, 3), (3,)),
    ((4,), (2, 3, 1)),
    ((2, 3), ()),
    ((), (2, 3)),
    ((1, 3), (2, 1)),
]


@pytest.mark.parametrize(("shape_a", "shape_b"), BROADCAST_SHAPES)
@pytest.mark.parametrize(
    ("op", "reference"),
    [(ops.add, np.add), (ops.sub, np.subtract), (ops.mul, np.multiply)],
    ids=["add", "sub", "mul"],
)
def test_arithmetic_with_broadcasting(op, reference, shape_a, shape_b):
    a, b = random_array(shape_a, seed=1), random_array(shape_b, seed=2)
    with gn.default_dtype("float64"):
        out = op(gn.Tensor(a), gn.Tensor(b))
    assert out.shape == np.broadcast_shapes(shape_a, shape_b)
    np.testing.assert_allclose(out.numpy(), reference(a, b))
    gn.gradcheck(op, a, b)


@pytest.mark.parametrize(("shape_a", "shape_b"), BROADCAST_SHAPES)
def test_div_with_broadcasting(shape_a, shape_b):
    a = random_array(shape_a, seed=1)
    b = away_from(shape_b, points=(0.0,), margin=0.5, seed=2)
    np.testing.assert_allclose(
        ops.div(gn.Tensor(a, dtype=np.float64), gn.Tensor(b, dtype=np.float64)).numpy(), a / b
    )
    gn.gradcheck(ops.div, a, b)


def test_power_with_a_constant_exponent():
    a = random_array((3, 4), seed=3, low=0.2, high=2.0)
    for exponent in (2, 3.0, 0.5, -1.5):
        np.testing.assert_allclose(
            ops.power(gn.Tensor(a, dtype=np.float64), exponent).numpy(), a**exponent
        )
        gn.gradcheck(lambda x, e=exponent: x**e, a)


def test_power_with_a_tensor_exponent_and_broadcasting():
    base = random_array((3, 1, 4), seed=4, low=0.3, high=2.0)
    exponent = random_array((2, 1), seed=5, low=-1.0, high=2.0)
    gn.gradcheck(ops.power, base, exponent)


def test_power_of_a_negative_base_with_an_integer_exponent():
    a = away_from((5,), seed=6)
    gn.gradcheck(lambda x: x**3, a)


def test_rpow_differentiates_the_exponent():
    x = random_array((4,), seed=7)
    gn.gradcheck(lambda t: 2.0**t, x)


@pytest.mark.parametrize(
    ("name", "fn", "reference", "data"),
    [
        ("neg", ops.neg, np.negative, random_array((3, 4), seed=8)),
        ("exp", ops.exp, np.exp, random_array((3, 4), seed=9, low=-3, high=3)),
        ("log", ops.log, np.log, random_array((3, 4), seed=10, low=0.2, high=5)),
        ("sqrt", ops.sqrt, np.sqrt, random_array((3, 4), seed=11, low=0.2, high=5)),
        ("arctan", ops.arctan, np.arctan, random_array((3, 4), seed=12, low=-3, high=3)),
        ("abs", ops.abs, np.abs, away_from((3, 4), seed=13)),
    ],
)
def test_unary_functions(name, fn, reference, data):
    out = fn(gn.Tensor(data, dtype=np.float64))
    np.testing.assert_allclose(out.numpy(), reference(data))
    report = gn.gradcheck(fn, data)
    assert report.ok, name


def test_abs_gradient_at_zero_is_zero():
    x = gn.Tensor([-1.0, 0.0, 2.0], requires_grad=True)
    ops.abs(x).sum().backward()
    np.testing.assert_array_equal(host(x.grad), [-1.0, 0.0, 1.0])


def test_clip_values_and_gradients():
    data = away_from((4, 5), points=(-0.5, 0.5), margin=0.1, seed=14, low=-1.5, high=1.5)
    assert np.any(data < -0.5) and np.any(data > 0.5) and np.any(np.abs(data) < 0.5)
    out = ops.clip(gn.Tensor(data, dtype=np.float64), -0.5, 0.5)
    np.testing.assert_allclose(out.numpy(), np.clip(data, -0.5, 0.5))
    gn.gradcheck(lambda x: ops.clip(x, -0.5, 0.5), data)
    gn.gradcheck(lambda x: ops.clip(x, None, 0.5), data)
    gn.gradcheck(lambda x: ops.clip(x, -0.5, None), data)


def test_clip_passes_gradient_only_inside_the_bounds():
    x = gn.Tensor([-2.0, 0.0, 3.0], requires_grad=True)
    ops.clip(x, -1.0, 1.0).sum().backward()
    np.testing.assert_array_equal(host(x.grad), [0.0, 1.0, 0.0])


def test_where_with_broadcasting():
    condition = np.random.default_rng(15).random((3, 1, 4)) > 0.5
    a = random_array((3, 2, 4), seed=16)
    b = random_array((2, 1), seed=17)
    with gn.default_dtype("float64"):
        out = ops.where(condition, gn.Tensor(a), gn.Tensor(b))
    np.testing.assert_allclose(out.numpy(), np.where(condition, a, b))
    gn.gradcheck(lambda x, y: ops.where(condition, x, y), a, b)


def test_where_accepts_a_tensor_condition():
    x = gn.Tensor([1.0, -1.0, 2.0], requires_grad=True)
    ops.where(gn.Tensor(np.array([True, False, True])), x, 0.0).sum().backward()
    np.testing.assert_array_equal(host(x.grad), [1.0, 0.0, 1.0])


@pytest.mark.parametrize(
    ("op", "reference"), [(ops.maximum, np.maximum), (ops.minimum, np.minimum)]
)
def test_maximum_and_minimum(op, reference):
    a = random_array((3, 4), seed=18)
    b = a + away_from((3, 4), seed=19, margin=0.05, low=-1, high=1)  # never tied with a
    np.testing.assert_allclose(op(gn.Tensor(a, dtype=np.float64), b).numpy(), reference(a, b))
    gn.gradcheck(op, a, b)
    c = random_array((4,), seed=20)  # broadcast against a
    gn.gradcheck(op, a + away_from((3, 4), seed=21, margin=0.05, low=-1, high=1), c)


def test_maximum_with_a_constant_is_relu_like():
    x = gn.Tensor([-1.0, 0.5, 2.0], requires_grad=True)
    out = ops.maximum(x, 0.0)
    np.testing.assert_array_equal(out.numpy(), [0.0, 0.5, 2.0])
    out.sum().backward()
    np.testing.assert_array_equal(host(x.grad), [0.0, 1.0, 1.0])


def test_maximum_at_a_tie_sends_the_gradient_to_the_first_argument():
    a = gn.Tensor([1.0, 2.0], requires_grad=True)
    b = gn.Tensor([1.0, 3.0], requires_grad=True)
    ops.maximum(a, b).sum().backward()
    np.testing.assert_array_equal(host(a.grad), [1.0, 0.0])
    np.testing.assert_array_equal(host(b.grad), [0.0, 1.0])
