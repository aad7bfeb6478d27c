"""conv2d and conv1d: values against a nested-loop reference, gradients, layout, errors."""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pytest

import glassnet as gn
from glassnet import ops
from glassnet.errors import ConfigError, ShapeError
from glassnet.ops import conv as conv_module
from glassnet.ops import workspace
from glassnet.ops.windows import resolve_padding
from tests.helpers import as_float64_tensor, random_array


def reference_conv2d(x, w, b, stride, pads, dilation):
    """The definition, one output number at a time (no im2col, no layout tricks)."""
    n, c, h, width = x.shape
    f, _, kh, kw = w.shape
    (top, bottom), (left, right) = pads
    padded = np.zeros((n, c, h + top + bottom, width + left + right))
    padded[:, :, top : top + h, left : left + width] = x
    ho = (h + top + bottom - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    wo = (width + left + right - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((n, f, ho, wo))
    for s in range(n):
        for o in range(f):
            for i in range(ho):
                for j in range(wo):
                    total = 0.0 if b is None else b[o]
                    for ch in range(c):
                        for a in range(kh):
                            for e in range(kw):
                                row = i * stride[0] + a * dilation[0]
                                col = j * stride[1] + e * dilation[1]
                                total += w[o, ch, a, e] * padded[s, ch, row, col]
                    out[s, o, i, j] = total
    return out


# (input shape, kernel shape, stride, padding, dilation): tiny, non-square included.
CASES = [
    ((2, 1, 5, 5), (2, 1, 3, 3), 1, "valid", 1),
    ((2, 2, 5, 4), (3, 2, 3, 2), 1, "same", 1),
    ((1, 2, 6, 7), (2, 2, 2, 3), 2, "valid", 1),
    ((2, 1, 6, 5), (2, 1, 3, 3), (2, 1), "same", 1),
    ((1, 2, 7, 6), (2, 2, 3, 2), 1, 1, (2, 1)),
    ((2, 1, 5, 6), (1, 1, 1, 1), 1, (1, 2), 1),
    ((1, 3, 4, 5), (2, 3, 2, 2), (1, 2), [[0, 1], [2, 0]], 1),
    ((1, 1, 7, 7), (2, 1, 3, 3), 3, "same", 2),
    ((2, 2, 4, 4), (2, 2, 4, 4), 1, "valid", 1),
]


def _pair(value):
    return (value, value) if isinstance(value, int) else tuple(value)


@pytest.mark.parametrize(("x_shape", "k_shape", "stride", "padding", "dilation"), CASES)
def test_conv2d_matches_the_nested_loop_reference(x_shape, k_shape, stride, padding, dilation):
    x, w = random_array(x_shape, seed=1), random_array(k_shape, seed=2)
    b = random_array(k_shape[:1], seed=3)
    out = ops.conv2d(
        gn.Tensor(x, dtype=np.float64),
        gn.Tensor(w, dtype=np.float64),
        gn.Tensor(b, dtype=np.float64),
        stride=stride,
        padding=padding,
        dilation=dilation,
    ).numpy()
    pads = resolve_padding(padding, k_shape[2:], _pair(stride), _pair(dilation), x_shape[2:])
    expected = reference_conv2d(x, w, b, _pair(stride), pads, _pair(dilation))
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("x_shape", "k_shape", "stride", "padding", "dilation"), CASES)
def test_conv2d_gradients(x_shape, k_shape, stride, padding, dilation):
    x, w = random_array(x_shape, seed=4), random_array(k_shape, seed=5)
    b = random_array(k_shape[:1], seed=6)

    def conv(a, k, bias):
        return ops.conv2d(a, k, bias, stride=stride, padding=padding, dilation=dilation)

    gn.gradcheck(conv, x, w, b)


def test_conv2d_without_bias_with_fused_relu_and_constant_input():
    x, w = random_array((2, 2, 5, 5), seed=7), random_array((3, 2, 3, 3), seed=8)
    gn.gradcheck(lambda a, k: ops.conv2d(a, k, padding="same"), x, w)
    # ReLU fused into the op equals ReLU applied after it; inputs kept away from the kink.
    fused = ops.conv2d(as_float64_tensor(x), as_float64_tensor(w), relu=True).numpy()
    plain = ops.relu(ops.conv2d(as_float64_tensor(x), as_float64_tensor(w))).numpy()
    np.testing.assert_array_equal(fused, plain)
    data = as_float64_tensor(x, requires_grad=False)  # data: no input gradient is computed
    gn.gradcheck(lambda k: ops.conv2d(data, k, relu=True), w)


def test_conv2d_is_right_when_the_product_is_split_into_slices(monkeypatch):
    # Tiny slices force one product per output row, as large inputs get.
    monkeypatch.setattr(conv_module, "CHUNK_BYTES", 8)
    x, w, b = random_array((2, 2, 6, 5), 9), random_array((3, 2, 3, 2), 10), random_array((3,), 11)
    out = ops.conv2d(*map(as_float64_tensor, (x, w, b)), padding=1).numpy()
    pads = ((1, 1), (1, 1))
    np.testing.assert_allclose(out, reference_conv2d(x, w, b, (1, 1), pads, (1, 1)), atol=1e-12)
    gn.gradcheck(lambda a, k, c: ops.conv2d(a, k, c, padding=1, relu=True), x, w, b)


def test_conv2d_output_is_nchw_whatever_the_memory_layout():
    x = random_array((3, 2, 6, 6), seed=12)
    w1, w2 = random_array((4, 2, 3, 3), seed=13), random_array((2, 4, 3, 3), seed=14)
    with gn.default_dtype("float64"):
        first = ops.conv2d(x, w1)
        second = ops.conv2d(first, w2)  # reads the batch-innermost buffer without a copy
    expected1 = reference_conv2d(x, w1, None, (1, 1), ((0, 0), (0, 0)), (1, 1))
    np.testing.assert_allclose(first.numpy(), expected1, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(
        second.numpy(),
        reference_conv2d(expected1, w2, None, (1, 1), ((0, 0), (0, 0)), (1, 1)),
        rtol=1e-12,
        atol=1e-12,
    )
    flat = first.reshape(3, -1).numpy()  # Flatten's order is (C, H, W) as for any NCHW array
    np.testing.assert_allclose(flat, expected1.reshape(3, -1), rtol=1e-12, atol=1e-12)


def test_conv2d_float32_stays_float32():
    x = random_array((2, 1, 5, 5), seed=15).astype(np.float32)
    out = ops.conv2d(gn.Tensor(x), np.ones((2, 1, 3, 3), np.float32), np.zeros(2, np.float32))
    assert out.dtype == np.float32
    assert out.shape == (2, 2, 3, 3)


def reference_conv1d(x, w, b, stride, pad, dilation):
    expected = reference_conv2d(
        x[:, :, None, :], w[:, :, None, :], b, (1, stride), ((0, 0), pad), (1, dilation)
    )
    return expected[:, :, 0, :]


@pytest.mark.parametrize(
    ("length", "k", "stride", "padding", "dilation", "pad"),
    [
        (7, 3, 1, "valid", 1, (0, 0)),
        (7, 3, 2, "same", 1, (1, 1)),
        (8, 2, 1, "same", 1, (0, 1)),
        (9, 3, 1, 2, 2, (2, 2)),
    ],
)
def test_conv1d_values_and_gradients(length, k, stride, padding, dilation, pad):
    x, w, b = random_array((2, 2, length), 16), random_array((3, 2, k), 17), random_array((3,), 18)
    conv = lambda a, kern, c: ops.conv1d(  # noqa: E731
        a, kern, c, stride=stride, padding=padding, dilation=dilation
    )
    out = conv(*map(as_float64_tensor, (x, w, b))).numpy()
    np.testing.assert_allclose(out, reference_conv1d(x, w, b, stride, pad, dilation), atol=1e-12)
    gn.gradcheck(conv, x, w, b)


def test_conv_errors_say_what_was_expected():
    x = np.zeros((2, 3, 5, 5))
    with pytest.raises(ShapeError, match=r"input has 3 channels .* kernel expects 1"):
        ops.conv2d(x, np.zeros((4, 1, 3, 3)))
    with pytest.raises(ShapeError, match=r"conv2d expects inputs \(N, C, H, W\).*\(5, 5\)"):
        ops.conv2d(np.zeros((5, 5)), np.zeros((4, 1, 3, 3)))
    with pytest.raises(ShapeError, match=r"spans 7 in height, larger than the padded input 5"):
        ops.conv2d(x, np.zeros((1, 3, 7, 3)))
    with pytest.raises(ShapeError, match=r"spans 5 in width.*padded input 4 \+ 0"):
        ops.conv2d(np.zeros((1, 1, 9, 4)), np.zeros((1, 1, 3, 3)), dilation=2)
    with pytest.raises(ConfigError, match=r"conv2d stride must be a positive integer.*got 0"):
        ops.conv2d(x, np.zeros((1, 3, 3, 3)), stride=0)
    with pytest.raises(ConfigError, match=r"padding must be 'valid', 'same'.*'full'"):
        ops.conv2d(x, np.zeros((1, 3, 3, 3)), padding="full")
    with pytest.raises(ConfigError, match=r"padding must be a ≥ 0 integer or a pair.*-1"):
        ops.conv2d(x, np.zeros((1, 3, 3, 3)), padding=-1)
    with pytest.raises(ShapeError, match=r"conv1d expects inputs \(N, C, L\)"):
        ops.conv1d(x, np.zeros((1, 3, 3)))


@pytest.mark.parametrize(
    "name",
    ["glassnet.ops.conv", "glassnet.ops.pooling", "glassnet.ops.windows", "glassnet.ops.workspace"],
)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0
    assert result.failed == 0


def test_workspace_reuses_only_arrays_nothing_refers_to():
    dtype = np.dtype(np.float32)
    first = workspace.empty((300, 300), dtype, np)
    view = first.T  # a view keeps ``first`` in use
    del first
    second = workspace.empty((300, 300), dtype, np)
    assert not np.shares_memory(second, view)
    address = second.__array_interface__["data"][0]
    del second
    again = workspace.empty((300, 300), dtype, np)  # free again: handed out again
    assert again.__array_interface__["data"][0] == address
    small = workspace.empty((3,), dtype, np)
    assert small.shape == (3,)  # small arrays come straight from NumPy
    assert np.all(workspace.zeros((300, 300), dtype, np) == 0)
