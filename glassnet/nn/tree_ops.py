"""``segment_sum``: the primitive that adds each parent's children together.

Children of a level are stored as rows grouped by parent (see
:class:`glassnet.data.tree_batch.TreeLevel`); ``segment_sum(rows, parent, count)``
adds the rows of each parent into one. Its backward hands each child its parent's
gradient. It is a primitive (a Function) because composing it from a dense (parents ×
children) 0/1 matrix product would cost parents · children · features.

Example:
    >>> import numpy as np, glassnet as gn
    >>> x = gn.Tensor([[1.0], [2.0], [4.0]], requires_grad=True)
    >>> segment_sum(x, np.array([0, 0, 1]), 2).numpy().tolist()
    [[3.0], [4.0]]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Function
from glassnet.autograd.tensor import Tensor
from glassnet.backend import Array, get_array_module, scatter_add, to_device_of
from glassnet.errors import ShapeError


class SegmentSum(Function):
    """``out[s] = Σ x[i] over i with segments[i] == s``, for ``count`` segments."""

    def __init__(self, segments: np.ndarray, count: int) -> None:
        self.segments = segments
        self.count = count
        # Sorted segments with none empty (always so for a tree level): one reduceat pass.
        self.starts = None
        if segments.size and np.all(np.diff(segments) >= 0):
            starts = np.searchsorted(segments, np.arange(count))
            if segments[0] == 0 and segments[-1] == count - 1 and np.all(np.diff(starts) > 0):
                self.starts = starts

    def forward(self, x: Array) -> Array:
        xp = get_array_module(x)
        if self.starts is not None and xp is np:
            return np.add.reduceat(x, self.starts, axis=0)
        self.segments = to_device_of(self.segments, x)
        out = xp.zeros((self.count, *x.shape[1:]), dtype=x.dtype)
        scatter_add(out, self.segments, x)
        return out

    def backward(self, grad: Array) -> tuple[Array]:
        return (grad[self.segments],)


def segment_sum(x: Any, segments: np.ndarray, count: int) -> Tensor:
    """Sum the rows of ``x`` that share a segment id; rows of empty segments are zero.

    Args:
        x: (rows, ...) values.
        segments: (rows,) integer segment ids in ``[0, count)``.
        count: the number of segments (rows of the result).
    """
    segments = np.asarray(segments, dtype=np.int64)
    if segments.ndim != 1 or len(segments) != len(x):
        raise ShapeError(
            f"segment_sum needs one segment id per row of x ({len(x)} rows), got "
            f"shape {segments.shape}"
        )
    if segments.size and (segments.min() < 0 or segments.max() >= count):
        raise ShapeError(
            f"segment ids must lie in [0, {count}), got values from {segments.min()} "
            f"to {segments.max()}"
        )
    return SegmentSum(segments, int(count))(x)
