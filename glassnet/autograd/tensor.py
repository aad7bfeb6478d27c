"""``Tensor``: an array of numbers that remembers how it was computed.

Example:
    >>> import glassnet as gn
    >>> w = gn.Tensor(5.0, requires_grad=True)
    >>> loss = 0.5 * (w * 2.0 - 6.0) ** 2
    >>> loss.backward()
    >>> float(w.grad)
    8.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet import backend
from glassnet.autograd import engine
from glassnet.backend import Array
from glassnet.errors import ConfigError, ShapeError

if TYPE_CHECKING:
    from glassnet.autograd.function import Function


def _to_array(value: Any, dtype: Any = None, device: str | None = None) -> Array:
    """An array of ``value``: floats in the default dtype (or ``dtype``), integers kept.

    Host values (lists, numbers, NumPy arrays) go to ``device``, or to the current device;
    an array already on a device stays there unless ``device`` names another.
    """
    xp = backend.get_array_module(value)
    if xp is np and not isinstance(value, np.ndarray):
        value = np.asarray(value)
    if dtype is not None:
        array = xp.asarray(value, dtype=dtype)
    else:
        array = xp.asarray(value)
        if array.dtype.kind == "f" and array.dtype != backend.get_default_dtype():
            array = array.astype(backend.get_default_dtype())
    if device is not None:
        return backend.to_device(array, device)
    return backend.on_current_device(array) if xp is np else array


class Tensor:
    """A NumPy array plus what backpropagation needs: ``grad``, ``requires_grad``, a creator.

    Args:
        data: numbers (an array, a list, a scalar). Floating-point values take the
            default dtype (float32 unless set) unless ``dtype`` is given; integers stay
            integers (labels, indices).
        requires_grad: accumulate d(loss)/d(this tensor) into ``grad`` on ``backward()``.
        dtype: the dtype to store, overriding the default policy.
        device: where the numbers live, ``"cpu"`` or ``"gpu"``; by default the current
            device (``gn.set_device``) for host data, and its own device for a device array.
    """

    __slots__ = ("__weakref__", "_creator", "_retain_grad", "data", "grad", "requires_grad")

    # NumPy defers to our operators (``ndarray + Tensor`` → ``Tensor.__radd__``).
    __array_priority__ = 1000

    def __init__(
        self, data: Any, requires_grad: bool = False, dtype: Any = None, device: str | None = None
    ) -> None:
        if isinstance(data, Tensor):
            data = data.data
        self.data: Array = _to_array(data, dtype, device)
        if requires_grad and self.data.dtype.kind != "f":
            raise ConfigError(
                f"only floating-point tensors can require gradients, got dtype {self.data.dtype}"
            )
        self.requires_grad = bool(requires_grad)
        self.grad: Array | None = None
        self._creator: Function | None = None
        self._retain_grad = False

    @classmethod
    def _wrap(cls, array: Array) -> Tensor:
        """A tensor around an array an op computed, with no dtype conversion."""
        tensor = cls.__new__(cls)
        tensor.data = array
        tensor.requires_grad = False
        tensor.grad = None
        tensor._creator = None
        tensor._retain_grad = False
        return tensor

    # -- array-like facts --------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return int(self.data.size)

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def device(self) -> str:
        """Where the numbers live: ``"cpu"`` or ``"gpu"``."""
        return backend.device_of(self.data)

    def to(self, device: str) -> Tensor:
        """The same numbers on ``device``; gradients flow back to this tensor's device.

        Returns this tensor itself when it is already there, as PyTorch does.
        """
        return ops.to_device(self, device)

    def __len__(self) -> int:
        return len(self.data)

    def numpy(self) -> np.ndarray:
        """The values as a NumPy array (shared on the CPU; copied from a GPU)."""
        return backend.to_numpy(self.data)

    def item(self) -> float:
        """The single value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise ShapeError(f"item() needs a tensor with one element, got shape {self.shape}")
        return self.data.item()

    def __float__(self) -> float:
        return float(self.item())

    def __repr__(self) -> str:
        grad = ", requires_grad=True" if self.requires_grad else ""
        device = self.device
        where = "" if device == "cpu" else f", device='{device}'"  # as PyTorch shows it
        body = np.array2string(
            backend.to_numpy(self.data), precision=4, separator=", ", prefix="Tensor("
        )
        return f"Tensor({body}{grad}{where})"

    # -- autograd ------------------------------------------------------------------

    @property
    def is_leaf(self) -> bool:
        return self._creator is None

    def backward(self, grad: Any = None, retain_graph: bool = False) -> None:
        """Backpropagate from this tensor, accumulating into ``.grad`` of every leaf.

        Args:
            grad: d(final)/d(this tensor); may be omitted for a one-element tensor.
            retain_graph: keep the graph so that ``backward`` can run through it again.
        """
        if not self.requires_grad:
            raise ConfigError(
                "backward() was called on a tensor that does not require gradients; "
                "none of its inputs had requires_grad=True (or it was computed under no_grad)"
            )
        xp = backend.get_array_module(self.data)
        if grad is None:
            if self.data.size != 1:
                raise ShapeError(
                    f"backward() without a gradient needs a one-element tensor, got shape "
                    f"{self.shape}; pass grad= of that shape"
                )
            grad = xp.ones(self.data.shape, dtype=self.data.dtype)
        else:
            # A copy: the caller's array must not become (and later change with) a leaf's .grad.
            grad = xp.array(grad.data if isinstance(grad, Tensor) else grad, dtype=self.dtype)
            if grad.shape != self.shape:
                raise ShapeError(f"backward(grad) got shape {grad.shape}, tensor has {self.shape}")
        engine.backward(self, grad, retain_graph=retain_graph)

    def retain_grad(self) -> None:
        """Keep ``grad`` on this non-leaf tensor after ``backward`` (for inspection)."""
        self._retain_grad = True

    def detach(self) -> Tensor:
        """The same numbers, cut from the graph."""
        return Tensor._wrap(self.data)

    def zero_grad(self) -> None:
        self.grad = None

    # -- operators -------------------------------------------------------------------

    def __add__(self, other: Any) -> Tensor:
        return ops.add(self, other)

    def __radd__(self, other: Any) -> Tensor:
        return ops.add(other, self)

    def __sub__(self, other: Any) -> Tensor:
        return ops.sub(self, other)

    def __rsub__(self, other: Any) -> Tensor:
        return ops.sub(other, self)

    def __mul__(self, other: Any) -> Tensor:
        return ops.mul(self, other)

    def __rmul__(self, other: Any) -> Tensor:
        return ops.mul(other, self)

    def __truediv__(self, other: Any) -> Tensor:
        return ops.div(self, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return ops.div(other, self)

    def __pow__(self, exponent: Any) -> Tensor:
        return ops.power(self, exponent)

    def __rpow__(self, base: Any) -> Tensor:
        return ops.power(base, self)

    def __neg__(self) -> Tensor:
        return ops.neg(self)

    def __abs__(self) -> Tensor:
        return ops.abs(self)

    def __matmul__(self, other: Any) -> Tensor:
        return ops.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return ops.matmul(other, self)

    def __getitem__(self, index: Any) -> Tensor:
        return ops.getitem(self, index)

    # Comparisons give plain boolean arrays: they have no gradient.
    def __gt__(self, other: Any) -> Array:
        return self.data > _data(other)

    def __ge__(self, other: Any) -> Array:
        return self.data >= _data(other)

    def __lt__(self, other: Any) -> Array:
        return self.data < _data(other)

    def __le__(self, other: Any) -> Array:
        return self.data <= _data(other)

    __hash__ = object.__hash__

    # -- methods that mirror NumPy ------------------------------------------------

    def sum(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        return ops.sum(self, axis=axis, keepdims=keepdims)

    def mean(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        return ops.mean(self, axis=axis, keepdims=keepdims)

    def max(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        return ops.max(self, axis=axis, keepdims=keepdims)

    def min(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        return ops.min(self, axis=axis, keepdims=keepdims)

    def reshape(self, *shape: Any) -> Tensor:
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return ops.reshape(self, shape)

    def transpose(self, *axes: Any) -> Tensor:
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        return ops.transpose(self, axes or None)

    @property
    def T(self) -> Tensor:
        return ops.transpose(self, None)

    def exp(self) -> Tensor:
        return ops.exp(self)

    def log(self) -> Tensor:
        return ops.log(self)

    def sqrt(self) -> Tensor:
        return ops.sqrt(self)

    def abs(self) -> Tensor:
        return ops.abs(self)

    def clip(self, low: float | None, high: float | None) -> Tensor:
        return ops.clip(self, low, high)


def _data(value: Any) -> Any:
    return value.data if isinstance(value, Tensor) else value


def as_tensor(value: Any, like: Tensor | None = None) -> Tensor:
    """``value`` as a Tensor, on the device of ``like`` if given.

    Python numbers take the float dtype of ``like`` if it has one.
    """
    if isinstance(value, Tensor):
        return value
    if like is None:
        return Tensor(value)
    if isinstance(value, (int, float)) and like.dtype.kind == "f":
        return Tensor._wrap(backend.get_array_module(like.data).asarray(value, dtype=like.dtype))
    return Tensor(value, device=backend.device_of(like.data))


from glassnet import ops  # noqa: E402  (ops builds on Tensor; Tensor's operators call ops)
