"""The GPU device: CuPy arrays on an NVIDIA GPU. The only module that imports CuPy.

CuPy is an optional extra (``pip install 'glassnet[gpu]'``); it is imported the first
time a GPU is asked for or a CuPy array is seen, so a machine without it never pays
for (or fails on) the import.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

from glassnet.backend.devices import Array, Device

_INSTALL_HINT = "install the GPU extra with: pip install 'glassnet[gpu]'"


class GPUDevice(Device):
    """CuPy's current CUDA device."""

    name = "gpu"

    def __init__(self) -> None:
        self._cupy: Any = None
        self._reason: str | None = None
        self._checked = False

    def _import(self) -> Any:
        if self._cupy is None:
            self._cupy = importlib.import_module("cupy")
        return self._cupy

    def unavailable_reason(self) -> str | None:
        if self._checked:
            return self._reason
        self._checked = True
        try:
            cupy = self._import()
        except ImportError:
            self._reason = f"CuPy is not installed; {_INSTALL_HINT}"
            return self._reason
        try:
            count = cupy.cuda.runtime.getDeviceCount()
        except Exception as exc:  # CUDARuntimeError: no driver, no device, a driver too old
            self._reason = f"CuPy is installed but found no usable NVIDIA GPU ({exc})"
            return self._reason
        if count == 0:
            self._reason = "CuPy is installed but this machine has no NVIDIA GPU"
        return self._reason

    def module(self) -> Any:
        return self._import()

    def owns(self, array_type: type) -> bool:
        if not array_type.__module__.startswith("cupy"):
            return False  # never import CuPy just to look at a NumPy scalar or a list
        return issubclass(array_type, self._import().ndarray)

    def from_host(self, array: np.ndarray) -> Array:
        return self._import().asarray(array)

    def to_host(self, array: Array) -> np.ndarray:
        return array.get()

    def synchronize(self) -> None:
        self._import().cuda.get_current_stream().synchronize()
