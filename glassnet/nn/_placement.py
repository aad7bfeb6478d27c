"""Where a module's inputs go: onto the device the module was moved to with ``.to``.

As Keras places inputs, a module moved to the GPU takes NumPy arrays, lists and tensors
on another device and computes on its own; other inputs (a tree batch, several inputs
at once) are left for the module to place.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import backend, ops
from glassnet.autograd.tensor import Tensor


def input_on_device(x: Any, device: str) -> Any:
    """``x`` on ``device``: a tensor moved (differentiably), numbers made a tensor there."""
    if isinstance(x, Tensor):
        return x if x.device == device else ops.to_device(x, device)
    if isinstance(x, (list, tuple)):
        numbers = _holds_numbers(x)
    else:
        numbers = isinstance(x, (np.ndarray, np.number, int, float))
    if numbers or backend.device_of(x) != "cpu":
        return Tensor(x, device=device)
    return x  # another kind of input: its module places it


def move_tensors(tensors: list[Tensor], device: str) -> None:
    """Move each tensor's numbers, and its gradient if it has one, to ``device``."""
    for tensor in tensors:
        tensor.data = backend.to_device(tensor.data, device)
        if tensor.grad is not None:
            tensor.grad = backend.to_device(tensor.grad, device)


def _holds_numbers(values: list | tuple) -> bool:
    """Nested lists of numbers (one input), as opposed to a list of several inputs."""
    first = values[0] if values else 0
    while isinstance(first, (list, tuple)) and first:
        first = first[0]
    return isinstance(first, (int, float, np.number))
