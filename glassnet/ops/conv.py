"""Convolution primitives: ``conv2d`` on (N, C, H, W) and ``conv1d`` on (N, C, L).

A convolution is one large matrix product. im2col copies every window of the padded
input into the columns of a (C·kh·kw, Ho·Wo·N) matrix, and the output is
``kernel.reshape(F, C·kh·kw) @ columns`` — (F, Ho·Wo·N), already the batch-innermost
(F, Ho, Wo, N) layout the next layer reads (see :mod:`glassnet.ops.windows` for why
the primitives compute in that layout and how a view keeps the public one). The
backward pass is two more products — the kernel gradient ``grad @ columns.T`` and the
column gradient ``kernel.T @ grad`` — and col2im, which adds each column back onto the
input position it was copied from, with one strided add per kernel tap (kh·kw of them,
never a loop over pixels).

Shapes: inputs (N, C, H, W), kernel (filters, C, kh, kw), bias (filters,), output
(N, filters, Ho, Wo). Like every deep-learning library, this computes a
*cross-correlation* (the kernel is not flipped).

Example:
    >>> import numpy as np, glassnet as gn
    >>> x = gn.Tensor(np.arange(16.0).reshape(1, 1, 4, 4))
    >>> k = gn.Tensor(np.ones((1, 1, 2, 2)))
    >>> gn.ops.conv2d(x, k, stride=2).numpy()[0, 0].tolist()
    [[10.0, 18.0], [42.0, 50.0]]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glassnet.autograd.function import Function
from glassnet.backend import Array, get_array_module
from glassnet.errors import ShapeError
from glassnet.ops import workspace
from glassnet.ops.cast import autocast_inputs
from glassnet.ops.shape import reshape
from glassnet.ops.windows import (
    Pads,
    Pair,
    as_pair,
    from_batch_inner,
    output_hw,
    pad_batch_inner,
    resolve_padding,
    to_batch_inner,
    window_view,
)

if TYPE_CHECKING:
    from glassnet.autograd.tensor import Tensor


#: How many bytes of im2col columns one matrix product reads. Products over slices
#: this size stay in the L2 cache (2 MiB per core here) while they are copied and
#: multiplied; OpenBLAS multiplies a (6, 25) kernel by (25, 36 864) columns 2× faster
#: in slices of ~4 000 columns than in one call.
CHUNK_BYTES = 512 * 1024


def _row_chunks(rows: int, row_bytes: int) -> list[tuple[int, int]]:
    """Ranges of output rows whose columns fill about ``CHUNK_BYTES`` each."""
    step = max(1, CHUNK_BYTES // max(row_bytes, 1))
    return [(start, min(start + step, rows)) for start in range(0, rows, step)]


class Conv2D(Function):
    """2-d convolution (+ bias, + ReLU when ``relu``), fused so the backward reads one buffer.

    The bias rides in the product: the columns get a last row of ones and the kernel
    matrix a last column of biases, so neither the bias add nor its gradient (the
    row sum of the output gradient) costs a pass of its own.

    Args:
        stride, dilation: (rows, columns).
        pads: ``((top, bottom), (left, right))``, already resolved.
        relu: apply max(0, ·) to the output in place (a fused pair, kept for speed: it
            saves a pass over the output and a graph node per layer).
    """

    def __init__(self, stride: Pair, pads: Pads, dilation: Pair, relu: bool = False) -> None:
        self.stride, self.pads, self.dilation, self.relu = stride, pads, dilation, relu

    def forward(self, x: Array, w: Array, b: Array | None = None) -> Array:
        xp = get_array_module(x)
        n, c, h, width = x.shape
        f, kc, kh, kw = w.shape
        if c != kc:
            raise ShapeError(
                f"conv2d: the input has {c} channels (shape {x.shape}) but the kernel expects "
                f"{kc} (kernel shape {w.shape})"
            )
        ho, wo = output_hw((h, width), (kh, kw), self.stride, self.dilation, self.pads, "conv2d")
        padded = pad_batch_inner(x, self.pads)
        windows = window_view(padded, (kh, kw), self.stride, self.dilation, (ho, wo))
        taps = c * kh * kw
        row = wo * n  # columns per output row
        columns = workspace.empty((taps + (b is not None), ho * row), x.dtype, xp)
        matrix = w.reshape(f, taps)
        if b is not None:
            columns[taps] = 1
            matrix = xp.concatenate([matrix, b.reshape(f, 1)], axis=1)
        per_tap = columns[:taps].reshape(c, kh, kw, ho, wo, n)
        out = workspace.empty((f, ho * row), xp.result_type(x, w), xp)
        rows = _row_chunks(ho, row * len(columns) * x.itemsize)
        self.chunks = [(r0 * row, r1 * row) for r0, r1 in rows]
        # im2col and product slice by slice, each slice multiplied while still in cache.
        for (r0, r1), (a, z) in zip(rows, self.chunks, strict=True):
            xp.copyto(per_tap[:, :, :, r0:r1], windows[:, :, :, r0:r1])
            xp.matmul(matrix, columns[:, a:z], out=out[:, a:z])
        if self.relu:
            xp.maximum(out, 0, out=out)
            self.out = out
        self.columns, self.matrix, self.w_shape = columns, matrix, w.shape
        self.x_shape, self.padded_shape, self.out_hw = x.shape, padded.shape, (ho, wo)
        return from_batch_inner(out.reshape(f, ho, wo, n))

    def backward(self, grad: Array) -> tuple[Array | None, ...]:
        xp = get_array_module(grad)
        f = self.w_shape[0]
        g = to_batch_inner(grad).reshape(f, -1)  # (F, Ho·Wo·N)
        if self.relu:
            positive = workspace.empty(g.shape, xp.dtype(bool), xp)
            xp.greater(self.out, 0, out=positive)
            g = xp.multiply(g, positive, out=workspace.empty(g.shape, g.dtype, xp))
        taps = self.matrix.shape[1] - (len(self.inputs) == 3)
        grads: list[Array | None] = [None] * len(self.inputs)
        if any(t.requires_grad for t in self.inputs[1:]):
            # Kernel and bias gradients (the bias's is the last column), summed over the
            # slices; columns @ g.T is ~1.8× faster than g @ columns.T for these shapes.
            both_t = xp.zeros(self.matrix.shape[::-1], dtype=g.dtype)
            part = xp.empty_like(both_t)
            for a, z in self.chunks:
                xp.matmul(self.columns[:, a:z], g[:, a:z].T, out=part)
                both_t += part
            grads[1] = xp.ascontiguousarray(both_t[:taps].T).reshape(self.w_shape)
            if len(self.inputs) == 3:
                grads[2] = both_t[taps].copy()
        # The first layer's input (the data) needs no gradient: skip that product.
        if self.inputs[0].requires_grad:
            grads[0] = self._grad_input(g)
        return tuple(grads)

    def _grad_input(self, g: Array) -> Array:
        """col2im: each column's gradient, added back onto the input it was copied from.

        ``kernel.T @ g`` gives the gradient of every column (one product: with only F
        = filters as its inner size, slicing it does not help).
        Each kernel row's share then lands on whole input rows — adds of long
        contiguous runs — and one strided add per kernel column finishes the job: kh + kw
        adds instead of kh·kw with short runs (1.3× faster for LeNet's second conv).
        """
        xp = get_array_module(g)
        c, hp, wp, n = self.padded_shape
        _, _, kh, kw = self.w_shape
        (ho, wo), (sh, sw), (dh, dw) = self.out_hw, self.stride, self.dilation
        taps = c * kh * kw
        kernel_t = self.matrix[:, :taps].T
        grad_columns = xp.matmul(kernel_t, g, out=workspace.empty((taps, g.shape[1]), g.dtype, xp))
        per_tap = grad_columns.reshape(c, kh, kw, ho, wo, n)
        # by_column[c, j, h]: the gradient reaching padded row h through kernel column j.
        by_column = workspace.zeros((c, kw, hp, wo, n), g.dtype, xp)
        for i in range(kh):
            rows = by_column[:, :, i * dh : i * dh + sh * (ho - 1) + 1 : sh]
            rows += per_tap[:, i]
        padded = workspace.zeros((c, hp, wp, n), g.dtype, xp)
        for j in range(kw):
            columns = padded[:, :, j * dw : j * dw + sw * (wo - 1) + 1 : sw]
            columns += by_column[:, j]
        (top, _), (left, _) = self.pads
        _, _, h, width = self.x_shape
        return from_batch_inner(padded[:, top : top + h, left : left + width, :])


def _shape_of(value: Any) -> tuple[int, ...]:
    return tuple(getattr(value, "shape", ()))


def conv2d(
    x: Any,
    kernel: Any,
    bias: Any = None,
    stride: Any = 1,
    padding: Any = "valid",
    dilation: Any = 1,
    relu: bool = False,
) -> Tensor:
    """The 2-d convolution of ``x`` (N, C, H, W) with ``kernel`` (filters, C, kh, kw).

    Args:
        bias: (filters,) added to every position of each output channel, or None.
        stride, dilation: an int or a pair (rows, columns).
        padding: ``"valid"``, ``"same"``, an int, a pair or ``((top, bottom), (left, right))``
            (see :mod:`glassnet.ops.windows`).
        relu: apply ReLU to the result inside the same op.

    Returns:
        (N, filters, Ho, Wo); a view of a batch-innermost buffer (values as usual).
    """
    x_shape, k_shape = _shape_of(x), _shape_of(kernel)
    if len(x_shape) != 4 or len(k_shape) != 4:
        raise ShapeError(
            f"conv2d expects inputs (N, C, H, W) and a kernel (filters, C, kh, kw), got "
            f"shapes {x_shape} and {k_shape}"
        )
    stride = as_pair(stride, "conv2d stride")
    dilation = as_pair(dilation, "conv2d dilation")
    pads = resolve_padding(padding, k_shape[2:], stride, dilation, x_shape[2:], "conv2d padding")
    fn = Conv2D(stride, pads, dilation, relu)
    x, kernel, bias = autocast_inputs(x, kernel, bias)
    return fn(x, kernel) if bias is None else fn(x, kernel, bias)


def conv1d(
    x: Any,
    kernel: Any,
    bias: Any = None,
    stride: int = 1,
    padding: Any = "valid",
    dilation: int = 1,
    relu: bool = False,
) -> Tensor:
    """The 1-d convolution of ``x`` (N, C, L) with ``kernel`` (filters, C, k): a 2-d one with H = 1.

    Args:
        padding: ``"valid"``, ``"same"`` or an int (zeros on both ends).

    Example:
        >>> import numpy as np, glassnet as gn
        >>> out = gn.ops.conv1d(np.ones((1, 1, 5)), np.ones((1, 1, 3)), padding="same")
        >>> out.numpy().tolist()
        [[[2.0, 3.0, 3.0, 3.0, 2.0]]]
    """
    x_shape, k_shape = _shape_of(x), _shape_of(kernel)
    if len(x_shape) != 3 or len(k_shape) != 3:
        raise ShapeError(
            f"conv1d expects inputs (N, C, L) and a kernel (filters, C, k), got shapes "
            f"{x_shape} and {k_shape}"
        )
    if not isinstance(padding, str):
        padding = (0, as_pair(padding, "conv1d padding", minimum=0)[1])
    n, c, length = x_shape
    f, kc, k = k_shape
    out = conv2d(
        reshape(x, (n, c, 1, length)),
        reshape(kernel, (f, kc, 1, k)),
        bias,
        stride=(1, stride),
        padding=padding,
        dilation=(1, dilation),
        relu=relu,
    )
    return reshape(out, (n, f, out.shape[3]))
