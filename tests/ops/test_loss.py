"""The fused loss primitives: softmax + cross-entropy and sigmoid + binary cross-entropy."""

from __future__ import annotations

import math

import numpy as np
import pytest

import glassnet as gn
from glassnet import ops
from tests.helpers import host, random_array

REDUCTIONS = ["mean", "sum", "none"]


def _log_softmax(x):
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _reduce(values, reduction):
    return {"mean": values.mean(), "sum": values.sum(), "none": values}[reduction]


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_softmax_cross_entropy_with_integer_labels(reduction):
    logits = random_array((5, 4), seed=1, low=-3, high=3)
    labels = np.array([0, 3, 1, 1, 2])
    out = ops.softmax_cross_entropy(gn.Tensor(logits, dtype=np.float64), labels, reduction)
    expected = _reduce(-_log_softmax(logits)[np.arange(5), labels], reduction)
    np.testing.assert_allclose(out.numpy(), expected)
    gn.gradcheck(lambda z, y: ops.softmax_cross_entropy(z, y, reduction), logits, labels)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_softmax_cross_entropy_with_one_hot_rows(reduction):
    logits = random_array((5, 4), seed=2, low=-3, high=3)
    one_hot = np.eye(4)[[2, 0, 3, 3, 1]]
    labels_out = ops.softmax_cross_entropy(
        gn.Tensor(logits, dtype=np.float64), np.array([2, 0, 3, 3, 1]), reduction
    )
    out = ops.softmax_cross_entropy(
        gn.Tensor(logits, dtype=np.float64), gn.Tensor(one_hot, dtype=np.float64), reduction
    )
    np.testing.assert_allclose(out.numpy(), labels_out.numpy())
    gn.gradcheck(
        lambda z: ops.softmax_cross_entropy(z, gn.Tensor(one_hot, dtype=np.float64), reduction),
        logits,
    )


def test_softmax_cross_entropy_with_soft_targets_that_do_not_sum_to_one():
    logits = random_array((3, 4), seed=3)
    targets = gn.Tensor(random_array((3, 4), seed=4, low=0.0, high=1.0), dtype=np.float64)
    gn.gradcheck(lambda z: ops.softmax_cross_entropy(z, targets), logits)


def test_softmax_cross_entropy_gradient_is_p_minus_target_over_n():
    logits = random_array((4, 3), seed=5)
    labels = np.array([2, 0, 1, 1])
    z = gn.Tensor(logits, requires_grad=True, dtype=np.float64)
    ops.softmax_cross_entropy(z, labels).backward()
    expected = np.exp(_log_softmax(logits)) - np.eye(3)[labels]
    np.testing.assert_allclose(host(z.grad), expected / 4)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_sigmoid_binary_cross_entropy(reduction):
    logits = random_array((4, 3), seed=6, low=-4, high=4)
    targets = random_array((4, 3), seed=7, low=0.0, high=1.0)
    out = ops.sigmoid_binary_cross_entropy(
        gn.Tensor(logits, dtype=np.float64), gn.Tensor(targets, dtype=np.float64), reduction
    )
    p = 1 / (1 + np.exp(-logits))
    expected = _reduce(-(targets * np.log(p) + (1 - targets) * np.log(1 - p)), reduction)
    np.testing.assert_allclose(out.numpy(), expected)
    target_tensor = gn.Tensor(targets, dtype=np.float64)
    gn.gradcheck(lambda z: ops.sigmoid_binary_cross_entropy(z, target_tensor, reduction), logits)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_logits_are_exact_and_finite(dtype):
    logits = gn.Tensor([[1000.0, -1000.0], [-1000.0, 1000.0]], requires_grad=True, dtype=dtype)
    loss = ops.softmax_cross_entropy(logits, np.array([0, 0]), "none")
    np.testing.assert_array_equal(loss.numpy(), [0.0, 2000.0])
    loss.sum().backward()
    np.testing.assert_array_equal(host(logits.grad), [[0.0, 0.0], [-1.0, 1.0]])

    logits.zero_grad()
    targets = gn.Tensor([[1.0, 0.0], [1.0, 0.0]], dtype=dtype)
    bce = ops.sigmoid_binary_cross_entropy(logits, targets, "none")
    np.testing.assert_array_equal(bce.numpy(), [[0.0, 0.0], [1000.0, 1000.0]])
    assert bce.dtype == dtype
    bce.sum().backward()
    np.testing.assert_array_equal(host(logits.grad), [[0.0, 0.0], [-1.0, 1.0]])


def test_binary_cross_entropy_at_zero_logit_is_log_two():
    out = ops.sigmoid_binary_cross_entropy(
        gn.Tensor([0.0], dtype=np.float64), gn.Tensor([1.0], dtype=np.float64)
    )
    assert out.item() == pytest.approx(math.log(2.0))


def test_softmax_cross_entropy_labels_backward_twice_with_retain_graph():
    logits = gn.Tensor(np.array([[1.0, 2.0, 0.5], [0.1, -1.0, 3.0]]), requires_grad=True)
    loss = gn.ops.softmax_cross_entropy(logits, gn.Tensor(np.array([1, 2])))
    loss.backward(retain_graph=True)
    first = host(logits.grad).copy()
    logits.grad = None
    loss.backward()
    np.testing.assert_allclose(host(logits.grad), first, rtol=1e-6)
    shifted = logits.numpy() - logits.numpy().max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    p[[0, 1], [1, 2]] -= 1
    np.testing.assert_allclose(first, p / 2, rtol=1e-5)
