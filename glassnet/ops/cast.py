"""Casting a tensor to another float dtype, differentiably, and the autocast hook.

Example:
    >>> import glassnet as gn
    >>> x = gn.Tensor([1.0, 2.0], requires_grad=True)
    >>> y = cast(x, "float16")
    >>> y.dtype.name
    'float16'
    >>> y.sum().backward()
    >>> x.grad.dtype.name
    'float32'
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Function
from glassnet.autograd.tensor import Tensor, as_tensor
from glassnet.backend import Array
from glassnet.backend.precision import get_compute_dtype


class Cast(Function):
    """The numbers in ``dtype``; the gradient comes back in the input's own dtype."""

    def __init__(self, dtype: np.dtype) -> None:
        self.dtype = dtype

    def forward(self, a: Array) -> Array:
        self.source = a.dtype
        return a.astype(self.dtype)

    def backward(self, grad: Array) -> tuple[Array]:
        return (grad.astype(self.source, copy=False),)


def cast(x: Any, dtype: Any) -> Tensor:
    """``x`` in ``dtype``: ``x`` itself when it already has it."""
    x = as_tensor(x)
    dtype = np.dtype(dtype)
    return x if x.dtype == dtype else Cast(dtype)(x)


def autocast_inputs(*values: Any) -> tuple[Any, ...]:
    """The float inputs of a heavy op in the compute dtype, inside ``autocast`` only.

    Outside autocast it returns ``values`` unchanged (one lookup: this runs per op).
    """
    dtype = get_compute_dtype()
    if dtype is None:
        return values
    cast_values = []
    for value in values:
        if value is not None:
            value = as_tensor(value)
            if value.dtype.kind == "f":
                value = cast(value, dtype)
        cast_values.append(value)
    return tuple(cast_values)
