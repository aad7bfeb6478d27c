"""Extreme logits: activations and cross-entropies stay finite, values and gradients.

A confident network produces logits of ±1e4 (and far more once training diverges).
Naive formulas overflow there: e^10000 is inf, log(0) is -inf, inf - inf is NaN.
Each op below must give finite values and finite gradients for rows such as
[1e4, -1e4, 0], in float32 and float64, and be *exact* where the answer is exact:
sigmoid(1e4) == 1, softmax of a dominant logit is one-hot, the cross-entropy of a
confidently right prediction is 0 and of a confidently wrong one is the logit gap.
Runs with warnings as errors, so an overflow warning inside an op fails the test too.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import glassnet as gn
from glassnet import ops
from tests.helpers import host

DTYPES = [np.float32, np.float64]
SCALES = [1e4, 1e30]  # a confident network, and one far beyond exp's range in either dtype


def logits(scale: float) -> np.ndarray:
    """Mixed rows: a dominant logit, all equal and tiny, a tie at the top, all zero."""
    big = scale
    return np.array(
        [[big, -big, 0.0], [-big, -big, -big], [big, big, -big], [0.0, 0.0, 0.0], [-big, 0.0, big]]
    )


def leaf(values: np.ndarray, dtype) -> gn.Tensor:
    return gn.Tensor(values, dtype=dtype, requires_grad=True)


def backward_with(output: gn.Tensor, seed: int = 0) -> np.ndarray:
    """Backpropagate a fixed upstream gradient; return it (to predict the input gradient)."""
    upstream = np.random.default_rng(seed).uniform(-1, 1, size=output.shape).astype(output.dtype)
    (output * gn.Tensor(upstream, dtype=output.dtype)).sum().backward()
    return upstream


def assert_finite(*arrays: np.ndarray) -> None:
    for array in arrays:
        assert np.isfinite(host(array)).all(), array


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("scale", SCALES)
def test_softmax_is_exactly_one_hot_for_a_dominant_logit(dtype, scale):
    x = leaf(logits(scale), dtype)
    out = ops.softmax(x)
    assert out.dtype == dtype
    upstream = backward_with(out)
    assert_finite(out.numpy(), x.grad)
    np.testing.assert_array_equal(out.numpy()[0], [1, 0, 0])
    np.testing.assert_array_equal(out.numpy()[2], [0.5, 0.5, 0])
    np.testing.assert_array_equal(out.numpy()[4], [0, 0, 1])
    np.testing.assert_allclose(out.numpy()[[1, 3]], 1 / 3, rtol=1e-6)
    np.testing.assert_allclose(out.numpy().sum(axis=1), 1, rtol=1e-6)
    # d softmax: s·(g - Σ g·s); a one-hot row passes no gradient at all.
    s = out.numpy().astype(np.float64)
    expected = s * (upstream - (upstream * s).sum(axis=1, keepdims=True))
    np.testing.assert_array_equal(host(x.grad)[[0, 4]], 0)
    np.testing.assert_allclose(host(x.grad), expected, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("scale", SCALES)
def test_log_softmax_is_the_exact_logit_gap_with_finite_gradients(dtype, scale):
    x = leaf(logits(scale), dtype)
    out = ops.log_softmax(x)
    upstream = backward_with(out)
    assert_finite(out.numpy(), x.grad)
    np.testing.assert_array_equal(out.numpy()[0], np.array([0, -2 * scale, -scale], dtype))
    np.testing.assert_allclose(out.numpy()[1], -math.log(3), rtol=1e-6)
    np.testing.assert_allclose(out.numpy()[2, :2], -math.log(2), rtol=1e-6)
    # d log_softmax: g - softmax·Σg.
    softmax = np.exp(out.numpy().astype(np.float64))
    expected = upstream - softmax * upstream.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(host(x.grad), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("scale", SCALES)
def test_sigmoid_is_exactly_zero_or_one_at_the_extremes(dtype, scale):
    x = leaf(np.array([scale, -scale, 0.0]), dtype)
    out = ops.sigmoid(x)
    upstream = backward_with(out)
    assert_finite(out.numpy(), x.grad)
    np.testing.assert_array_equal(out.numpy(), [1.0, 0.0, 0.5])
    np.testing.assert_array_equal(host(x.grad), np.array([0.0, 0.0, 0.25 * upstream[2]], dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("scale", SCALES)
def test_softplus_is_x_or_zero_at_the_extremes(dtype, scale):
    x = leaf(np.array([scale, -scale, 0.0]), dtype)
    out = ops.softplus(x)
    upstream = backward_with(out)
    assert_finite(out.numpy(), x.grad)
    np.testing.assert_array_equal(out.numpy()[:2], np.array([scale, 0.0], dtype))
    np.testing.assert_allclose(out.numpy()[2], math.log(2), rtol=1e-6)
    np.testing.assert_array_equal(host(x.grad), np.array([1.0, 0.0, 0.5], dtype) * upstream)


LABELS = np.array([1, 0, 2, 1, 2])  # row 0 confidently wrong, row 4 confidently right


def expected_cross_entropy(scale: float) -> np.ndarray:
    """-log softmax(x)[label] per row, worked out by hand for logits(scale)."""
    return np.array([2 * scale, math.log(3), 2 * scale + math.log(2), math.log(3), 0.0])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("target", ["labels", "one_hot"])
def test_categorical_cross_entropy_from_logits_is_exact_and_finite(dtype, scale, target):
    y = LABELS if target == "labels" else np.eye(3)[LABELS]
    x = leaf(logits(scale), dtype)
    per_sample = gn.CategoricalCrossEntropy(reduction="none")(x, y)
    assert per_sample.dtype == dtype
    np.testing.assert_allclose(per_sample.numpy(), expected_cross_entropy(scale), rtol=1e-6)
    x = leaf(logits(scale), dtype)
    loss = gn.CategoricalCrossEntropy()(x, y)
    loss.backward()
    assert_finite(loss.numpy(), x.grad)
    # The gradient of the mean is (softmax - one_hot) / samples, with softmax exact here.
    softmax = ops.softmax(gn.Tensor(logits(scale), dtype=dtype)).numpy().astype(np.float64)
    expected = (softmax - np.eye(3)[LABELS]) / len(LABELS)
    np.testing.assert_allclose(host(x.grad), expected, rtol=1e-5, atol=1e-8)
    np.testing.assert_array_equal(host(x.grad)[0], np.array([0.2, -0.2, 0.0], dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("scale", SCALES)
def test_categorical_cross_entropy_from_probabilities_is_clipped_not_infinite(dtype, scale):
    x = leaf(logits(scale), dtype)
    probabilities = ops.softmax(x)  # exact zeros and ones in rows 0, 2 and 4
    per_sample = gn.CategoricalCrossEntropy(from_logits=False, reduction="none")(
        probabilities, LABELS
    )
    loss = per_sample.mean()
    loss.backward()
    assert_finite(per_sample.numpy(), x.grad)
    # log of a zero probability is log(1e-7): the clip, never -inf.
    np.testing.assert_allclose(per_sample.numpy()[0], -math.log(1e-7), rtol=1e-5)
    np.testing.assert_allclose(per_sample.numpy()[4], 0.0, atol=1e-6)
    np.testing.assert_allclose(per_sample.numpy()[[1, 3]], math.log(3), rtol=1e-5)


BINARY_TARGETS = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0], [1.0, 1.0, 0.0]])


def binary_logits(scale: float) -> np.ndarray:
    return np.array([[scale, -scale, 0.0], [scale, -scale, 0.0], [-scale, scale, 0.0]])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("scale", SCALES)
def test_binary_cross_entropy_from_logits_is_exact_and_finite(dtype, scale):
    x = leaf(binary_logits(scale), dtype)
    per_element = gn.BinaryCrossEntropy(from_logits=True, reduction="none")(x, BINARY_TARGETS)
    expected = np.array(
        [[scale, scale, math.log(2)], [0.0, 0.0, math.log(2)], [scale, 0.0, math.log(2)]]
    )
    np.testing.assert_allclose(per_element.numpy(), expected, rtol=1e-6)
    x = leaf(binary_logits(scale), dtype)
    loss = gn.BinaryCrossEntropy(from_logits=True)(x, BINARY_TARGETS)
    loss.backward()
    assert_finite(loss.numpy(), x.grad)
    # (sigmoid(x) - t) / elements, with sigmoid exactly 0, 1 or 0.5.
    sigmoid = np.array([[1.0, 0.0, 0.5], [1.0, 0.0, 0.5], [0.0, 1.0, 0.5]])
    np.testing.assert_array_equal(host(x.grad), ((sigmoid - BINARY_TARGETS) / 9).astype(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("scale", SCALES)
def test_binary_cross_entropy_from_probabilities_is_clipped_not_infinite(dtype, scale):
    x = leaf(binary_logits(scale), dtype)
    probabilities = ops.sigmoid(x)  # exactly 0, 1 and 0.5
    per_element = gn.BinaryCrossEntropy(reduction="none")(probabilities, BINARY_TARGETS)
    per_element.mean().backward()
    assert_finite(per_element.numpy(), x.grad)
    # Probabilities are clipped to [1e-7, 1 - 1e-7] as rounded in the dtype: in float32
    # 1 - 1e-7 rounds to 1 - 2**-23, so a confident wrong answer costs -log(2**-23) there.
    low, high = dtype(1e-7), dtype(1 - 1e-7)
    cost_of_0, cost_of_1 = -math.log(low), -math.log(dtype(1) - high)  # p = 0 or 1 wrongly
    right_0, right_1 = -math.log1p(-float(low)), -math.log(high)  # p = 0 or 1 rightly
    expected = np.array(
        [
            [cost_of_1, cost_of_0, math.log(2)],
            [right_1, right_0, math.log(2)],
            [cost_of_0, right_1, math.log(2)],
        ]
    )
    np.testing.assert_allclose(per_element.numpy(), expected, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("dtype", DTYPES)
def test_the_fused_primitives_accept_extreme_logits_directly(dtype):
    x = leaf(logits(1e4), dtype)
    loss = ops.softmax_cross_entropy(x, LABELS) + ops.sigmoid_binary_cross_entropy(
        x, (logits(1e4) > 0).astype(float)
    )
    loss.backward()
    assert_finite(loss.numpy(), x.grad)
    assert np.abs(host(x.grad)).max() <= 1
