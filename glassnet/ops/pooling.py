"""Pooling primitives on (N, C, H, W): ``max_pool2d`` and ``avg_pool2d``.

Both loop over the taps of the window, never over pixels: each tap is a strided view
of the whole batch in the batch-innermost layout (:mod:`glassnet.ops.windows`), and
the window is reduced along its columns, then its rows (separably).

* Max pooling keeps, per window, the index of the tap that won (the first maximum, as
  PyTorch does), and its backward sends each output gradient to that one input.
  Padding is −∞, so it never wins; it may be at most half the window.
* Average pooling divides each window's sum by the number of *real* inputs in it, so
  padding never dilutes an average (Keras' rule; PyTorch's ``count_include_pad=False``).

Example:
    >>> import numpy as np, glassnet as gn
    >>> x = gn.Tensor(np.arange(16.0).reshape(1, 1, 4, 4))
    >>> gn.ops.max_pool2d(x, 2).numpy()[0, 0].tolist()
    [[5.0, 7.0], [13.0, 15.0]]
    >>> gn.ops.avg_pool2d(x, 2).numpy()[0, 0].tolist()
    [[2.5, 4.5], [10.5, 12.5]]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet.autograd.function import Function
from glassnet.backend import Array, get_array_module
from glassnet.errors import ConfigError, ShapeError
from glassnet.ops import workspace
from glassnet.ops.windows import (
    Pads,
    Pair,
    as_pair,
    from_batch_inner,
    output_hw,
    pad_batch_inner,
    resolve_padding,
    to_batch_inner,
)

if TYPE_CHECKING:
    from glassnet.autograd.tensor import Tensor

_NO_DILATION = (1, 1)


def _taps(buffer: Array, axis: int, k: int, s: int, n_out: int) -> list[Array]:
    """The ``k`` strided views of ``buffer`` along ``axis`` (1 = rows, 2 = columns), one per tap."""
    lead = (slice(None),) * axis
    return [buffer[(*lead, slice(j, j + s * (n_out - 1) + 1, s))] for j in range(k)]


def _send(xp: Any, view: Array, values: Array, disjoint: bool) -> None:
    """Write ``values`` into ``view`` (windows do not overlap) or add them (they do)."""
    if disjoint:
        xp.copyto(view, values)
    else:
        xp.add(view, values, out=view)


class _Pool2D(Function):
    """Shared geometry and the backward pass.

    Both pools are *separable*: a window's max (or sum) is the max over its rows of the
    max over its columns. Each primitive therefore reduces along the columns first, (C,
    Hp, Wp, N) → (C, Hp, Wo, N), then along the rows → (C, Ho, Wo, N): kh + kw − 2 whole-
    array ufunc calls instead of kh·kw − 1, each vectorised over contiguous runs of N.
    The backward pass goes the other way: rows, then columns.
    """

    def __init__(self, kernel: Pair, stride: Pair, pads: Pads) -> None:
        self.kernel, self.stride, self.pads = kernel, stride, pads

    def _geometry(self, x: Array) -> None:
        self.x_shape = x.shape
        self.out_hw = output_hw(
            x.shape[2:], self.kernel, self.stride, _NO_DILATION, self.pads, self.name
        )

    def _reduce(self, x: Array, fill: float, combine: Any) -> Array:
        """Pad, then ``combine(axis, taps) -> reduced`` along columns (axis 2), then rows (1)."""
        current = pad_batch_inner(x, self.pads, fill=fill)
        for axis in (2, 1):
            k, s = self.kernel[axis - 1], self.stride[axis - 1]
            current = combine(axis, _taps(current, axis, k, s, self.out_hw[axis - 1]))
        return current

    def _route(self, axis: int, source: Array, views: list[Array], disjoint: bool) -> None:
        """Send ``source`` (the gradient of one reduction) to the ``views`` of its taps."""
        raise NotImplementedError  # pragma: no cover - abstract

    def backward(self, grad: Array) -> tuple[Array]:
        g = self._scale(to_batch_inner(grad))
        xp = get_array_module(g)
        n, c, h, w = self.x_shape
        (top, bottom), (left, right) = self.pads
        shapes = {
            1: (c, h + top + bottom, self.out_hw[1], n),
            2: (c, h + top + bottom, w + left + right, n),
        }
        for axis in (1, 2):  # rows, then columns: the forward reductions in reverse
            k, s, n_out = self.kernel[axis - 1], self.stride[axis - 1], self.out_hw[axis - 1]
            # Windows that do not overlap receive writes, not sums; when they also tile
            # the whole axis, no zeros are needed underneath.
            disjoint = s >= k
            covered = s == k and n_out * k == shapes[axis][axis]
            make = workspace.empty if covered else workspace.zeros
            target = make(shapes[axis], g.dtype, xp)
            self._route(axis, g, _taps(target, axis, k, s, n_out), disjoint)
            g = target
        return (from_batch_inner(g[:, top : top + h, left : left + w, :]),)

    def _scale(self, grad: Array) -> Array:
        return grad


class MaxPool2D(_Pool2D):
    def forward(self, x: Array) -> Array:
        self._geometry(x)
        self.winners: dict[int, Array] = {}
        return from_batch_inner(self._reduce(x, -np.inf, self._max))

    def _max(self, axis: int, taps: list[Array]) -> Array:
        """The maximum of ``taps``, remembering which tap won (the first, on ties)."""
        xp = get_array_module(taps[0])
        best = workspace.empty(taps[0].shape, taps[0].dtype, xp)
        xp.copyto(best, taps[0])
        winner = None
        for j, candidate in enumerate(taps[1:], start=1):
            better = workspace.empty(best.shape, xp.dtype(bool), xp)
            xp.greater(candidate, best, out=better)  # strict: ties keep the first maximum
            xp.maximum(best, candidate, out=best)
            if len(taps) == 2:
                winner = better  # two taps: "tap 1 won" is the whole record
            else:
                if winner is None:
                    winner = workspace.zeros(best.shape, xp.dtype(xp.uint8), xp)
                # Later taps have larger j, so max(winner, better·j) keeps the latest
                # winner (a masked copy would be ~10× slower: it branches per element).
                xp.maximum(winner, better * xp.uint8(j), out=winner)
        self.winners[axis] = winner
        return best

    def _route(self, axis: int, source: Array, views: list[Array], disjoint: bool) -> None:
        xp = get_array_module(source)
        winner = self.winners[axis]
        if winner is None:  # a window of one tap
            _send(xp, views[0], source, disjoint)
        elif winner.dtype == bool and disjoint:
            # Tap 1 gets source·won, tap 0 the rest: source − that is exact (x − x = 0).
            xp.multiply(source, winner, out=views[1])
            xp.subtract(source, views[1], out=views[0])
        else:
            for j, view in enumerate(views):
                _send(xp, view, source * (winner == j), disjoint)


class AvgPool2D(_Pool2D):
    def forward(self, x: Array) -> Array:
        xp = get_array_module(x)
        self._geometry(x)
        out = self._reduce(x, 0.0, self._sum)
        self.scale = self._inverse_counts(xp, x.dtype)
        out *= self.scale
        return from_batch_inner(out)

    @staticmethod
    def _sum(axis: int, taps: list[Array]) -> Array:
        xp = get_array_module(taps[0])
        total = workspace.empty(taps[0].shape, taps[0].dtype, xp)
        xp.copyto(total, taps[0])
        for candidate in taps[1:]:
            total += candidate
        return total

    def _inverse_counts(self, xp: Any, dtype: Any) -> Array:
        """1 / (real inputs per window), shape (Ho, Wo, 1): padding is not counted."""
        per_axis = []
        for axis in range(2):
            n, k, s = self.x_shape[2 + axis], self.kernel[axis], self.stride[axis]
            starts = xp.arange(self.out_hw[axis]) * s - self.pads[axis][0]
            per_axis.append(xp.minimum(starts + k, n) - xp.maximum(starts, 0))
        counts = per_axis[0][:, None] * per_axis[1][None, :]
        return (1.0 / counts).astype(dtype)[:, :, None]

    def _scale(self, grad: Array) -> Array:
        xp = get_array_module(grad)
        return xp.multiply(grad, self.scale, out=workspace.empty(grad.shape, grad.dtype, xp))

    def _route(self, axis: int, source: Array, views: list[Array], disjoint: bool) -> None:
        xp = get_array_module(source)
        for view in views:
            _send(xp, view, source, disjoint)


def _pool_settings(kind: str, kernel_size: Any, stride: Any, padding: Any, x: Any):
    shape = tuple(getattr(x, "shape", ()))
    if len(shape) != 4:
        raise ShapeError(f"{kind} expects inputs of shape (N, C, H, W), got {shape}")
    kernel = as_pair(kernel_size, f"{kind} pool size")
    stride = kernel if stride is None else as_pair(stride, f"{kind} stride")
    pads = resolve_padding(padding, kernel, stride, _NO_DILATION, shape[2:], f"{kind} padding")
    for axis in range(2):
        if max(pads[axis]) > kernel[axis] // 2:
            raise ConfigError(
                f"{kind} padding may be at most half the window ({kernel[0]}×{kernel[1]} → "
                f"{kernel[0] // 2}×{kernel[1] // 2}), got {pads}"
            )
    return kernel, stride, pads


def max_pool2d(x: Any, kernel_size: Any = 2, stride: Any = None, padding: Any = 0) -> Tensor:
    """The maximum of each ``kernel_size`` window of ``x`` (N, C, H, W); stride defaults to it.

    Args:
        padding: an int, a pair, ``"valid"`` or ``"same"`` (at most half the window).
    """
    return MaxPool2D(*_pool_settings("max_pool2d", kernel_size, stride, padding, x))(x)


def avg_pool2d(x: Any, kernel_size: Any = 2, stride: Any = None, padding: Any = 0) -> Tensor:
    """The mean of each ``kernel_size`` window of ``x`` (N, C, H, W), padding not counted."""
    return AvgPool2D(*_pool_settings("avg_pool2d", kernel_size, stride, padding, x))(x)
