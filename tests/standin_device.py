"""A stand-in for the GPU that runs on the CPU, strict the way CuPy is.

CI has no GPU, yet the code that moves numbers between devices must be exercised on
every run. The ``standin`` device holds its numbers in :class:`StandinArray`, a wrapper
around a NumPy array that refuses what a CuPy array refuses:

- implicit conversion to NumPy (``np.asarray(a)``, ``np.array(a)``): TypeError, so
  host-only code (numba kernels, ``np.`` calls on device data) is caught;
- arithmetic with NumPy arrays or lists: TypeError, so a host mask, index or constant
  that was never moved to the device is caught;
- reductions give 0-d arrays, not NumPy scalars.

Its array module (:data:`standin_module`) is NumPy with every function made to take and
give stand-in arrays, as CuPy's functions take and give CuPy arrays. NumPy functions
called *on* a stand-in array dispatch to it (NEP 18), as they do for CuPy.

It is not a GPU: CUDA kernels, cuBLAS and device memory are not exercised here. Its
job is the plumbing (every op, layer, loss and optimizer keeps its numbers on the
device, and results come back to the host only through ``backend.to_numpy``).
"""

from __future__ import annotations

import types
from typing import Any

import numpy as np

from glassnet.backend.devices import Device

# Functions of the module that accept host data, as cupy.asarray / cupy.array do.
_HOST_INPUT_FUNCTIONS = {"asarray", "array", "ascontiguousarray", "asanyarray"}
# NumPy names CuPy does not have: using one on device data would fail on a GPU.
_MISSING_IN_CUPY = {"errstate", "seterr", "geterr"}


class StandinArray:
    """A NumPy array that behaves, at its surface, like a ``cupy.ndarray``."""

    __slots__ = ("_host",)
    __array_priority__ = 100  # below Tensor's 1000: ``array * tensor`` defers to the Tensor

    def __init__(self, host: np.ndarray) -> None:
        self._host = host

    # -- what CuPy arrays refuse -------------------------------------------------------

    def __array__(self, *args: Any, **kwargs: Any) -> np.ndarray:
        raise TypeError(
            "Implicit conversion to a NumPy array is not allowed (stand-in device); "
            "use backend.to_numpy()"
        )

    def get(self) -> np.ndarray:
        """A NumPy copy, as ``cupy.ndarray.get()`` gives."""
        return self._host.copy()

    # -- NumPy's protocols: functions and ufuncs called on a stand-in array ----------

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if any(_defers(value) for value in inputs):
            return NotImplemented
        return _call(getattr(ufunc, method), inputs, kwargs, host_input=False)

    def __array_function__(self, func: Any, types_: Any, args: Any, kwargs: Any) -> Any:
        return _call(func, args, kwargs, host_input=False)

    # -- array facts and methods -------------------------------------------------------

    shape = property(lambda self: self._host.shape)
    dtype = property(lambda self: self._host.dtype)
    ndim = property(lambda self: self._host.ndim)
    size = property(lambda self: self._host.size)
    strides = property(lambda self: self._host.strides)
    itemsize = property(lambda self: self._host.itemsize)
    nbytes = property(lambda self: self._host.nbytes)
    flags = property(lambda self: self._host.flags)
    T = property(lambda self: StandinArray(self._host.T))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            # Never lend NumPy's protocols (__array_interface__, __array_struct__): NumPy
            # would read the host array through them and the leak would go unseen.
            raise AttributeError(name)
        attribute = getattr(self._host, name)
        if not callable(attribute):
            return _wrap(attribute)

        def method(*args: Any, **kwargs: Any) -> Any:
            return _call(attribute, args, kwargs, host_input=False)

        return method

    def __getitem__(self, index: Any) -> Any:
        return _wrap(self._host[_unwrap_index(index)])

    def __setitem__(self, index: Any, value: Any) -> None:
        _reject_host(value)
        self._host[_unwrap_index(index)] = _unwrap(value)

    def __len__(self) -> int:
        return len(self._host)

    def __iter__(self) -> Any:
        return (_wrap(row) for row in self._host)

    def __bool__(self) -> bool:
        return bool(self._host)

    def __float__(self) -> float:
        return float(self._host)

    def __int__(self) -> int:
        return int(self._host)

    def __index__(self) -> int:
        return self._host.__index__()

    def __format__(self, spec: str) -> str:
        return format(self._host.item() if self._host.ndim == 0 else self._host, spec)

    def __repr__(self) -> str:
        return f"standin({self._host!r})"

    def __copy__(self) -> StandinArray:
        return StandinArray(self._host.copy())

    def __deepcopy__(self, memo: Any) -> StandinArray:
        return StandinArray(self._host.copy())


def _binary_operator(ufunc: np.ufunc, reflected: bool = False) -> Any:
    def operator(self: StandinArray, other: Any) -> Any:
        if _defers(other):
            return NotImplemented
        operands = (other, self) if reflected else (self, other)
        return _call(ufunc, operands, {}, host_input=False)

    return operator


def _inplace_operator(ufunc: np.ufunc) -> Any:
    def operator(self: StandinArray, other: Any) -> StandinArray:
        _reject_host(other)
        ufunc(self._host, _unwrap(other), out=self._host)
        return self

    return operator


for _name, _ufunc in {
    "add": np.add,
    "sub": np.subtract,
    "mul": np.multiply,
    "truediv": np.true_divide,
    "floordiv": np.floor_divide,
    "mod": np.remainder,
    "pow": np.power,
    "matmul": np.matmul,
    "and": np.bitwise_and,
    "or": np.bitwise_or,
    "xor": np.bitwise_xor,
}.items():
    setattr(StandinArray, f"__{_name}__", _binary_operator(_ufunc))
    setattr(StandinArray, f"__r{_name}__", _binary_operator(_ufunc, reflected=True))
    setattr(StandinArray, f"__i{_name}__", _inplace_operator(_ufunc))
for _name, _ufunc in {
    "lt": np.less,
    "le": np.less_equal,
    "gt": np.greater,
    "ge": np.greater_equal,
    "eq": np.equal,
    "ne": np.not_equal,
}.items():
    setattr(StandinArray, f"__{_name}__", _binary_operator(_ufunc))
StandinArray.__neg__ = lambda self: StandinArray(-self._host)  # type: ignore[attr-defined]
StandinArray.__pos__ = lambda self: StandinArray(+self._host)  # type: ignore[attr-defined]
StandinArray.__abs__ = lambda self: StandinArray(abs(self._host))  # type: ignore[attr-defined]
StandinArray.__invert__ = lambda self: StandinArray(~self._host)  # type: ignore[attr-defined]
StandinArray.__hash__ = None  # type: ignore[assignment]


# -- wrapping and unwrapping ----------------------------------------------------------


def _defers(value: Any) -> bool:
    """A value with a higher array priority (a Tensor) handles the operator itself."""
    if isinstance(value, (StandinArray, np.ndarray, np.generic, int, float, bool, complex)):
        return False
    return getattr(value, "__array_priority__", 0) > StandinArray.__array_priority__


def _reject_host(value: Any) -> None:
    if isinstance(value, (np.ndarray, list, tuple)):
        raise TypeError(
            f"Unsupported type {type(value).__name__} mixed with a stand-in device array "
            "(CuPy refuses it too): move it with backend.to_device first"
        )


def _unwrap(value: Any) -> Any:
    if isinstance(value, StandinArray):
        return value._host
    if isinstance(value, (list, tuple)):
        return type(value)(_unwrap(item) for item in value)
    if isinstance(value, dict):
        return {key: _unwrap(item) for key, item in value.items()}
    return value


def _unwrap_index(index: Any) -> Any:
    # CuPy accepts NumPy arrays and lists as indices (it copies them over).
    return _unwrap(index)


def _wrap(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return StandinArray(value)
    if isinstance(value, np.generic) and not isinstance(value, np.dtype):
        return StandinArray(np.asarray(value))
    if isinstance(value, tuple):
        return tuple(_wrap(item) for item in value)
    if isinstance(value, list):
        return [_wrap(item) for item in value]
    return value


def _check_arguments(values: Any) -> None:
    for value in values:
        if isinstance(value, (list, tuple)):
            _check_arguments(value)
        elif isinstance(value, np.ndarray):
            _reject_host(value)


def _call(function: Any, args: Any, kwargs: dict[str, Any], host_input: bool) -> Any:
    if not host_input:
        _check_arguments(args)
        _check_arguments(kwargs.values())
    return _wrap(function(*_unwrap(tuple(args)), **_unwrap(kwargs)))


# -- the array module ---------------------------------------------------------------


class _StandinModule(types.ModuleType):
    """NumPy (or one of its submodules) whose functions take and give stand-in arrays."""

    def __init__(self, host_module: types.ModuleType) -> None:
        super().__init__(f"standin.{host_module.__name__}")
        self._host_module = host_module

    def __getattr__(self, name: str) -> Any:
        if name in _MISSING_IN_CUPY:
            raise AttributeError(f"CuPy has no '{name}' (stand-in device)")
        attribute = getattr(self._host_module, name)
        if isinstance(attribute, types.ModuleType):
            return _StandinModule(attribute)
        if isinstance(attribute, np.ufunc):
            return _StandinUfunc(attribute)
        if isinstance(attribute, type) or not callable(attribute):
            return attribute
        host_input = name in _HOST_INPUT_FUNCTIONS

        def function(*args: Any, **kwargs: Any) -> Any:
            return _call(attribute, args, kwargs, host_input=host_input)

        return function


class _StandinUfunc:
    """A ufunc (``xp.add``) with its methods (``xp.add.at``), on stand-in arrays."""

    def __init__(self, ufunc: np.ufunc) -> None:
        self._ufunc = ufunc

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return _call(self._ufunc, args, kwargs, host_input=False)

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._ufunc, name)
        if not callable(method):
            return method
        return lambda *args, **kwargs: _call(method, args, kwargs, host_input=False)


standin_module = _StandinModule(np)


class StandinDevice(Device):
    """The ``standin`` device: :class:`StandinArray` numbers, computed by NumPy."""

    name = "standin"

    def unavailable_reason(self) -> str | None:
        return None

    def module(self) -> Any:
        return standin_module

    def owns(self, array_type: type) -> bool:
        return issubclass(array_type, StandinArray)

    def from_host(self, array: np.ndarray) -> StandinArray:
        return StandinArray(np.array(array, copy=True))

    def to_host(self, array: StandinArray) -> np.ndarray:
        return array.get()
