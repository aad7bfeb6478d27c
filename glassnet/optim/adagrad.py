"""``Adagrad``: per-weight steps that shrink with the sum of all past squared gradients.

The update at step t, as PyTorch documents it::

    g = grad + weight_decay * p                   (if weight_decay)
    s = s + g * g                                 (s starts at initial_accumulator_value)
    p = p - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(s) + eps)

Example:
    >>> import glassnet as gn
    >>> w = gn.Tensor([1.0], requires_grad=True)
    >>> optimizer = Adagrad([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> optimizer.step()
    >>> round(w.data.item(), 6)   # the first Adagrad step has size lr
    0.9
"""

from __future__ import annotations

from typing import Any

from glassnet.backend import Array, get_array_module
from glassnet.optim import _validation as check
from glassnet.optim.optimizer import Optimizer, ParameterState


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011; PyTorch semantics).

    Args:
        params: Tensors, or a model with ``parameters()``.
        lr: learning rate (> 0).
        lr_decay: the learning rate at step t is ``lr / (1 + (t - 1) * lr_decay)`` (>= 0).
        weight_decay: L2 penalty coefficient added to the gradient (>= 0).
        initial_accumulator_value: starting value of the squared-gradient sum (>= 0).
        eps: added to the denominator for numerical stability (> 0).
        clipnorm, clipvalue, global_clipnorm: see :class:`Optimizer`.
    """

    updates_elementwise = True

    def __init__(
        self,
        params: Any,
        lr: float = 0.01,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
    ) -> None:
        super().__init__(params, lr, clipnorm, clipvalue, global_clipnorm)
        self.lr_decay = check.non_negative_number("lr_decay", lr_decay)
        self.weight_decay = check.non_negative_number("weight_decay", weight_decay)
        self.initial_accumulator_value = check.non_negative_number(
            "initial_accumulator_value", initial_accumulator_value
        )
        self.eps = check.positive_number("eps", eps)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            lr_decay=self.lr_decay,
            weight_decay=self.weight_decay,
            initial_accumulator_value=self.initial_accumulator_value,
            eps=self.eps,
        )
        return config

    def slot_names(self) -> tuple[str, ...]:
        return ("sum",)

    def _update(self, data: Array, grad: Array, state: ParameterState) -> None:
        xp = get_array_module(data)
        work, *decayed = self._workspace(data, 2 if self.weight_decay != 0.0 else 1)
        if self.weight_decay != 0.0:
            grad = self._decayed(data, grad, decayed[0])
        step_lr = self._lr / (1.0 + (state.step - 1) * self.lr_decay)
        total = self._slot(state, "sum", data, fill=self.initial_accumulator_value)
        xp.multiply(grad, grad, out=work)
        total += work
        xp.sqrt(total, out=work)
        work += self.eps
        xp.divide(grad, work, out=work)
        work *= step_lr
        data -= work
