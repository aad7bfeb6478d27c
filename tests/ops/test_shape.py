"""reshape, transpose, concatenate, stack and indexing (slices, integer arrays with repeats, masks)."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet import ops
from tests.helpers import host, random_array


@pytest.mark.parametrize("shape", [(6, 4), (2, 12), (24,), (2, 3, 4), (-1, 8), (4, 1, 6)])
def test_reshape(shape):
    x = random_array((2, 3, 4), seed=1)
    out = ops.reshape(gn.Tensor(x, dtype=np.float64), shape)
    np.testing.assert_array_equal(out.numpy(), x.reshape(shape))
    gn.gradcheck(lambda t: ops.reshape(t, shape), x)


@pytest.mark.parametrize("axes", [None, (1, 0, 2), (2, 0, 1), (-1, 0, 1), (0, -1, -2)])
def test_transpose(axes):
    x = random_array((2, 3, 4), seed=2)
    out = ops.transpose(gn.Tensor(x, dtype=np.float64), axes)
    np.testing.assert_array_equal(out.numpy(), np.transpose(x, axes))
    gn.gradcheck(lambda t: ops.transpose(t, axes), x)


def test_transpose_property_T():
    x = random_array((3, 5), seed=3)
    gn.gradcheck(lambda t: t.T, x)


@pytest.mark.parametrize(
    ("shapes", "axis"),
    [
        ([(2, 3), (4, 3)], 0),
        ([(2, 3), (2, 1), (2, 5)], 1),
        ([(2, 3, 1), (2, 3, 2)], -1),
        ([(3,), (1,), (2,)], 0),
    ],
)
def test_concatenate(shapes, axis):
    arrays = [random_array(s, seed=i) for i, s in enumerate(shapes)]
    out = ops.concatenate([gn.Tensor(a, dtype=np.float64) for a in arrays], axis=axis)
    np.testing.assert_array_equal(out.numpy(), np.concatenate(arrays, axis=axis))
    gn.gradcheck(lambda *ts: ops.concatenate(list(ts), axis=axis), *arrays)


@pytest.mark.parametrize("axis", [0, 1, 2, -1])
def test_stack(axis):
    arrays = [random_array((2, 3), seed=i) for i in range(3)]
    out = ops.stack([gn.Tensor(a, dtype=np.float64) for a in arrays], axis=axis)
    np.testing.assert_array_equal(out.numpy(), np.stack(arrays, axis=axis))
    gn.gradcheck(lambda *ts: ops.stack(list(ts), axis=axis), *arrays)


def test_concatenate_with_a_constant_piece():
    a = random_array((2, 3), seed=4)
    constant = gn.Tensor(np.ones((1, 3)), dtype=np.float64)
    gn.gradcheck(lambda t: ops.concatenate([constant, t, constant], axis=0), a)


@pytest.mark.parametrize(
    "index",
    [
        1,
        -1,
        slice(1, 3),
        slice(None, None, -1),
        (slice(None), 2),
        (0, slice(1, None, 2)),
        (Ellipsis, 1),
        (None, slice(None)),
    ],
    ids=["int", "negative", "slice", "reverse", "column", "int+step", "ellipsis", "newaxis"],
)
def test_basic_indexing(index):
    x = random_array((4, 5), seed=5)
    out = gn.Tensor(x, dtype=np.float64)[index]
    np.testing.assert_array_equal(out.numpy(), x[index])
    gn.gradcheck(lambda t: t[index], x)


def test_integer_array_indexing_with_repeated_indices():
    x = random_array((5, 3), seed=6)
    index = np.array([0, 2, 0, 4, 2, 0])
    out = gn.Tensor(x, dtype=np.float64)[index]
    np.testing.assert_array_equal(out.numpy(), x[index])
    gn.gradcheck(lambda t: t[index], x)
    t = gn.Tensor(x, requires_grad=True, dtype=np.float64)
    t[index].sum().backward()
    np.testing.assert_array_equal(host(t.grad)[:, 0], [3, 0, 2, 0, 1])


def test_integer_array_pairs_gather_like_cross_entropy():
    x = random_array((4, 3), seed=7)
    rows, cols = np.array([0, 1, 2, 3, 3]), np.array([2, 0, 1, 1, 1])
    np.testing.assert_array_equal(
        gn.Tensor(x)[rows, cols].numpy(), x[rows, cols].astype(np.float32)
    )
    gn.gradcheck(lambda t: t[rows, cols], x)


def test_list_tensor_and_mixed_indices():
    x = random_array((4, 5), seed=8)
    gn.gradcheck(lambda t: t[[3, 3, 1]], x)
    gn.gradcheck(lambda t: t[gn.Tensor(np.array([1, 1, 0]))], x)
    gn.gradcheck(lambda t: t[np.array([2, 0, 2]), 1:4], x)
    gn.gradcheck(lambda t: t[(gn.Tensor(np.array([0, 0])), slice(None))], x)


def test_boolean_mask_indexing():
    x = random_array((4, 5), seed=9)
    mask = x > 0.2
    np.testing.assert_array_equal(gn.Tensor(x, dtype=np.float64)[mask].numpy(), x[mask])
    gn.gradcheck(lambda t: t[mask], x)
    row_mask = np.array([True, False, True, True])
    gn.gradcheck(lambda t: t[row_mask], x)


def test_indexing_gradient_is_zero_where_not_picked():
    x = gn.Tensor(np.zeros((3, 2)), requires_grad=True)
    x[1:].sum().backward()
    np.testing.assert_array_equal(host(x.grad), [[0, 0], [1, 1], [1, 1]])
