"""Checks for an optimizer state being loaded: which parameter a saved key names, and
a private, validated copy of a saved array."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glassnet.backend import Array, get_array_module
from glassnet.errors import ConfigError

if TYPE_CHECKING:
    from glassnet.autograd.tensor import Tensor


def parameter_index(optimizer: str, key: Any, count: int) -> int:
    """The parameter position written as ``key``, checked against ``count`` parameters."""
    text = str(key)
    if not text.isdigit():
        raise ConfigError(f"{optimizer} state: '{key}' does not start with a parameter index")
    index = int(text)
    if index >= count:
        raise ConfigError(
            f"{optimizer} state refers to parameter {index}, but the optimizer has {count} "
            "parameters (build the model before loading the optimizer state)"
        )
    return index


def restored_slot(optimizer: str, key: str, value: Any, param: Tensor) -> Array:
    """A private copy of the saved array ``value`` in ``param``'s dtype, shape-checked."""
    shape = tuple(getattr(value, "shape", ()))
    if shape != param.data.shape:
        raise ConfigError(
            f"{optimizer} state array '{key}' has shape {shape}, but its parameter has "
            f"shape {param.data.shape}"
        )
    if getattr(getattr(value, "dtype", None), "kind", None) != "f":
        raise ConfigError(
            f"{optimizer} state array '{key}' must hold floating-point numbers, got "
            f"{getattr(value, 'dtype', type(value).__name__)}"
        )
    xp = get_array_module(param.data)
    return xp.array(value, dtype=param.data.dtype, copy=True)
