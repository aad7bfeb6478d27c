"""max_pool2d and avg_pool2d: values against nested loops, gradients, ties, padding rules."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet import ops
from glassnet.errors import ConfigError, ShapeError
from glassnet.ops.windows import resolve_padding
from tests.helpers import distinct_array, host


def reference_pool(x, kernel, stride, pads, kind):
    """Each window by hand; padding is ignored (never the max, never counted in the mean)."""
    n, c, h, w = x.shape
    (top, bottom), (left, right) = pads
    ho = (h + top + bottom - kernel[0]) // stride[0] + 1
    wo = (w + left + right - kernel[1]) // stride[1] + 1
    out = np.zeros((n, c, ho, wo))
    for s in range(n):
        for ch in range(c):
            for i in range(ho):
                for j in range(wo):
                    values = []
                    for a in range(kernel[0]):
                        for e in range(kernel[1]):
                            row, col = i * stride[0] + a - top, j * stride[1] + e - left
                            if 0 <= row < h and 0 <= col < w:
                                values.append(x[s, ch, row, col])
                    out[s, ch, i, j] = max(values) if kind == "max" else np.mean(values)
    return out


# (input shape, pool size, stride, padding)
CASES = [
    ((2, 2, 4, 4), 2, None, 0),
    ((1, 2, 5, 7), 2, None, 0),
    ((2, 1, 5, 6), (3, 2), (2, 1), 1),
    ((1, 2, 6, 5), 3, 1, "same"),
    ((2, 1, 7, 7), 3, 2, "same"),
    ((1, 1, 5, 8), (2, 3), (3, 2), (1, 1)),
    ((1, 2, 6, 6), 2, 1, "valid"),
]


def _pair(value):
    return (value, value) if isinstance(value, int) else tuple(value)


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize(("shape", "size", "stride", "padding"), CASES)
def test_pooling_values_and_gradients(kind, shape, size, stride, padding):
    x = distinct_array(shape, seed=1)  # distinct: the maximum of each window is unique
    pool = ops.max_pool2d if kind == "max" else ops.avg_pool2d
    out = pool(gn.Tensor(x, dtype=np.float64), size, stride, padding).numpy()
    kernel = _pair(size)
    strides = kernel if stride is None else _pair(stride)
    pads = resolve_padding(padding, kernel, strides, (1, 1), shape[2:])
    expected = reference_pool(x, kernel, strides, pads, kind)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    gn.gradcheck(lambda a: pool(a, size, stride, padding), x)


def test_max_pool_gives_a_tied_window_gradient_to_its_first_maximum():
    x = np.zeros((1, 1, 2, 4))
    x[0, 0] = [[1.0, 3.0, 2.0, 2.0], [3.0, 0.0, 2.0, 2.0]]
    t = gn.Tensor(x, requires_grad=True, dtype=np.float64)
    ops.max_pool2d(t, 2).sum().backward()
    np.testing.assert_array_equal(host(t.grad)[0, 0], [[0.0, 1.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0]])


def test_overlapping_windows_add_their_gradients():
    x = np.arange(9.0).reshape(1, 1, 3, 3)
    x[0, 0, 1, 1] = 100.0
    t = gn.Tensor(x, requires_grad=True, dtype=np.float64)
    ops.max_pool2d(t, 2, stride=1).sum().backward()  # the centre wins all four windows
    np.testing.assert_array_equal(host(t.grad)[0, 0], [[0, 0, 0], [0, 4, 0], [0, 0, 0]])
    t.grad = None
    ops.avg_pool2d(t, 2, stride=1).sum().backward()
    np.testing.assert_array_equal(host(t.grad)[0, 0] * 4, [[1, 2, 1], [2, 4, 2], [1, 2, 1]])


def test_pooling_reads_a_conv_output_and_stays_float32():
    x = np.random.default_rng(2).standard_normal((3, 1, 6, 6)).astype(np.float32)
    maps = ops.conv2d(gn.Tensor(x), np.ones((2, 1, 3, 3), np.float32))  # batch-innermost view
    pooled = ops.max_pool2d(maps, 2)
    assert pooled.dtype == np.float32
    expected = reference_pool(
        maps.numpy().astype(np.float64), (2, 2), (2, 2), ((0, 0), (0, 0)), "max"
    )
    np.testing.assert_allclose(pooled.numpy(), expected, rtol=1e-6)


def test_pooling_errors():
    x = np.zeros((1, 1, 4, 4))
    with pytest.raises(
        ShapeError, match=r"max_pool2d expects inputs of shape \(N, C, H, W\), got \(4, 4\)"
    ):
        ops.max_pool2d(np.zeros((4, 4)))
    with pytest.raises(ConfigError, match=r"padding may be at most half the window"):
        ops.max_pool2d(x, 2, padding=2)
    with pytest.raises(ShapeError, match=r"spans 5 in height, larger than the padded input 4"):
        ops.avg_pool2d(x, 5)
    with pytest.raises(ConfigError, match=r"max_pool2d pool size must be a positive integer"):
        ops.max_pool2d(x, 0)
