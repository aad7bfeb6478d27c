"""On-the-fly image augmentation as layers: random shifts and flips, in training only.

Placed first in a model (as Keras's ``RandomFlip`` / ``RandomTranslation``), they show
the network a slightly different version of every image in every epoch, which
stretches a small image set further; in eval mode (predict, evaluate) they pass the
images through unchanged. Inputs are (N, C, H, W).

Example:
    >>> import glassnet as gn, numpy as np
    >>> shift = gn.RandomShift(1, rng=0).eval()
    >>> shift(np.ones((2, 1, 4, 4))).shape
    (2, 1, 4, 4)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import backend
from glassnet.autograd.function import Function
from glassnet.autograd.tensor import Tensor, as_tensor
from glassnet.backend import Array, get_array_module
from glassnet.errors import ConfigError, ShapeError
from glassnet.nn.layers_registry import LAYERS
from glassnet.nn.module import Module

FLIP_MODES = ("horizontal", "vertical", "both")


def _check_images(layer: Module, x: Tensor) -> None:
    if x.ndim != 4:
        raise ShapeError(
            f"{type(layer).__name__} '{layer.name}' expects images of shape (N, C, H, W), "
            f"got {x.shape}"
        )


def _shifted(images: Array, dy: int, dx: int) -> Array:
    """Images moved down by ``dy`` and right by ``dx`` pixels, zeros coming in."""
    out = get_array_module(images).zeros_like(images)
    height, width = images.shape[-2:]
    rows_to = slice(max(dy, 0), height + min(dy, 0))
    rows_from = slice(max(-dy, 0), height + min(-dy, 0))
    cols_to = slice(max(dx, 0), width + min(dx, 0))
    cols_from = slice(max(-dx, 0), width + min(-dx, 0))
    out[..., rows_to, cols_to] = images[..., rows_from, cols_from]
    return out


class Shift(Function):
    """Each sample moved by its own (dy, dx); the gradient is moved back by (-dy, -dx)."""

    def __init__(self, offsets: np.ndarray) -> None:
        self.offsets = offsets  # (N, 2) integers

    def _apply(self, array: Array, sign: int) -> Array:
        out = get_array_module(array).empty_like(array)
        for dy, dx in np.unique(self.offsets, axis=0):
            members = np.flatnonzero((self.offsets[:, 0] == dy) & (self.offsets[:, 1] == dx))
            members = backend.to_device_of(members, array)
            out[members] = _shifted(array[members], sign * int(dy), sign * int(dx))
        return out

    def forward(self, x: Array) -> Array:
        return self._apply(x, 1)

    def backward(self, grad: Array) -> tuple[Array]:
        return (self._apply(grad, -1),)


@LAYERS.register("RandomShift")
class RandomShift(Module):
    """Move each image by up to ``max_shift`` pixels in each direction (zeros fill in).

    Args:
        max_shift: the largest shift, in pixels, a non-negative integer.
        rng: a seed or generator for the shifts (default: the global one).
    """

    def __init__(self, max_shift: int = 1, rng: Any = None, name: str | None = None) -> None:
        super().__init__(name)
        if (
            not isinstance(max_shift, (int, np.integer))
            or isinstance(max_shift, bool)
            or max_shift < 0
        ):
            raise ConfigError(
                f"RandomShift max_shift must be a non-negative integer, got {max_shift!r}"
            )
        self.max_shift = int(max_shift)
        self.rng = backend.get_rng(rng) if rng is not None else None

    def forward(self, x: Any) -> Tensor:
        x = as_tensor(x)
        _check_images(self, x)
        if not self.training or self.max_shift == 0:
            return x
        generator = self.rng if self.rng is not None else backend.get_rng()
        offsets = generator.integers(-self.max_shift, self.max_shift + 1, size=(x.shape[0], 2))
        return Shift(offsets)(x)

    def get_config(self) -> dict[str, Any]:
        return {"max_shift": self.max_shift, "name": self.name}


@LAYERS.register("RandomFlip")
class RandomFlip(Module):
    """Mirror each image with probability ½: left–right, top–bottom, or either.

    Args:
        mode: ``"horizontal"`` (left–right, the usual one for photos), ``"vertical"``
            or ``"both"``. Digits and text should not be flipped.
        rng: a seed or generator for the choices (default: the global one).
    """

    def __init__(self, mode: str = "horizontal", rng: Any = None, name: str | None = None) -> None:
        super().__init__(name)
        if mode not in FLIP_MODES:
            raise ConfigError(f"RandomFlip mode must be one of {FLIP_MODES}, got {mode!r}")
        self.mode = mode
        self.rng = backend.get_rng(rng) if rng is not None else None

    def forward(self, x: Any) -> Tensor:
        from glassnet import ops

        x = as_tensor(x)
        _check_images(self, x)
        if not self.training:
            return x
        generator = self.rng if self.rng is not None else backend.get_rng()
        axes = {"horizontal": (-1,), "vertical": (-2,), "both": (-1, -2)}[self.mode]
        for axis in axes:
            flip = backend.to_device_of(generator.random(x.shape[0]) < 0.5, x.data)
            index = (
                (Ellipsis, slice(None, None, -1))
                if axis == -1
                else (Ellipsis, slice(None, None, -1), slice(None))
            )
            x = ops.where(flip[:, None, None, None], x[index], x)
        return x

    def get_config(self) -> dict[str, Any]:
        return {"mode": self.mode, "name": self.name}
