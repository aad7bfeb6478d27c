"""The one place that knows which array library holds the numbers.

Everything else calls :func:`get_array_module` and writes NumPy/CuPy-generic code.
This package also owns the dtype policy (float32 by default, float64 on request),
the random-number generators behind seeding, and the devices (``devices.py``; the GPU
in ``gpu.py``, the only module that imports CuPy).

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

from glassnet.backend.devices import Array as Array
from glassnet.backend.devices import array_module_of, get_device_object, register_device
from glassnet.backend.devices import device_of as device_of
from glassnet.backend.devices import host_copy as host_copy
from glassnet.backend.devices import synchronize as synchronize
from glassnet.backend.devices import to_device as to_device
from glassnet.backend.devices import to_numpy as to_numpy
from glassnet.backend.gpu import GPUDevice
from glassnet.errors import ConfigError

register_device(GPUDevice())

_state = {
    "dtype": np.dtype(np.float32),
    "device": "cpu",
    "rng": np.random.default_rng(),
}


# -- array module -----------------------------------------------------------------


def get_array_module(*arrays: Any) -> Any:
    """The array module that holds ``arrays``: ``cupy`` if one is a CuPy array, else ``numpy``."""
    for array in arrays:
        if type(array) is np.ndarray:
            continue  # the common case, first: this runs several times per op
        module = array_module_of(array)
        if module is not np:
            return module
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
    """The device new tensors and weights are created on (``"cpu"`` unless changed)."""
    return _state["device"]


def set_device(device: str) -> None:
    """Create new tensors and weights on ``device``: ``"cpu"`` or ``"gpu"`` (alias ``"cuda"``).

    Raises:
        ConfigError: the device is unknown, or it is the GPU and CuPy or a GPU is missing;
            the message says which and how to install the extra.
    """
    _state["device"] = get_device_object(device).name


@contextlib.contextmanager
def using_device(device: str) -> Iterator[None]:
    """Within the block, new tensors and weights are created on ``device``."""
    previous = _state["device"]
    set_device(device)
    try:
        yield
    finally:
        _state["device"] = previous


def on_current_device(array: Array) -> Array:
    """A host array moved to the current device (unchanged on the CPU)."""
    device = _state["device"]
    return array if device == "cpu" else to_device(array, device)


def to_device_of(array: Any, like: Array) -> Array:
    """``array`` moved to the device ``like`` lives on (host-made masks, noise, indices).

    Random numbers are drawn on the host from glassnet's seeded NumPy generator and moved
    with this, so a seed gives the same numbers on every device and a checkpoint stores
    one generator state.
    """
    return to_device(array, device_of(like))
