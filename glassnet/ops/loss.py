"""Loss primitives fused for numerical stability: softmax + cross-entropy, sigmoid + BCE.

Taking logits, they never compute log(0): log-softmax and log(1 + e^-|x|) stay
finite for any logit, and their gradients are the famous ``p - target``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glassnet.autograd.function import Function
from glassnet.backend import Array, get_array_module
from glassnet.errors import DataError
from glassnet.ops import dense_numba
from glassnet.ops.activation import stable_log_softmax, stable_sigmoid

if TYPE_CHECKING:
    from glassnet.autograd.tensor import Tensor

REDUCTIONS = ("mean", "sum", "none")


def _reduce(values: Array, reduction: str) -> Array:
    if reduction == "mean":
        # What ndarray.mean computes (the sum, divided in its dtype), without its
        # Python-level wrapper: this runs once per training step.
        return values.sum() / values.dtype.type(values.size)
    if reduction == "sum":
        return values.sum()
    return values


def _reduction_scale(grad: Array, count: int, reduction: str) -> Array:
    """The upstream gradient as seen by each sample's loss term."""
    if reduction == "mean":
        return grad / grad.dtype.type(count)
    return grad


class SoftmaxCrossEntropy(Function):
    """Cross-entropy of softmax(logits) against integer labels or probability rows.

    ``logits`` has shape (samples, classes); ``target`` is either integer class
    labels of shape (samples,) or one-hot / probability rows of shape (samples, classes).
    """

    def __init__(self, reduction: str = "mean") -> None:
        self.reduction = reduction

    def forward(self, logits: Array, target: Array) -> Array:
        xp = get_array_module(logits)
        self.target, self.logits = target, logits
        if target.dtype.kind in "iu" and logits.ndim == 2 and dense_numba.applies(logits):
            self.p, per_sample, bad_row = dense_numba.softmax_cross_entropy_rows(logits, target)
            if bad_row >= 0:
                _check_label_range(target, logits.shape[1])
        elif target.dtype.kind in "iu":
            _check_label_range(target, logits.shape[1])
            # Only the labelled column's log-probability is needed:
            # -log p_y = log Σ e^(x - max) - (x_y - max). The probabilities, which the
            # backward needs, are kept instead of log p (no second exp there).
            shifted = logits - logits.max(axis=-1, keepdims=True)
            e = xp.exp(shifted)
            total = e.sum(axis=-1, keepdims=True)
            rows = xp.arange(len(target))
            per_sample = xp.log(total[:, 0]) - shifted[rows, target]
            e /= total
            self.p = e
        else:
            log_p = stable_log_softmax(logits, axis=-1)
            self.p = None
            per_sample = -(target * log_p).sum(axis=-1)
        return _reduce(per_sample, self.reduction)

    def backward(self, grad: Array) -> tuple[Array, None]:
        xp = get_array_module(grad)
        # The kept probabilities become the gradient in place (this op is their only
        # reader); a second backward (retain_graph) recomputes them from the logits.
        p = self.p
        self.p = None
        if p is None:
            p = xp.exp(stable_log_softmax(self.logits, axis=-1))
        scale = _reduction_scale(grad, len(p), self.reduction)
        if self.target.dtype.kind in "iu" and self.reduction != "none" and dense_numba.applies(p):
            return dense_numba.softmax_cross_entropy_rows_backward(p, self.target, scale), None
        if self.target.dtype.kind in "iu":
            p[xp.arange(len(self.target)), self.target] -= 1
        else:
            # d/dlogits of -Σ t·log p is p·Σt - t (just p - t for rows that sum to one).
            p = p * self.target.sum(axis=-1, keepdims=True) - self.target
        if self.reduction == "none":
            scale = scale[:, None]
        return p * scale, None


def _check_label_range(labels: Array, classes: int) -> None:
    """A DataError naming the first row whose label is not a class.

    Indexing alone would not catch it: NumPy wraps -1 round to the last class, and CuPy
    wraps every out-of-range index. On a GPU this costs one small read-back per call.
    """
    bad = (labels < 0) | (labels >= classes)
    if bool(bad.any()):
        row = int(get_array_module(bad).argmax(bad))
        raise DataError(
            f"class label {int(labels[row])} in row {row} is out of range "
            f"for {classes} classes (labels must lie in 0..{classes - 1})"
        )


class SigmoidBinaryCrossEntropy(Function):
    """Binary cross-entropy of sigmoid(logits) against targets in [0, 1], elementwise."""

    def __init__(self, reduction: str = "mean") -> None:
        self.reduction = reduction

    def forward(self, logits: Array, target: Array) -> Array:
        xp = get_array_module(logits)
        self.logits, self.target = logits, target
        per_element = xp.maximum(logits, 0) - logits * target + xp.log1p(xp.exp(-xp.abs(logits)))
        return _reduce(per_element, self.reduction)

    def backward(self, grad: Array) -> tuple[Array, None]:
        diff = stable_sigmoid(self.logits) - self.target
        return diff * _reduction_scale(grad, diff.size, self.reduction), None


def softmax_cross_entropy(logits: Any, target: Any, reduction: str = "mean") -> Tensor:
    return SoftmaxCrossEntropy(reduction)(logits, target)


def sigmoid_binary_cross_entropy(logits: Any, target: Any, reduction: str = "mean") -> Tensor:
    return SigmoidBinaryCrossEntropy(reduction)(logits, target)
