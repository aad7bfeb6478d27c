"""Activation primitives, each with a hand-written, numerically stable backward.

Sigmoid, softplus, softmax and log-softmax are written so that logits of ±1000 give
exact 0/1 probabilities and finite gradients, never an overflow.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from glassnet.autograd.function import Function
from glassnet.backend import Array, get_array_module

if TYPE_CHECKING:
    from glassnet.autograd.tensor import Tensor


def stable_sigmoid(x: Array) -> Array:
    """1 / (1 + e^-x) without overflow: only e^-|x| (≤ 1) is ever computed."""
    xp = get_array_module(x)
    e = xp.exp(-xp.abs(x))
    r = 1 / (1 + e)
    return xp.where(x >= 0, r, e * r)


class Sigmoid(Function):
    def forward(self, x: Array) -> Array:
        self.out = stable_sigmoid(x)
        return self.out

    def backward(self, grad: Array) -> tuple[Array]:
        return (grad * self.out * (1 - self.out),)


class Tanh(Function):
    def forward(self, x: Array) -> Array:
        self.out = get_array_module(x).tanh(x)
        return self.out

    def backward(self, grad: Array) -> tuple[Array]:
        return (grad * (1 - self.out * self.out),)


class ReLU(Function):
    def forward(self, x: Array) -> Array:
        self.positive = x > 0
        return x * self.positive

    def backward(self, grad: Array) -> tuple[Array]:
        return (grad * self.positive,)


class LeakyReLU(Function):
    def __init__(self, alpha: float) -> None:
        self.alpha = alpha

    def forward(self, x: Array) -> Array:
        xp = get_array_module(x)
        self.slope = xp.where(x > 0, x.dtype.type(1), x.dtype.type(self.alpha))
        return x * self.slope

    def backward(self, grad: Array) -> tuple[Array]:
        return (grad * self.slope,)


class ELU(Function):
    def __init__(self, alpha: float) -> None:
        self.alpha = alpha

    def forward(self, x: Array) -> Array:
        xp = get_array_module(x)
        self.positive = x > 0
        # expm1 of min(x, 0): the positive side never overflows.
        self.negative_part = self.alpha * xp.expm1(xp.minimum(x, 0))
        return xp.where(self.positive, x, self.negative_part)

    def backward(self, grad: Array) -> tuple[Array]:
        xp = get_array_module(grad)
        slope = xp.where(self.positive, grad.dtype.type(1), self.negative_part + self.alpha)
        return (grad * slope,)


_GELU_C = math.sqrt(2 / math.pi)


class GELU(Function):
    """GELU in its tanh form: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))."""

    def forward(self, x: Array) -> Array:
        xp = get_array_module(x)
        self.x = x
        self.t = xp.tanh(_GELU_C * (x + 0.044715 * x**3))
        return 0.5 * x * (1 + self.t)

    def backward(self, grad: Array) -> tuple[Array]:
        x, t = self.x, self.t
        dinner = _GELU_C * (1 + 3 * 0.044715 * x * x)
        return (grad * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * dinner),)


class Softplus(Function):
    """log(1 + e^x), computed as logaddexp(0, x) so that large x stays exact."""

    def forward(self, x: Array) -> Array:
        self.x = x
        return get_array_module(x).logaddexp(0, x).astype(x.dtype, copy=False)

    def backward(self, grad: Array) -> tuple[Array]:
        return (grad * stable_sigmoid(self.x),)


class Step(Function):
    """Heaviside step: 1 where x ≥ 0, else 0.

    Its true derivative is 0 almost everywhere, so by default no gradient flows
    (gradient descent cannot train it; glassnet's evolutionary optimizer can). With
    ``straight_through=True`` the backward passes the gradient unchanged (the
    straight-through estimator), which lets gradient descent train step networks.
    """

    def __init__(self, straight_through: bool = False) -> None:
        self.straight_through = straight_through

    def forward(self, x: Array) -> Array:
        return (x >= 0).astype(x.dtype)

    def backward(self, grad: Array) -> tuple[Array]:
        if self.straight_through:
            return (grad,)
        return (get_array_module(grad).zeros_like(grad),)


def stable_log_softmax(x: Array, axis: int) -> Array:
    xp = get_array_module(x)
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))


class Softmax(Function):
    def __init__(self, axis: int = -1) -> None:
        self.axis = axis

    def forward(self, x: Array) -> Array:
        xp = get_array_module(x)
        e = xp.exp(x - x.max(axis=self.axis, keepdims=True))
        self.out = e / e.sum(axis=self.axis, keepdims=True)
        return self.out

    def backward(self, grad: Array) -> tuple[Array]:
        s = self.out
        return (s * (grad - (grad * s).sum(axis=self.axis, keepdims=True)),)


class LogSoftmax(Function):
    def __init__(self, axis: int = -1) -> None:
        self.axis = axis

    def forward(self, x: Array) -> Array:
        self.out = stable_log_softmax(x, self.axis)
        return self.out

    def backward(self, grad: Array) -> tuple[Array]:
        xp = get_array_module(grad)
        return (grad - xp.exp(self.out) * grad.sum(axis=self.axis, keepdims=True),)


def sigmoid(x: Any) -> Tensor:
    """1 / (1 + e^-x), stable for any x."""
    return Sigmoid()(x)


def tanh(x: Any) -> Tensor:
    return Tanh()(x)


def relu(x: Any) -> Tensor:
    """max(0, x): positive sums pass unchanged, negative ones are cut to 0."""
    return ReLU()(x)


def leaky_relu(x: Any, alpha: float = 0.01) -> Tensor:
    return LeakyReLU(alpha)(x)


def elu(x: Any, alpha: float = 1.0) -> Tensor:
    return ELU(alpha)(x)


def gelu(x: Any) -> Tensor:
    return GELU()(x)


def softplus(x: Any) -> Tensor:
    return Softplus()(x)


def step(x: Any, straight_through: bool = False) -> Tensor:
    return Step(straight_through)(x)


def softmax(x: Any, axis: int = -1) -> Tensor:
    return Softmax(axis)(x)


def log_softmax(x: Any, axis: int = -1) -> Tensor:
    return LogSoftmax(axis)(x)


def identity(x: Any) -> Tensor:
    """The linear (identity) activation: the weighted sum is the output."""
    from glassnet.autograd.tensor import as_tensor

    return as_tensor(x)
