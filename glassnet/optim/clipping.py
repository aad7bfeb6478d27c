"""Gradient clipping: bound the size of a step when a gradient explodes.

Clipping never writes into a gradient array (a gradient may be shared with another
tensor): :func:`clip_grad_norm` and :func:`clip_grad_value` replace ``p.grad`` with
a new array, and the optimizers' own ``clipnorm``/``clipvalue`` options clip a
private copy and leave ``p.grad`` alone.

Norm clipping follows PyTorch's ``clip_grad_norm_``: gradients are multiplied by
``max_norm / (norm + 1e-6)`` when that is below 1. A non-finite norm (a NaN or inf
gradient) is reported but leaves the gradients as they are, so the NaN stays
visible where it arose instead of spreading to every gradient.

Example:
    >>> import glassnet as gn
    >>> w = gn.Tensor([0.0, 0.0], requires_grad=True)
    >>> w.grad = gn.Tensor([3.0, 4.0]).data
    >>> clip_grad_norm([w], max_norm=1.0)
    5.0
    >>> [round(float(g), 4) for g in w.grad]
    [0.6, 0.8]
"""

from __future__ import annotations

import math
from typing import Any

from glassnet.backend import Array, get_array_module
from glassnet.optim import _validation as check
from glassnet.optim._params import collect_parameters

# PyTorch's guard against dividing by a zero norm; kept so that clipped numbers match.
NORM_EPSILON = 1e-6


def array_norm(grad: Array) -> float:
    """The L2 norm of one array, as a Python float."""
    xp = get_array_module(grad)
    flat = grad.ravel()
    # One BLAS dot product: a single pass over the array, no squared temporary.
    return math.sqrt(float(xp.dot(flat, flat)))


def global_norm(grads: list[Array]) -> float:
    """The L2 norm of all ``grads`` taken together as one long vector."""
    total = 0.0
    for grad in grads:
        xp = get_array_module(grad)
        flat = grad.ravel()
        total += float(xp.dot(flat, flat))
    return math.sqrt(total)


def clip_scale(norm: float, max_norm: float) -> float:
    """The factor that brings a gradient of ``norm`` down to ``max_norm`` (1.0 if it fits)."""
    if not math.isfinite(norm):
        return 1.0
    scale = max_norm / (norm + NORM_EPSILON)
    return min(scale, 1.0)


def scale_arrays(grads: list[Array], scale: float) -> list[Array]:
    """``grads`` multiplied by ``scale`` as new arrays (the originals if ``scale`` is 1)."""
    if scale >= 1.0:
        return list(grads)
    return [grad * scale for grad in grads]


def clip_arrays_by_value(grads: list[Array], clip_value: float) -> list[Array]:
    """New arrays with every entry of ``grads`` limited to [-clip_value, clip_value]."""
    clipped = []
    for grad in grads:
        xp = get_array_module(grad)
        clipped.append(xp.clip(grad, -clip_value, clip_value))
    return clipped


def clip_grad_norm(params: Any, max_norm: float) -> float:
    """Scale all gradients together so that their global L2 norm is at most ``max_norm``.

    Parameters without a gradient are ignored. Each clipped ``p.grad`` is replaced by
    a new array; the old array is not modified.

    Args:
        params: a Tensor, an iterable of Tensors, or a model with ``parameters()``.
        max_norm: the largest global norm allowed (a positive number).

    Returns:
        The global norm of the gradients *before* clipping (useful to log).

    Example:
        >>> import glassnet as gn
        >>> a = gn.Tensor([0.0], requires_grad=True)
        >>> a.grad = gn.Tensor([10.0]).data
        >>> clip_grad_norm([a], 2.0)
        10.0
    """
    max_norm = check.positive_number("max_norm", max_norm)
    with_grad = [p for p in collect_parameters(params) if p.grad is not None]
    grads = [p.grad for p in with_grad]
    norm = global_norm(grads)
    clipped = scale_arrays(grads, clip_scale(norm, max_norm))
    for param, grad in zip(with_grad, clipped, strict=True):
        param.grad = grad
    return norm


def clip_grad_value(params: Any, clip_value: float) -> None:
    """Limit every gradient entry to [-clip_value, clip_value].

    Each ``p.grad`` is replaced by a new array; the old array is not modified.

    Args:
        params: a Tensor, an iterable of Tensors, or a model with ``parameters()``.
        clip_value: the largest absolute value allowed (a positive number).

    Example:
        >>> import glassnet as gn
        >>> a = gn.Tensor([0.0, 0.0], requires_grad=True)
        >>> a.grad = gn.Tensor([-3.0, 0.5]).data
        >>> clip_grad_value([a], 1.0)
        >>> a.grad.tolist()
        [-1.0, 0.5]
    """
    clip_value = check.positive_number("clip_value", clip_value)
    with_grad = [p for p in collect_parameters(params) if p.grad is not None]
    clipped = clip_arrays_by_value([p.grad for p in with_grad], clip_value)
    for param, grad in zip(with_grad, clipped, strict=True):
        param.grad = grad
