"""The backward pass: walk the graph in reverse topological order, applying the chain rule."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glassnet.autograd import grad_mode
from glassnet.backend import Array
from glassnet.errors import GradientError

if TYPE_CHECKING:
    from glassnet.autograd.function import Function
    from glassnet.autograd.tensor import Tensor


def _topological_order(root: Tensor) -> list[Tensor]:
    """Tensors that ``root`` depends on through recorded functions, inputs before outputs."""
    # Iterative depth-first search; a tensor goes into ``order`` after all its parents.
    # This runs once per backward over every node, so it avoids per-node allocations
    # beyond one list entry: ``pending`` holds (tensor, parents not yet visited).
    order: list[Tensor] = []
    visited = {id(root)}
    pending: list[tuple[Tensor, Any]] = [(root, _parents(root))]
    while pending:
        tensor, parents = pending[-1]
        for parent in parents:
            if id(parent) not in visited:
                visited.add(id(parent))
                pending.append((parent, _parents(parent)))
                break
        else:
            pending.pop()
            order.append(tensor)
    return order


def _parents(tensor: Tensor) -> Any:
    """An iterator over the inputs of ``tensor``'s creator that need a gradient."""
    creator = tensor._creator
    if creator is None:
        return iter(())
    return iter([p for p in creator.inputs if p.requires_grad])


def _raise_shape_error(fn: Function, index: int, grad: Array, tensor: Tensor) -> None:
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
            inputs = creator.inputs
            input_grads = creator.backward(g)
            if len(input_grads) != len(inputs):
                raise GradientError(
                    f"{creator.name}.backward returned {len(input_grads)} gradients for "
                    f"{len(inputs)} inputs"
                )
            for index, parent in enumerate(inputs):
                parent_grad = input_grads[index]
                if parent_grad is None or not parent.requires_grad:
                    continue
                if parent_grad.shape != parent.data.shape:
                    _raise_shape_error(creator, index, parent_grad, parent)
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
