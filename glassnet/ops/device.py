"""Moving a tensor to another device, differentiably.

Example:
    >>> import glassnet as gn
    >>> x = gn.Tensor([1.0, 2.0], requires_grad=True)
    >>> to_device(x, "cpu") is x
    True
"""

from __future__ import annotations

from typing import Any

from glassnet import backend
from glassnet.autograd.function import Function
from glassnet.autograd.tensor import Tensor, as_tensor
from glassnet.backend import Array


class ToDevice(Function):
    """The numbers copied to ``device``; the gradient is copied back to where they came from."""

    def __init__(self, device: str) -> None:
        self.device = device

    def forward(self, a: Array) -> Array:
        self.source = backend.device_of(a)
        return backend.to_device(a, self.device)

    def backward(self, grad: Array) -> tuple[Array]:
        return (backend.to_device(grad, self.source),)


def to_device(x: Any, device: str) -> Tensor:
    """``x`` on ``device`` (``"cpu"`` or ``"gpu"``): ``x`` itself when it is already there."""
    x = as_tensor(x)
    target = backend.get_device_object(device).name
    if x.device == target:
        return x
    return ToDevice(target)(x)
