"""Matrix products: batched ``matmul`` and the fused ``linear`` (x @ W + b) used by Dense."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glassnet.autograd.function import Function, unbroadcast
from glassnet.backend import Array, get_array_module

if TYPE_CHECKING:
    from glassnet.autograd.tensor import Tensor


class MatMul(Function):
    """``a @ b`` with NumPy's rules: 1-d operands are promoted, leading axes broadcast."""

    def forward(self, a: Array, b: Array) -> Array:
        self.a, self.b = a, b
        return a @ b

    def backward(self, grad: Array) -> tuple[Array, Array]:
        xp = get_array_module(grad)
        a, b = self.a, self.b
        # Promote 1-d operands the way matmul did, so that the products below line up.
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        g = grad
        # b's axis first: for 1-d @ 1-d the output is 0-d and must become (1, 1).
        if b.ndim == 1:
            g = xp.expand_dims(g, -1)
        if a.ndim == 1:
            g = xp.expand_dims(g, -2)
        grad_a = g @ xp.swapaxes(b2, -1, -2)
        grad_b = xp.swapaxes(a2, -1, -2) @ g
        if a.ndim == 1:
            grad_a = grad_a[..., 0, :]
        if b.ndim == 1:
            grad_b = grad_b[..., :, 0]
        return unbroadcast(grad_a, a.shape), unbroadcast(grad_b, b.shape)


class Linear(Function):
    """``x @ w + b`` for 2-d ``x``, fused so the backward needs no broadcast bookkeeping."""

    def forward(self, x: Array, w: Array, b: Array | None = None) -> Array:
        self.x, self.w = x, w
        out = x @ w
        if b is not None:
            out += b
        return out

    def backward(self, grad: Array) -> tuple[Array, ...]:
        grads = [grad @ self.w.T, self.x.T @ grad]
        if len(self.inputs) == 3:
            grads.append(grad.sum(axis=0))
        return tuple(grads)


def matmul(a: Any, b: Any) -> Tensor:
    return MatMul()(a, b)


def linear(x: Any, weight: Any, bias: Any = None) -> Tensor:
    """``x @ weight + bias`` for a batch ``x`` of shape (samples, inputs)."""
    if bias is None:
        return Linear()(x, weight)
    return Linear()(x, weight, bias)
