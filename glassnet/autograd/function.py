"""``Function``: one differentiable operation, its forward and backward side by side.

A subclass implements ``forward(*arrays) -> array`` and ``backward(grad) -> grads``.
``forward`` keeps on ``self`` only what ``backward`` reads. Calling an instance on
tensors runs ``forward`` and, when a gradient is wanted, links the output to this
function so that :func:`glassnet.autograd.engine.backward` can find it.

Example:
    >>> class Square(Function):
    ...     def forward(self, x):
    ...         self.x = x
    ...         return x * x
    ...     def backward(self, grad):
    ...         return (2 * self.x * grad,)
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from glassnet.autograd import grad_mode
from glassnet.backend import Array, get_array_module


class Function:
    """Base class of every primitive operation."""

    #: The input tensors, kept only while a gradient is being recorded.
    inputs: tuple[Tensor, ...] = ()

    def forward(self, *xs: Array) -> Array:  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, grad: Array) -> tuple[Array | None, ...]:  # pragma: no cover
        """Gradients of the loss with respect to each input (``None`` for "no gradient")."""
        raise NotImplementedError

    def __call__(self, *inputs: Any) -> Tensor:
        # Plain loops rather than generators: this runs once per op, so it is the
        # engine's hottest Python code.
        like = None
        for x in inputs:
            if isinstance(x, Tensor):
                like = x
                break
        tensors = []
        arrays = []
        for x in inputs:
            if not isinstance(x, Tensor):
                x = as_tensor(x, like=like)
            tensors.append(x)
            arrays.append(x.data)
        out = Tensor._wrap(self.forward(*arrays))
        if grad_mode.enabled():
            for t in tensors:
                if t.requires_grad:
                    self.inputs = tuple(tensors)
                    out.requires_grad = True
                    out._creator = self
                    break
        return out

    @property
    def name(self) -> str:
        return type(self).__name__


def unbroadcast(grad: Array, shape: tuple[int, ...]) -> Array:
    """Sum ``grad`` over the axes that broadcasting added or stretched, giving ``shape``.

    Example:
        >>> import numpy as np
        >>> unbroadcast(np.ones((4, 3)), (3,)).tolist()
        [4.0, 4.0, 4.0]
    """
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad


@contextlib.contextmanager
def no_grad() -> Iterator[None]:
    """Within the block, operations record nothing for backward (faster, less memory).

    Example:
        >>> with no_grad():
        ...     pass
    """
    with grad_mode.set_enabled(False):
        yield


@contextlib.contextmanager
def enable_grad() -> Iterator[None]:
    """Within the block, gradients are recorded even inside ``no_grad``."""
    with grad_mode.set_enabled(True):
        yield


# At the bottom: tensor.py imports the ops, which subclass Function (defined above).
from glassnet.autograd.tensor import Tensor, as_tensor  # noqa: E402

__all__ = ["Function", "enable_grad", "get_array_module", "no_grad", "unbroadcast"]
