"""The one place that knows which array library holds the numbers.

Everything else calls :func:`get_array_module` and writes NumPy/CuPy-generic code.
This module also owns the dtype policy (float32 by default, float64 on request),
the random-number generators behind seeding, and the notion of a device.

Example:
    >>> import numpy as np
    >>> get_array_module(np.zeros(3)) is np
    True
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy as np

from glassnet.errors import ConfigError

Array = Any  # a numpy.ndarray (or, later, a cupy.ndarray)

_SUPPORTED_DEVICES = ("cpu",)
_state = {
    "dtype": np.dtype(np.float32),
    "device": "cpu",
    "rng": np.random.default_rng(),
}


# -- array module -----------------------------------------------------------------


def get_array_module(*arrays: Any) -> Any:
    """The array module (``numpy`` for now) that holds ``arrays``.

    The GPU backend plugs in here: it returns ``cupy`` for CuPy arrays.
    """
    return np


def scatter_add(target: Array, index: Any, values: Array) -> None:
    """``target[index] += values`` with repeated indices accumulated (unbuffered)."""
    xp = get_array_module(target)
    xp.add.at(target, index, values)


# -- dtype policy -------------------------------------------------------------------

_FLOAT_DTYPES = {"float32": np.dtype(np.float32), "float64": np.dtype(np.float64)}


def _as_float_dtype(dtype: Any) -> np.dtype:
    try:
        resolved = np.dtype(dtype)
    except TypeError as exc:
        raise ConfigError(f"unknown dtype {dtype!r}; use 'float32' or 'float64'") from exc
    if resolved.name not in _FLOAT_DTYPES:
        raise ConfigError(f"dtype must be 'float32' or 'float64', got '{resolved.name}'")
    return resolved


def get_default_dtype() -> np.dtype:
    """The floating-point dtype new tensors and weights get (float32 unless changed)."""
    return _state["dtype"]


def set_default_dtype(dtype: Any) -> None:
    """Set the floating-point dtype for new tensors and weights ('float32' or 'float64')."""
    _state["dtype"] = _as_float_dtype(dtype)


@contextlib.contextmanager
def default_dtype(dtype: Any) -> Iterator[None]:
    """Within the block, new tensors and weights use ``dtype``.

    Example:
        >>> with default_dtype("float64"):
        ...     get_default_dtype().name
        'float64'
    """
    previous = _state["dtype"]
    _state["dtype"] = _as_float_dtype(dtype)
    try:
        yield
    finally:
        _state["dtype"] = previous


# -- random numbers -----------------------------------------------------------------


def seed(value: int) -> None:
    """Seed glassnet's global generator: the same seed gives the same weights and batches."""
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 0:
        raise ConfigError(f"seed must be a non-negative integer, got {value!r}")
    _state["rng"] = np.random.default_rng(int(value))


def get_rng(rng: np.random.Generator | int | None = None) -> np.random.Generator:
    """The generator to draw from: ``rng`` itself, a new one seeded by an int, or the global one."""
    if rng is None:
        return _state["rng"]
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise ConfigError(f"rng must be a numpy Generator, an int seed or None, got {rng!r}")


# -- devices ------------------------------------------------------------------------


def get_device() -> str:
    """The device new tensors are created on (``"cpu"``)."""
    return _state["device"]


def set_device(device: str) -> None:
    """Choose the device for new tensors. Only ``"cpu"`` exists in this version."""
    if device not in _SUPPORTED_DEVICES:
        raise ConfigError(
            f"device '{device}' is not available; available devices: "
            + ", ".join(_SUPPORTED_DEVICES)
        )
    _state["device"] = device
