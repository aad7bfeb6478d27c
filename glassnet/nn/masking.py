"""Masks of padded time steps, and how they travel from layer to layer.

A mask is a (batch, time) boolean array: True for a real step, False for padding.
It reaches a recurrent layer in one of two ways:

* explicitly: ``layer(x, mask=m)`` (this wins when given);
* implicitly, as in Keras: ``Embedding(mask_zero=True)`` and ``Masking`` attach the
  mask to the tensor they return, a recurrent layer with ``return_sequences=True``
  passes it on to its output, and the next layer reads it (:func:`get_mask`). A layer
  that knows nothing of masks (Dense, Dropout) drops it.

The attachment is a side table keyed by the tensor's identity (a weak reference, so
it never keeps a tensor alive), because ``Tensor`` has fixed slots.

Example:
    >>> import numpy as np, glassnet as gn
    >>> x = np.array([[[1.0], [2.0], [0.0]]])
    >>> out = gn.Masking(0.0)(gn.Tensor(x))
    >>> get_mask(out).tolist()
    [[True, True, False]]
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from glassnet import ops
from glassnet.autograd.tensor import Tensor, as_tensor
from glassnet.backend import Array, get_array_module
from glassnet.errors import ConfigError, ShapeError
from glassnet.nn.layers_registry import LAYERS
from glassnet.nn.module import Module

_MASKS: dict[int, tuple[weakref.ref, Array]] = {}


def _forget(key: int) -> None:
    _MASKS.pop(key, None)


def attach_mask(tensor: Tensor, mask: Array | None) -> Tensor:
    """Attach ``mask`` (batch, time) to ``tensor`` for the next layer; returns the tensor."""
    if mask is None:
        return tensor
    key = id(tensor)
    _MASKS[key] = (weakref.ref(tensor, lambda _ref, key=key: _forget(key)), mask)
    return tensor


def get_mask(tensor: Any) -> Array | None:
    """The mask attached to ``tensor`` by a masking layer, or None."""
    entry = _MASKS.get(id(tensor))
    if entry is None or entry[0]() is not tensor:
        return None
    return entry[1]


def check_mask(mask: Any, x_shape: tuple[int, ...], where: str) -> Array:
    """``mask`` as a boolean (batch, time) array, or a ShapeError naming ``where``."""
    data = mask.data if isinstance(mask, Tensor) else mask
    xp = get_array_module(data)
    data = xp.asarray(data)
    if data.shape != tuple(x_shape[:2]):
        raise ShapeError(
            f"{where}: the mask must have shape (batch, time) = {tuple(x_shape[:2])} for "
            f"inputs of shape {tuple(x_shape)}, got {data.shape}"
        )
    return data.astype(bool)


@LAYERS.register("Masking")
class Masking(Module):
    """Marks time steps whose features all equal ``mask_value`` as padding (Keras's ``Masking``).

    The output is the input with padded steps set to 0, and the mask attached for the
    next (recurrent) layer.

    Args:
        mask_value: the value of every feature at a padded step.
        name: a display name.
    """

    def __init__(self, mask_value: float = 0.0, name: str | None = None) -> None:
        super().__init__(name)
        if not isinstance(mask_value, (int, float, np.integer, np.floating)):
            raise ConfigError(f"Masking mask_value must be a number, got {mask_value!r}")
        self.mask_value = float(mask_value)

    def forward(self, x: Any) -> Tensor:
        x = as_tensor(x)
        if x.ndim != 3:
            raise ShapeError(
                f"Masking '{self.name}' expects inputs (batch, time, features), got shape "
                f"{tuple(x.shape)}"
            )
        xp = get_array_module(x.data)
        mask = xp.any(x.data != self.mask_value, axis=-1)
        out = ops.mul(x, Tensor._wrap(mask[:, :, None].astype(x.dtype)))
        return attach_mask(out, mask)

    def get_config(self) -> dict[str, Any]:
        return {"mask_value": self.mask_value, "name": self.name}
