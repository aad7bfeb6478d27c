"""Shape primitives: reshape, transpose, concatenate, stack, and indexing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet.autograd.function import Function
from glassnet.backend import Array, get_array_module, scatter_add, to_device_of

if TYPE_CHECKING:
    from glassnet.autograd.tensor import Tensor


class Reshape(Function):
    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape

    def forward(self, a: Array) -> Array:
        self.in_shape = a.shape
        return a.reshape(self.shape)

    def backward(self, grad: Array) -> tuple[Array]:
        return (grad.reshape(self.in_shape),)


class Transpose(Function):
    def __init__(self, axes: tuple[int, ...] | None) -> None:
        self.axes = axes

    def forward(self, a: Array) -> Array:
        xp = get_array_module(a)
        if self.axes is None:
            self.axes_used = tuple(reversed(range(a.ndim)))
        else:
            # Normalised so that argsort in backward inverts negative axes correctly.
            self.axes_used = tuple(axis % a.ndim for axis in self.axes)
        return xp.transpose(a, self.axes_used)

    def backward(self, grad: Array) -> tuple[Array]:
        xp = get_array_module(grad)
        return (xp.transpose(grad, xp.argsort(xp.asarray(self.axes_used)).tolist()),)


class Concatenate(Function):
    def __init__(self, axis: int) -> None:
        self.axis = axis

    def forward(self, *arrays: Array) -> Array:
        xp = get_array_module(*arrays)
        self.sizes = [a.shape[self.axis] for a in arrays]
        return xp.concatenate(arrays, axis=self.axis)

    def backward(self, grad: Array) -> tuple[Array, ...]:
        xp = get_array_module(grad)
        cuts = xp.cumsum(xp.asarray(self.sizes[:-1])).tolist()
        return tuple(xp.split(grad, cuts, axis=self.axis))


class Stack(Function):
    def __init__(self, axis: int) -> None:
        self.axis = axis

    def forward(self, *arrays: Array) -> Array:
        return get_array_module(*arrays).stack(arrays, axis=self.axis)

    def backward(self, grad: Array) -> tuple[Array, ...]:
        xp = get_array_module(grad)
        return tuple(xp.moveaxis(grad, self.axis, 0))


def _is_basic_index(index: Any) -> bool:
    """True for ints, slices, ``None`` and ``...`` only: each element is picked at most once."""
    items = index if isinstance(index, tuple) else (index,)
    return all(isinstance(i, (int, slice)) or i is None or i is Ellipsis for i in items)


class GetItem(Function):
    """``a[index]`` for slices and for integer or boolean array indices.

    Integer-array indices may repeat an element; its gradient is then accumulated.
    """

    def __init__(self, index: Any) -> None:
        self.index = index

    def forward(self, a: Array) -> Array:
        self.in_shape, self.dtype = a.shape, a.dtype
        if get_array_module(a) is not np:
            self.index = _index_on_device_of(self.index, a)
        return a[self.index]

    def backward(self, grad: Array) -> tuple[Array]:
        xp = get_array_module(grad)
        full = xp.zeros(self.in_shape, dtype=self.dtype)
        if _is_basic_index(self.index):
            full[self.index] = grad
        else:
            scatter_add(full, self.index, grad)
        return (full,)


def _index_on_device_of(index: Any, like: Array) -> Any:
    """``index`` with its NumPy arrays moved to the device of ``like`` (scatter_add needs it)."""
    if isinstance(index, tuple):
        return tuple(_index_on_device_of(part, like) for part in index)
    if isinstance(index, (np.ndarray, list)):
        return to_device_of(np.asarray(index), like)
    return index


def reshape(a: Any, shape: tuple[int, ...]) -> Tensor:
    return Reshape(tuple(shape))(a)


def transpose(a: Any, axes: tuple[int, ...] | None = None) -> Tensor:
    return Transpose(axes)(a)


def concatenate(tensors: list[Any], axis: int = 0) -> Tensor:
    return Concatenate(axis)(*tensors)


def stack(tensors: list[Any], axis: int = 0) -> Tensor:
    return Stack(axis)(*tensors)


def getitem(a: Any, index: Any) -> Tensor:
    from glassnet.autograd.tensor import Tensor

    if isinstance(index, Tensor):
        index = index.data
    elif isinstance(index, tuple):
        index = tuple(i.data if isinstance(i, Tensor) else i for i in index)
    return GetItem(index)(a)
