"""``RMSprop``: steps divided by a running root-mean-square of recent gradients.

The update, as PyTorch documents it::

    g = grad + weight_decay * p                   (if weight_decay)
    s = alpha * s + (1 - alpha) * g * g
    a = alpha * a + (1 - alpha) * g               (centered only)
    d = sqrt(s - a * a) + eps   if centered   else   d = sqrt(s) + eps
    b = momentum * b + g / d                      (if momentum; b starts at 0)
    p = p - lr * b   if momentum   else   p = p - lr * g / d

Example:
    >>> import glassnet as gn
    >>> w = gn.Tensor([1.0], requires_grad=True)
    >>> optimizer = RMSprop([w], lr=0.01)
    >>> (w * w).sum().backward()
    >>> optimizer.step()
    >>> round(w.data.item(), 4)   # 1 - 0.01 * 2 / sqrt(0.01 * 4)
    0.9
"""

from __future__ import annotations

from typing import Any

from glassnet.backend import Array, get_array_module
from glassnet.optim import _validation as check
from glassnet.optim.optimizer import Optimizer, ParameterState


class RMSprop(Optimizer):
    """RMSprop (Hinton's lecture 6e; PyTorch semantics).

    Args:
        params: Tensors, or a model with ``parameters()``.
        lr: learning rate (> 0).
        alpha: decay rate of the squared-gradient average, in [0, 1).
        eps: added to the denominator for numerical stability (> 0).
        weight_decay: L2 penalty coefficient added to the gradient (>= 0).
        momentum: fraction of the previous step kept, in [0, 1).
        centered: divide by an estimate of the gradient's variance instead of its
            uncentred second moment.
        clipnorm, clipvalue, global_clipnorm: see :class:`Optimizer`.
    """

    updates_elementwise = True

    def __init__(
        self,
        params: Any,
        lr: float = 0.01,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
    ) -> None:
        super().__init__(params, lr, clipnorm, clipvalue, global_clipnorm)
        self.alpha = check.fraction("alpha", alpha)
        self.eps = check.positive_number("eps", eps)
        self.momentum = check.fraction("momentum", momentum)
        self.weight_decay = check.non_negative_number("weight_decay", weight_decay)
        self.centered = check.flag("centered", centered)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            alpha=self.alpha,
            eps=self.eps,
            momentum=self.momentum,
            weight_decay=self.weight_decay,
            centered=self.centered,
        )
        return config

    def slot_names(self) -> tuple[str, ...]:
        names = ["square_avg"]
        if self.momentum != 0.0:
            names.append("momentum_buffer")
        if self.centered:
            names.append("grad_avg")
        return tuple(names)

    def _update(self, data: Array, grad: Array, state: ParameterState) -> None:
        xp = get_array_module(data)
        work, *decayed = self._workspace(data, 2 if self.weight_decay != 0.0 else 1)
        if self.weight_decay != 0.0:
            grad = self._decayed(data, grad, decayed[0])
        square_avg = self._slot(state, "square_avg", data)
        square_avg *= self.alpha
        xp.multiply(grad, grad, out=work)
        work *= 1.0 - self.alpha
        square_avg += work
        if self.centered:
            grad_avg = self._slot(state, "grad_avg", data)
            grad_avg *= self.alpha
            xp.multiply(grad, 1.0 - self.alpha, out=work)
            grad_avg += work
            xp.multiply(grad_avg, grad_avg, out=work)
            xp.subtract(square_avg, work, out=work)
            # s >= a * a in exact arithmetic; rounding can dip below 0 and give NaN.
            xp.maximum(work, 0.0, out=work)
            xp.sqrt(work, out=work)
        else:
            xp.sqrt(square_avg, out=work)
        work += self.eps
        xp.divide(grad, work, out=work)
        if self.momentum != 0.0:
            buffer = self._slot(state, "momentum_buffer", data)
            buffer *= self.momentum
            buffer += work
            xp.multiply(buffer, self._lr, out=work)
        else:
            work *= self._lr
        data -= work
