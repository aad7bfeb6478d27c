"""Fused loops for a dense network's small elementwise steps, compiled with numba.

Why: on a small network (a tabular 30-64-64-2 MLP at batch 32) each NumPy call costs
1.5–4 µs of overhead for a few thousand numbers, and a training step is mostly such
calls. Two chains are fused here, each into one pass:

* the backward of ``relu(x @ w + b)``: mask the upstream gradient where the output
  was 0 and sum the masked gradient over the batch for the bias (NumPy: a ``where``
  and a ``sum``, 5 µs; fused: under 1 µs);
* softmax cross-entropy on integer labels: the row maximum, the exponentials, their
  sum, the probabilities the backward needs and each sample's loss (NumPy: ten
  calls, 12 µs), and its backward, ``(p - onehot(label)) · scale`` in place.

:mod:`glassnet.ops.matmul` and :mod:`glassnet.ops.loss` keep the NumPy code as the
reference, used for CuPy arrays, non-contiguous arrays, without numba, or with
``GLASSNET_NUMBA=0``; the tests compare both. Compiled with ``error_model="numpy"``
(no exception branch in the loops, so LLVM vectorizes them) and cached on disk.
"""

from __future__ import annotations

import math
import os

import numpy as np

from glassnet.backend import Array

try:  # numba is a speed-up, not a requirement
    from numba import njit
except ImportError:  # pragma: no cover - depends on the installation
    njit = None

_JIT = {"cache": True, "error_model": "numpy", "nogil": True}
_ZERO = np.float32(0.0)  # float32, so float32 loops are not promoted to float64


def applies(*arrays: Array) -> bool:
    """Whether the fused loops can take ``arrays``: numba on, NumPy, C-contiguous, float32/64.

    Numba has no float16: mixed-precision steps take the NumPy code.
    """
    if njit is None or os.environ.get("GLASSNET_NUMBA", "1") == "0":
        return False
    dtype = arrays[0].dtype
    for array in arrays:
        if type(array) is not np.ndarray or not array.flags.c_contiguous:
            return False
        if array.dtype != dtype or dtype.itemsize < 4 or dtype.kind != "f":
            return False
    return True


def _relu_backward_with_bias(grad, out, masked, bias_grad):  # pragma: no cover - compiled
    rows, cols = grad.shape
    for j in range(cols):
        bias_grad[j] = _ZERO
    for i in range(rows):
        for j in range(cols):
            value = grad[i, j] if out[i, j] > _ZERO else _ZERO
            masked[i, j] = value
            bias_grad[j] += value


def _softmax_cross_entropy_rows(logits, labels, probabilities, losses):  # pragma: no cover
    rows, classes = logits.shape
    for i in range(rows):
        label = labels[i]
        if label < 0 or label >= classes:
            return i
        largest = logits[i, 0]
        for j in range(1, classes):
            largest = max(largest, logits[i, j])
        total = _ZERO * largest
        for j in range(classes):
            e = math.exp(logits[i, j] - largest)
            probabilities[i, j] = e
            total += e
        for j in range(classes):
            probabilities[i, j] /= total
        losses[i] = math.log(total) - (logits[i, label] - largest)
    return -1


def _softmax_cross_entropy_rows_backward(probabilities, labels, scale):  # pragma: no cover
    rows, classes = probabilities.shape
    for i in range(rows):
        probabilities[i, labels[i]] -= 1
        for j in range(classes):
            probabilities[i, j] *= scale


if njit is not None:
    _relu_backward_with_bias = njit(**_JIT)(_relu_backward_with_bias)
    _softmax_cross_entropy_rows = njit(**_JIT)(_softmax_cross_entropy_rows)
    _softmax_cross_entropy_rows_backward = njit(**_JIT)(_softmax_cross_entropy_rows_backward)


def relu_backward_with_bias(grad: Array, out: Array) -> tuple[Array, Array]:
    """``(grad where out > 0 else 0, its sum over rows)`` for 2-d ``grad`` and ``out``."""
    masked = np.empty_like(grad)
    bias_grad = np.empty(grad.shape[1], dtype=grad.dtype)
    _relu_backward_with_bias(grad, out, masked, bias_grad)
    return masked, bias_grad


def softmax_cross_entropy_rows(logits: Array, labels: Array) -> tuple[Array, Array, int]:
    """Softmax probabilities, each row's loss, and the first row whose label is out of range.

    Args:
        logits: (samples, classes) float scores, C-contiguous.
        labels: (samples,) integer class indices.

    Returns:
        ``(probabilities, losses, bad_row)`` where ``bad_row`` is -1 when every label
        lies in ``0 .. classes - 1``; otherwise the outputs are only partly filled.
    """
    probabilities = np.empty_like(logits)
    losses = np.empty(logits.shape[0], dtype=logits.dtype)
    bad_row = _softmax_cross_entropy_rows(logits, labels, probabilities, losses)
    return probabilities, losses, int(bad_row)


def softmax_cross_entropy_rows_backward(probabilities: Array, labels: Array, scale: Array) -> Array:
    """``(probabilities - onehot(labels)) * scale``, computed in place and returned.

    Args:
        probabilities: (samples, classes) softmax outputs, overwritten.
        labels: (samples,) integer classes, already checked to be in range.
        scale: the upstream gradient of each sample's loss, one number for all rows.
    """
    _softmax_cross_entropy_rows_backward(probabilities, labels, probabilities.dtype.type(scale))
    return probabilities
