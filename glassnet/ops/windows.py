"""Sliding-window geometry and the batch-innermost layout of the conv and pooling primitives.

Geometry. A window of ``kernel`` (kh, kw) taps, ``dilation`` apart, slides by ``stride``
over an input padded by ``((top, bottom), (left, right))``; each output size is
``(size + lo + hi - dilation·(k - 1) - 1) // stride + 1``. Padding is given as

* ``"valid"``: none;
* ``"same"``: Keras/TensorFlow's rule, output size = ceil(size / stride), the odd extra
  row or column going to the bottom or right;
* an int ``p`` or a pair ``(ph, pw)``: that many zeros on both sides (PyTorch's rule);
* ``((top, bottom), (left, right))``: explicit, possibly asymmetric.

Layout. Tensors are (N, C, H, W) for users, but the primitives compute on a
*batch-innermost* (C, H, W, N) buffer: a window's copy then moves runs of W·N (stride 1)
or N contiguous numbers instead of the 1–6 of an (N, C, H, W) array, which is 5–10×
faster (``PERFORMANCE-NOTES.md``, LeNet row). A primitive returns a transposed *view*
of its (C, H, W, N) result, of shape (N, C, H, W), so the next conv or pool gets the
buffer back without a copy (:func:`to_batch_inner` is then a no-op); elementwise ops
keep the memory order of their input. A stack of convolutions and pools therefore
transposes only where it begins and where a ``Flatten`` ends it.

Example:
    >>> resolve_padding("same", (3, 3), (1, 1), (1, 1), (8, 8))
    ((1, 1), (1, 1))
    >>> output_size(8, 3, 2, 1, 1, 1)
    4
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.backend import Array, get_array_module
from glassnet.errors import ConfigError, ShapeError
from glassnet.ops import workspace

Pair = tuple[int, int]
Pads = tuple[Pair, Pair]


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def as_pair(value: Any, what: str, minimum: int = 1) -> Pair:
    """``value`` (an int or a pair of ints, each ≥ ``minimum``) as a pair (rows, columns).

    Raises:
        ConfigError: naming ``what`` and the value received.
    """
    pair = (value, value) if _is_int(value) else value
    if (
        not isinstance(pair, (tuple, list))
        or len(pair) != 2
        or not all(_is_int(v) and v >= minimum for v in pair)
    ):
        kind = "positive" if minimum == 1 else f"≥ {minimum}"
        raise ConfigError(f"{what} must be a {kind} integer or a pair of them, got {value!r}")
    return int(pair[0]), int(pair[1])


def check_padding(padding: Any, what: str) -> Any:
    """Validate a padding spec at construction time; returns it in a JSON-ready form.

    Strings are lower-cased, ints stay ints, pairs become lists (as JSON keeps them).
    """
    if isinstance(padding, str):
        if padding.lower() not in ("valid", "same"):
            raise ConfigError(f"{what} must be 'valid', 'same', an int or a pair, got {padding!r}")
        return padding.lower()
    if _is_int(padding):
        as_pair(padding, what, minimum=0)
        return int(padding)
    if isinstance(padding, (tuple, list)) and len(padding) == 2:
        if all(isinstance(p, (tuple, list)) for p in padding):
            return [list(as_pair(p, what, minimum=0)) for p in padding]
        return list(as_pair(padding, what, minimum=0))
    raise ConfigError(
        f"{what} must be 'valid', 'same', an int, a pair (ph, pw) or "
        f"((top, bottom), (left, right)), got {padding!r}"
    )


def resolve_padding(
    padding: Any, kernel: Pair, stride: Pair, dilation: Pair, size: Pair, what: str = "padding"
) -> Pads:
    """The zeros added on each side, ``((top, bottom), (left, right))``, for ``size`` (H, W)."""
    padding = check_padding(padding, what)
    if padding == "valid":
        return (0, 0), (0, 0)
    if padding == "same":
        pads = []
        for n, k, s, d in zip(size, kernel, stride, dilation, strict=True):
            out = -(-n // s)
            total = max((out - 1) * s + d * (k - 1) + 1 - n, 0)
            pads.append((total // 2, total - total // 2))
        return pads[0], pads[1]
    if _is_int(padding):
        return (padding, padding), (padding, padding)
    if isinstance(padding[0], list):
        return tuple(padding[0]), tuple(padding[1])  # type: ignore[return-value]
    return (padding[0], padding[0]), (padding[1], padding[1])


def output_size(n: int, k: int, s: int, d: int, lo: int, hi: int) -> int:
    """Windows along one axis of ``n`` numbers padded by ``lo``/``hi`` (0 if none fits)."""
    return max((n + lo + hi - d * (k - 1) - 1) // s + 1, 0)


def output_hw(
    size: Pair, kernel: Pair, stride: Pair, dilation: Pair, pads: Pads, where: str
) -> Pair:
    """(Ho, Wo); a ``ShapeError`` naming ``where`` when the window is larger than the input."""
    out = []
    for axis, (n, k, s, d, (lo, hi)) in enumerate(
        zip(size, kernel, stride, dilation, pads, strict=True)
    ):
        span = d * (k - 1) + 1
        if span > n + lo + hi:
            name = ("height", "width")[axis]
            raise ShapeError(
                f"{where}: the window ({kernel[0]}×{kernel[1]}, dilation {dilation[0]}×"
                f"{dilation[1]}) spans {span} in {name}, larger than the padded input "
                f"{n} + {lo + hi} = {n + lo + hi} (input {size[0]}×{size[1]}); use smaller "
                "kernels, padding='same', or a larger input"
            )
        out.append(output_size(n, k, s, d, lo, hi))
    return out[0], out[1]


# -- the batch-innermost layout --------------------------------------------------------------


def to_batch_inner(x: Array) -> Array:
    """(N, C, H, W) → a C-contiguous (C, H, W, N) array; no copy when it already is one."""
    moved = x.transpose(1, 2, 3, 0)
    if moved.flags.c_contiguous:
        return moved
    xp = get_array_module(x)
    buffer = workspace.empty(moved.shape, moved.dtype, xp)
    xp.copyto(buffer, moved)
    return buffer


def from_batch_inner(buffer: Array) -> Array:
    """(C, H, W, N) buffer → the (N, C, H, W) view users see (no copy)."""
    return buffer.transpose(3, 0, 1, 2)


def pad_batch_inner(x: Array, pads: Pads, fill: float = 0.0) -> Array:
    """(N, C, H, W) → a (C, H + top + bottom, W + left + right, N) buffer, borders ``fill``.

    Transposition and padding are one copy: ``x`` is written straight into the interior.
    """
    (top, bottom), (left, right) = pads
    if top == bottom == left == right == 0:
        return to_batch_inner(x)
    xp = get_array_module(x)
    n, c, h, w = x.shape
    padded = workspace.empty((c, h + top + bottom, w + left + right, n), x.dtype, xp)
    padded.fill(fill)
    padded[:, top : top + h, left : left + w, :] = x.transpose(1, 2, 3, 0)
    return padded


def tap(buffer: Array, offset: Pair, stride: Pair, out_hw: Pair) -> Array:
    """The (C, Ho, Wo, N) view of the inputs that window tap ``offset`` (row, col) sees."""
    (i, j), (sh, sw), (ho, wo) = offset, stride, out_hw
    return buffer[:, i : i + sh * (ho - 1) + 1 : sh, j : j + sw * (wo - 1) + 1 : sw, :]


def window_view(buffer: Array, kernel: Pair, stride: Pair, dilation: Pair, out_hw: Pair) -> Array:
    """A read-only (C, kh, kw, Ho, Wo, N) view of every window of a (C, H, W, N) buffer.

    Copying it (``ascontiguousarray``) is im2col: one copy, whose inner runs are Wo·N
    numbers at stride 1 (NumPy merges the Wo and N axes) and N numbers otherwise.
    """
    xp = get_array_module(buffer)
    c, _, _, n = buffer.shape
    s_c, s_h, s_w, s_n = buffer.strides
    shape = (c, kernel[0], kernel[1], out_hw[0], out_hw[1], n)
    strides = (
        s_c,
        dilation[0] * s_h,
        dilation[1] * s_w,
        stride[0] * s_h,
        stride[1] * s_w,
        s_n,
    )
    return xp.lib.stride_tricks.as_strided(buffer, shape, strides, writeable=False)
