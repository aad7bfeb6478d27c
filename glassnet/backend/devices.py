"""Devices: where a tensor's numbers live, and moving them from one device to another.

A device pairs a name (``"cpu"``, ``"gpu"``) with the array module that computes there
(NumPy, CuPy). Everything outside the backend asks for the module of the arrays it
holds (:func:`array_module_of`) and never names CuPy itself.

Example:
    >>> import numpy as np
    >>> device_of(np.zeros(3))
    'cpu'
    >>> to_numpy(to_device(np.arange(3), "cpu")).tolist()
    [0, 1, 2]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.errors import ConfigError

Array = Any  # a numpy.ndarray, or an array of another device's module (cupy.ndarray)


class Device:
    """One place arrays can live: a name, its array module, and moves to and from the host.

    Subclasses say whether the device can be used here (:meth:`unavailable_reason`),
    which array types are theirs (:meth:`owns`), and how numbers cross over.
    """

    name = ""

    def unavailable_reason(self) -> str | None:
        """Why this device cannot be used on this machine, or None when it can."""
        raise NotImplementedError

    def module(self) -> Any:
        """The array module (``numpy``-like) that computes on this device."""
        raise NotImplementedError

    def owns(self, array_type: type) -> bool:
        """Whether arrays of ``array_type`` live on this device."""
        raise NotImplementedError

    def from_host(self, array: np.ndarray) -> Array:
        """A copy of a NumPy array on this device."""
        raise NotImplementedError

    def to_host(self, array: Array) -> np.ndarray:
        """A NumPy copy of an array of this device."""
        raise NotImplementedError

    def synchronize(self) -> None:
        """Wait until the device has finished the work queued on it (for timing)."""


class CPUDevice(Device):
    """The host: NumPy arrays in main memory."""

    name = "cpu"

    def unavailable_reason(self) -> str | None:
        return None

    def module(self) -> Any:
        return np

    def owns(self, array_type: type) -> bool:
        return issubclass(array_type, np.ndarray)

    def from_host(self, array: np.ndarray) -> np.ndarray:
        return array

    def to_host(self, array: np.ndarray) -> np.ndarray:
        return array


_devices: dict[str, Device] = {"cpu": CPUDevice()}
_ALIASES = {"cuda": "gpu"}
# The module of each array type seen so far: numbers, lists and NumPy scalars map to NumPy.
_module_by_type: dict[type, Any] = {np.ndarray: np}
_device_by_type: dict[type, Device] = {np.ndarray: _devices["cpu"]}


def register_device(device: Device) -> None:
    """Make ``device`` selectable by its name (the GPU at import, a test stand-in in tests)."""
    _devices[device.name] = device
    # A type may have been cached as NumPy's before its device was registered.
    for array_type in [t for t in _device_by_type if device.owns(t)]:
        _device_by_type[array_type] = device
        _module_by_type[array_type] = device.module()
    for array_type in [t for t in _module_by_type if t not in _device_by_type]:
        if device.owns(array_type):
            del _module_by_type[array_type]


def unregister_device(name: str) -> None:
    """Forget a device registered for a while (a test's stand-in)."""
    device = _devices.pop(name, None)
    for array_type in [t for t, d in _device_by_type.items() if d is device]:
        del _device_by_type[array_type]
        _module_by_type.pop(array_type, None)


def device_names() -> list[str]:
    """The names ``set_device`` and ``.to`` accept on this machine, usable or not."""
    return sorted(_devices) + sorted(_ALIASES)


def get_device_object(name: Any) -> Device:
    """The device called ``name``, checked to be known and usable here."""
    if isinstance(name, Device):
        return name
    if not isinstance(name, str):
        raise ConfigError(f"a device is named by a string such as 'cpu' or 'gpu', got {name!r}")
    key = _ALIASES.get(name.lower(), name.lower())
    device = _devices.get(key)
    if device is None:
        raise ConfigError(
            f"device '{name}' is not known; available devices: " + ", ".join(device_names())
        )
    reason = device.unavailable_reason()
    if reason is not None:
        raise ConfigError(f"device '{name}' is not available: {reason}")
    return device


def unavailable_reason(name: str) -> str | None:
    """Why the known device ``name`` cannot be used here, or None when it can."""
    return _devices[_ALIASES.get(name, name)].unavailable_reason()


def _device_of_type(array_type: type) -> Device:
    device = _device_by_type.get(array_type)
    if device is None:
        device = next((d for d in _devices.values() if d.owns(array_type)), _devices["cpu"])
        if device.name != "cpu" or issubclass(array_type, np.ndarray):
            _device_by_type[array_type] = device
    return device


def array_module_of(array: Any) -> Any:
    """The array module of one value: NumPy for NumPy arrays, numbers and lists."""
    module = _module_by_type.get(type(array))
    if module is None:
        module = _device_of_type(type(array)).module()
        _module_by_type[type(array)] = module
    return module


def device_of(array: Any) -> str:
    """The name of the device ``array`` lives on (``"cpu"`` for anything not on a device)."""
    return _device_of_type(type(array)).name


def to_device(array: Any, device: str | Device) -> Array:
    """``array`` on ``device``: unchanged when it is already there, else a copy.

    Anything that is not a device array (a list, a number) is first made a NumPy array.
    """
    target = get_device_object(device)
    source = _device_of_type(type(array))
    if source.name == "cpu":
        array = np.asarray(array)  # lists and numbers become arrays on every path
    if source is target:
        return array
    host = array if source.name == "cpu" else source.to_host(array)
    return target.from_host(host)


def host_copy(array: Any) -> np.ndarray:
    """A NumPy copy of ``array`` wherever it lives: never a view of the original."""
    source = _device_of_type(type(array))
    return np.array(array) if source.name == "cpu" else source.to_host(array)


def to_numpy(array: Any) -> np.ndarray:
    """``array`` as a NumPy array on the host (a copy only when it lived on a device)."""
    source = _device_of_type(type(array))
    if source.name == "cpu":
        return np.asarray(array)
    return source.to_host(array)


def synchronize(device: str) -> None:
    """Wait for ``device`` to finish its queued work: a GPU runs asynchronously, so
    timings must synchronize before reading the clock."""
    get_device_object(device).synchronize()
