"""Matrix products: batched ``matmul`` and the fused ``linear`` (x @ W + b) used by Dense."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glassnet.autograd.function import Function, unbroadcast
from glassnet.backend import Array, get_array_module
from glassnet.errors import ConfigError
from glassnet.ops import dense_numba
from glassnet.ops.cast import autocast_inputs

if TYPE_CHECKING:
    from glassnet.autograd.tensor import Tensor


#: The activations :func:`linear` can fuse into its product.
FUSED_ACTIVATIONS = (None, "relu")


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
    """``activation(x @ w + b)`` for 2-d ``x``, fused: one Function, no broadcast bookkeeping.

    ``activation`` is ``None`` (the weighted sum itself) or ``"relu"``. The fused ReLU
    runs in place on the GEMM's output (no second array) and its backward masks the
    upstream gradient in one pass, so a Dense layer costs one graph node instead of
    three. The input gradient ``grad @ w.T`` is skipped when ``x`` needs none (the
    first layer's input is data): for a 784-wide input that is a third of the
    layer's backward GEMMs.
    """

    def __init__(self, activation: str | None = None) -> None:
        if activation not in FUSED_ACTIVATIONS:
            raise ConfigError(
                f"linear can fuse the activations {FUSED_ACTIVATIONS}, got {activation!r}"
            )
        self.activation = activation

    def forward(self, x: Array, w: Array, b: Array | None = None) -> Array:
        self.x, self.w = x, w
        out = x @ w
        if b is not None:
            out += b
        if self.activation == "relu":
            get_array_module(out).maximum(out, 0, out=out)
            self.out = out
        return out

    def backward(self, grad: Array) -> tuple[Array | None, ...]:
        inputs = self.inputs
        wants_bias = len(inputs) == 3 and inputs[2].requires_grad
        bias_grad = None
        if self.activation == "relu":
            if wants_bias and dense_numba.applies(grad, self.out):
                # The mask and the bias's sum over the batch in one compiled pass.
                grad, bias_grad = dense_numba.relu_backward_with_bias(grad, self.out)
            else:
                xp = get_array_module(grad)
                # A fresh array: the upstream gradient may be shared and must not change.
                grad = xp.where(self.out > 0, grad, grad.dtype.type(0))
        grad_x = grad @ self.w.T if inputs[0].requires_grad else None
        grads = [grad_x, self.x.T @ grad if inputs[1].requires_grad else None]
        if len(inputs) == 3:
            if wants_bias and bias_grad is None:
                bias_grad = grad.sum(axis=0)
            grads.append(bias_grad)
        return tuple(grads)


def matmul(a: Any, b: Any) -> Tensor:
    return MatMul()(*autocast_inputs(a, b))


def linear(x: Any, weight: Any, bias: Any = None, activation: str | None = None) -> Tensor:
    """``activation(x @ weight + bias)`` for a batch ``x`` of shape (samples, inputs).

    Args:
        activation: ``None`` for the weighted sum, or ``"relu"`` fused into the same op.
    """
    x, weight, bias = autocast_inputs(x, weight, bias)
    if bias is None:
        return Linear(activation)(x, weight)
    return Linear(activation)(x, weight, bias)
