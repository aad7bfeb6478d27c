"""Reductions over axes: sum, mean, max, min (with ``keepdims``)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from glassnet.autograd.function import Function
from glassnet.backend import Array, get_array_module

if TYPE_CHECKING:
    from glassnet.autograd.tensor import Tensor


def _normalize_axes(axis: Any, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    return tuple(a % ndim if ndim else a for a in axes)


def _expand_reduced(grad: Array, shape: tuple[int, ...], axes: tuple[int, ...]) -> Array:
    """Reinsert the reduced axes (as size 1) so that ``grad`` broadcasts against ``shape``."""
    kept = tuple(1 if i in axes else n for i, n in enumerate(shape))
    return grad.reshape(kept)


def _spread(grad: Array, shape: tuple[int, ...]) -> Array:
    """``grad`` broadcast to ``shape`` as a fresh, writable array.

    Not ``broadcast_to``: its read-only view would have to be copied again before it
    could become a leaf's ``.grad``, and it is slower for the small arrays of a backward.
    """
    full = get_array_module(grad).empty(shape, dtype=grad.dtype)
    full[...] = grad
    return full


class Sum(Function):
    def __init__(self, axis: Any = None, keepdims: bool = False) -> None:
        self.axis, self.keepdims = axis, keepdims

    def forward(self, a: Array) -> Array:
        self.shape = a.shape
        self.axes = _normalize_axes(self.axis, a.ndim)
        return get_array_module(a).sum(a, axis=self.axis, keepdims=self.keepdims)

    def backward(self, grad: Array) -> tuple[Array]:
        if not self.keepdims:
            grad = _expand_reduced(grad, self.shape, self.axes)
        return (_spread(grad, self.shape),)


class Mean(Function):
    def __init__(self, axis: Any = None, keepdims: bool = False) -> None:
        self.axis, self.keepdims = axis, keepdims

    def forward(self, a: Array) -> Array:
        self.shape = a.shape
        self.axes = _normalize_axes(self.axis, a.ndim)
        self.count = math.prod(a.shape[i] for i in self.axes)
        return get_array_module(a).mean(a, axis=self.axis, keepdims=self.keepdims)

    def backward(self, grad: Array) -> tuple[Array]:
        if not self.keepdims:
            grad = _expand_reduced(grad, self.shape, self.axes)
        return (_spread(grad / grad.dtype.type(self.count), self.shape),)


class _Extreme(Function):
    """Max or min; the gradient is shared equally among tied extreme elements."""

    reduce_name = ""

    def __init__(self, axis: Any = None, keepdims: bool = False) -> None:
        self.axis, self.keepdims = axis, keepdims

    def forward(self, a: Array) -> Array:
        xp = get_array_module(a)
        self.axes = _normalize_axes(self.axis, a.ndim)
        out = getattr(xp, self.reduce_name)(a, axis=self.axis, keepdims=True)
        self.mask = a == out
        return out if self.keepdims else xp.squeeze(out, axis=self.axes)

    def backward(self, grad: Array) -> tuple[Array]:
        if not self.keepdims:
            grad = _expand_reduced(grad, self.mask.shape, self.axes)
        ties = self.mask.sum(axis=self.axes, keepdims=True)
        return (grad * self.mask / ties.astype(grad.dtype),)


class Max(_Extreme):
    reduce_name = "max"


class Min(_Extreme):
    reduce_name = "min"


def sum(a: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    return Sum(axis, keepdims)(a)


def mean(a: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    return Mean(axis, keepdims)(a)


def max(a: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    return Max(axis, keepdims)(a)


def min(a: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    return Min(axis, keepdims)(a)
