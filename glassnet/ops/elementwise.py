"""Elementwise primitives: arithmetic with broadcasting, and the unary math functions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glassnet.autograd.function import Function, unbroadcast
from glassnet.backend import Array, get_array_module, to_device_of

if TYPE_CHECKING:
    from glassnet.autograd.tensor import Tensor


class Add(Function):
    def forward(self, a: Array, b: Array) -> Array:
        self.shapes = (a.shape, b.shape)
        return a + b

    def backward(self, grad: Array) -> tuple[Array, Array]:
        return unbroadcast(grad, self.shapes[0]), unbroadcast(grad, self.shapes[1])


class Sub(Function):
    def forward(self, a: Array, b: Array) -> Array:
        self.shapes = (a.shape, b.shape)
        return a - b

    def backward(self, grad: Array) -> tuple[Array, Array]:
        return unbroadcast(grad, self.shapes[0]), unbroadcast(-grad, self.shapes[1])


class Mul(Function):
    def forward(self, a: Array, b: Array) -> Array:
        self.a, self.b = a, b
        return a * b

    def backward(self, grad: Array) -> tuple[Array, Array]:
        return unbroadcast(grad * self.b, self.a.shape), unbroadcast(grad * self.a, self.b.shape)


class Div(Function):
    def forward(self, a: Array, b: Array) -> Array:
        self.a, self.b = a, b
        return a / b

    def backward(self, grad: Array) -> tuple[Array, Array]:
        grad_a = grad / self.b
        grad_b = -grad_a * self.a / self.b
        return unbroadcast(grad_a, self.a.shape), unbroadcast(grad_b, self.b.shape)


class Power(Function):
    """``a ** b``; the gradient for ``b`` needs ``a > 0`` (log a) and is skipped when b is constant."""

    def forward(self, a: Array, b: Array) -> Array:
        self.a, self.b = a, b
        self.out = a**b
        return self.out

    def backward(self, grad: Array) -> tuple[Array, Array | None]:
        xp = get_array_module(grad)
        grad_a = grad * self.b * self.a ** (self.b - 1)
        grad_b = None
        if self.inputs[1].requires_grad:
            safe_log = xp.log(xp.where(self.a > 0, self.a, 1))
            grad_b = unbroadcast(grad * self.out * safe_log, self.b.shape)
        return unbroadcast(grad_a, self.a.shape), grad_b


class Neg(Function):
    def forward(self, a: Array) -> Array:
        return -a

    def backward(self, grad: Array) -> tuple[Array]:
        return (-grad,)


class Exp(Function):
    def forward(self, a: Array) -> Array:
        self.out = get_array_module(a).exp(a)
        return self.out

    def backward(self, grad: Array) -> tuple[Array]:
        return (grad * self.out,)


class Log(Function):
    def forward(self, a: Array) -> Array:
        self.a = a
        return get_array_module(a).log(a)

    def backward(self, grad: Array) -> tuple[Array]:
        return (grad / self.a,)


class Sqrt(Function):
    def forward(self, a: Array) -> Array:
        self.out = get_array_module(a).sqrt(a)
        return self.out

    def backward(self, grad: Array) -> tuple[Array]:
        return (grad / (2 * self.out),)


class Arctan(Function):
    def forward(self, a: Array) -> Array:
        self.a = a
        return get_array_module(a).arctan(a)

    def backward(self, grad: Array) -> tuple[Array]:
        return (grad / (1 + self.a * self.a),)


class Abs(Function):
    """``|a|``; the gradient at 0 is taken as 0 (the subgradient NumPy's sign gives)."""

    def forward(self, a: Array) -> Array:
        self.a = a
        return get_array_module(a).abs(a)

    def backward(self, grad: Array) -> tuple[Array]:
        return (grad * get_array_module(grad).sign(self.a),)


class Clip(Function):
    """Values limited to [low, high]; the gradient passes only where no limit applied."""

    def __init__(self, low: float | None, high: float | None) -> None:
        self.low, self.high = low, high

    def forward(self, a: Array) -> Array:
        xp = get_array_module(a)
        self.inside = xp.ones(a.shape, dtype=bool)
        if self.low is not None:
            self.inside &= a >= self.low
        if self.high is not None:
            self.inside &= a <= self.high
        return xp.clip(a, self.low, self.high)

    def backward(self, grad: Array) -> tuple[Array]:
        return (grad * self.inside,)


class Where(Function):
    """``condition ? a : b`` elementwise; ``condition`` is a constant boolean array."""

    def __init__(self, condition: Array) -> None:
        self.condition = condition

    def forward(self, a: Array, b: Array) -> Array:
        self.shapes = (a.shape, b.shape)
        self.condition = to_device_of(self.condition, a)
        return get_array_module(a).where(self.condition, a, b)

    def backward(self, grad: Array) -> tuple[Array, Array]:
        zero = grad.dtype.type(0)
        xp = get_array_module(grad)
        grad_a = xp.where(self.condition, grad, zero)
        grad_b = xp.where(self.condition, zero, grad)
        return unbroadcast(grad_a, self.shapes[0]), unbroadcast(grad_b, self.shapes[1])


def add(a: Any, b: Any) -> Tensor:
    return Add()(a, b)


def sub(a: Any, b: Any) -> Tensor:
    return Sub()(a, b)


def mul(a: Any, b: Any) -> Tensor:
    return Mul()(a, b)


def div(a: Any, b: Any) -> Tensor:
    return Div()(a, b)


def power(a: Any, b: Any) -> Tensor:
    return Power()(a, b)


def neg(a: Any) -> Tensor:
    return Neg()(a)


def exp(a: Any) -> Tensor:
    return Exp()(a)


def log(a: Any) -> Tensor:
    return Log()(a)


def sqrt(a: Any) -> Tensor:
    return Sqrt()(a)


def abs(a: Any) -> Tensor:
    return Abs()(a)


def arctan(a: Any) -> Tensor:
    return Arctan()(a)


def clip(a: Any, low: float | None, high: float | None) -> Tensor:
    return Clip(low, high)(a)


def where(condition: Any, a: Any, b: Any) -> Tensor:
    """Elementwise ``a`` where ``condition`` holds, else ``b`` (gradients flow to both)."""
    from glassnet.autograd.tensor import Tensor

    condition = condition.data if isinstance(condition, Tensor) else condition
    return Where(condition)(a, b)


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise larger of ``a`` and ``b``; at ties the gradient goes to ``a``."""
    from glassnet.autograd.tensor import as_tensor

    a_t, b_t = as_tensor(a), as_tensor(b, like=as_tensor(a))
    return where(a_t.data >= b_t.data, a_t, b_t)


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise smaller of ``a`` and ``b``; at ties the gradient goes to ``a``."""
    from glassnet.autograd.tensor import as_tensor

    a_t, b_t = as_tensor(a), as_tensor(b, like=as_tensor(a))
    return where(a_t.data <= b_t.data, a_t, b_t)
