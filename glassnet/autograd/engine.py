"""The backward pass: walk the graph in reverse topological order, applying the chain rule."""

from __future__ import annotations

from typing import TYPE_CHECKING

from glassnet.autograd import grad_mode
from glassnet.backend import Array
from glassnet.errors import GradientError

if TYPE_CHECKING:
    from glassnet.autograd.function import Function
    from glassnet.autograd.tensor import Tensor


def _topological_order(root: Tensor) -> list[Tensor]:
    """Tensors that ``root`` depends on through recorded functions, inputs before outputs."""
    order: list[Tensor] = []
    visited: set[int] = set()
    stack: list[tuple[Tensor, bool]] = [(root, False)]
    while stack:
        tensor, children_done = stack.pop()
        if children_done:
            order.append(tensor)
            continue
        if id(tensor) in visited:
            continue
        visited.add(id(tensor))
        stack.append((tensor, True))
        creator = tensor._creator
        if creator is not None:
            for parent in creator.inputs:
                if parent.requires_grad and id(parent) not in visited:
                    stack.append((parent, False))
    return order


def _check_shape(fn: Function, index: int, grad: Array, tensor: Tensor) -> None:
    if grad.shape != tensor.data.shape:
        raise GradientError(
            f"{fn.name}.backward returned a gradient of shape {grad.shape} for input {index}, "
            f"whose data has shape {tensor.data.shape}"
        )


def backward(root: Tensor, grad: Array, retain_graph: bool = False) -> None:
    """Accumulate d(root)/d(leaf) into ``leaf.grad`` for every leaf that requires grad.

    Intermediate gradients are freed as soon as they have been passed on; unless
    ``retain_graph`` is set, the graph is released as it is walked, so a second
    ``backward`` through the same graph is not possible (as in PyTorch).
    """
    grads: dict[int, Array] = {id(root): grad}
    stored: set[int] = set()  # ids of arrays already handed to a leaf in this pass
    with grad_mode.set_enabled(False):
        for tensor in reversed(_topological_order(root)):
            g = grads.pop(id(tensor), None)
            if g is None:
                continue
            creator = tensor._creator
            if creator is None:
                _accumulate_leaf(tensor, g, stored)
                continue
            if tensor._retain_grad:
                _accumulate_leaf(tensor, g, stored)
            input_grads = creator.backward(g)
            for index, (parent, parent_grad) in enumerate(
                zip(creator.inputs, input_grads, strict=True)
            ):
                if parent_grad is None or not parent.requires_grad:
                    continue
                _check_shape(creator, index, parent_grad, parent)
                key = id(parent)
                if key in grads:
                    grads[key] = grads[key] + parent_grad
                else:
                    grads[key] = parent_grad
            if not retain_graph:
                creator.inputs = ()
                # Not None: the tensor stays a non-leaf, and a second backward through it
                # raises instead of silently treating it as a leaf (as PyTorch does).
                tensor._creator = _RELEASED


class _ReleasedGraph:
    """Stands in for the creator of a tensor whose graph an earlier backward freed."""

    inputs: tuple[Tensor, ...] = ()
    name = "ReleasedGraph"

    def backward(self, grad: Array) -> tuple[Array | None, ...]:
        raise GradientError(
            "backward() reached a part of the graph that an earlier backward() already "
            "freed; pass retain_graph=True to the first backward() to go through it again"
        )


_RELEASED = _ReleasedGraph()


def _accumulate_leaf(tensor: Tensor, grad: Array, stored: set[int]) -> None:
    if tensor.grad is None:
        # The first gradient is stored without a copy (a memory pass saved per
        # parameter) only when it is a fresh array of its own. A function such as Add
        # hands one gradient to both inputs, Sum hands out a read-only broadcast view,
        # Reshape a view of its upstream gradient: an in-place change of one leaf's
        # ``.grad`` must not change another's, and ``.grad`` must be writable.
        fresh = grad.flags.owndata and grad.flags.writeable
        if not fresh or id(grad) in stored or grad.dtype != tensor.data.dtype:
            grad = grad.astype(tensor.data.dtype, copy=True)
        stored.add(id(grad))
        tensor.grad = grad
    else:
        tensor.grad = tensor.grad + grad
