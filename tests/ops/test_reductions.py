"""sum, mean, max, min over axes, with keepdims; ties share the max/min gradient."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet import ops
from tests.helpers import distinct_array, host, random_array

AXES = [None, 0, 1, -1, (0, 2), (0, 1, 2)]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES)
@pytest.mark.parametrize(
    ("op", "reference"), [(ops.sum, np.sum), (ops.mean, np.mean)], ids=["sum", "mean"]
)
def test_sum_and_mean(op, reference, axis, keepdims):
    x = random_array((2, 3, 4), seed=1)
    out = op(gn.Tensor(x, dtype=np.float64), axis=axis, keepdims=keepdims)
    expected = reference(x, axis=axis, keepdims=keepdims)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.numpy(), expected)
    gn.gradcheck(lambda t: op(t, axis=axis, keepdims=keepdims), x)


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES)
@pytest.mark.parametrize(
    ("op", "reference"), [(ops.max, np.max), (ops.min, np.min)], ids=["max", "min"]
)
def test_max_and_min(op, reference, axis, keepdims):
    x = distinct_array((2, 3, 4), seed=2)
    out = op(gn.Tensor(x, dtype=np.float64), axis=axis, keepdims=keepdims)
    expected = reference(x, axis=axis, keepdims=keepdims)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.numpy(), expected)
    gn.gradcheck(lambda t: op(t, axis=axis, keepdims=keepdims), x)


def test_max_gradient_goes_to_the_largest_element():
    x = gn.Tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 0.0]], requires_grad=True)
    x.max(axis=1).sum().backward()
    np.testing.assert_array_equal(host(x.grad), [[0, 1, 0], [1, 0, 0]])


def test_tied_extremes_share_the_gradient_equally():
    x = gn.Tensor([1.0, 3.0, 3.0, -2.0], requires_grad=True)
    x.max().backward()
    np.testing.assert_allclose(host(x.grad), [0.0, 0.5, 0.5, 0.0])
    y = gn.Tensor([[-2.0, 0.0, -2.0]], requires_grad=True)
    y.min(axis=1).sum().backward()
    np.testing.assert_allclose(host(y.grad), [[0.5, 0.0, 0.5]])


def test_mean_gradient_is_one_over_count():
    x = gn.Tensor(np.zeros((4, 5)), requires_grad=True)
    x.mean(axis=0).sum().backward()
    np.testing.assert_allclose(host(x.grad), np.full((4, 5), 0.25))


def test_reductions_of_a_scalar_tensor():
    x = np.array(1.5)
    gn.gradcheck(ops.sum, x)
    gn.gradcheck(ops.mean, x)
