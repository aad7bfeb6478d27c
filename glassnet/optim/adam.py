"""``Adam`` and ``AdamW``: steps scaled by running averages of the gradient and its square.

The update at step t, as PyTorch documents it::

    g = grad + weight_decay * p               (Adam only: L2 decay through the gradient)
    p = p * (1 - lr * weight_decay)           (AdamW only: decoupled decay)
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    v_max = max(v_max, v)                     (amsgrad; then v_max replaces v below)
    p = p - (lr / (1 - beta1**t)) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

Example:
    >>> import glassnet as gn
    >>> w = gn.Tensor([1.0], requires_grad=True)
    >>> optimizer = Adam([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> optimizer.step()
    >>> round(w.data.item(), 6)   # the first Adam step has size lr
    0.9
"""

from __future__ import annotations

import math
from typing import Any

from glassnet.backend import Array, get_array_module
from glassnet.optim import _fused
from glassnet.optim import _validation as check
from glassnet.optim.optimizer import Optimizer, ParameterState


class Adam(Optimizer):
    """Adam with bias correction and optional L2 weight decay (PyTorch semantics).

    Args:
        params: Tensors, or a model with ``parameters()``.
        lr: learning rate (> 0).
        betas: decay rates of the first and second moment averages, each in [0, 1).
        eps: added to the denominator for numerical stability (> 0).
        weight_decay: L2 penalty coefficient added to the gradient (>= 0). For decay
            that is not rescaled by the adaptive denominator, use :class:`AdamW`.
        amsgrad: divide by the largest second moment seen so far (AMSGrad).
        clipnorm, clipvalue, global_clipnorm: see :class:`Optimizer`.
    """

    updates_elementwise = True

    #: AdamW shrinks the weights directly instead of adding decay to the gradient.
    decoupled_weight_decay = False

    def __init__(
        self,
        params: Any,
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
    ) -> None:
        super().__init__(params, lr, clipnorm, clipvalue, global_clipnorm)
        self.betas = check.betas(betas)
        self.eps = check.positive_number("eps", eps)
        self.weight_decay = check.non_negative_number("weight_decay", weight_decay)
        self.amsgrad = check.flag("amsgrad", amsgrad)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            betas=list(self.betas),
            eps=self.eps,
            weight_decay=self.weight_decay,
            amsgrad=self.amsgrad,
        )
        return config

    def slot_names(self) -> tuple[str, ...]:
        if self.amsgrad:
            return ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")
        return ("exp_avg", "exp_avg_sq")

    def _update(self, data: Array, grad: Array, state: ParameterState) -> None:
        if self._fused_update(data, grad, state):
            return
        xp = get_array_module(data)
        beta1, beta2 = self.betas
        coupled_decay = self.weight_decay != 0.0 and not self.decoupled_weight_decay
        work, *decayed = self._workspace(data, 2 if coupled_decay else 1)
        if coupled_decay:
            grad = self._decayed(data, grad, decayed[0])
        elif self.weight_decay != 0.0:
            data *= 1.0 - self._lr * self.weight_decay
        exp_avg = self._slot(state, "exp_avg", data)
        exp_avg_sq = self._slot(state, "exp_avg_sq", data)
        exp_avg *= beta1
        xp.multiply(grad, 1.0 - beta1, out=work)
        exp_avg += work
        exp_avg_sq *= beta2
        xp.multiply(grad, grad, out=work)
        work *= 1.0 - beta2
        exp_avg_sq += work
        second_moment = exp_avg_sq
        if self.amsgrad:
            second_moment = self._slot(state, "max_exp_avg_sq", data)
            xp.maximum(second_moment, exp_avg_sq, out=second_moment)
        # PyTorch's step, (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps), with numerator
        # and denominator multiplied by sqrt(bc2): the same number, one pass over
        # memory fewer, since sqrt(bc2) then only multiplies scalars (eps and lr).
        correction1 = 1.0 - beta1**state.step
        root_correction2 = math.sqrt(1.0 - beta2**state.step)
        xp.sqrt(second_moment, out=work)
        work += self.eps * root_correction2
        xp.divide(exp_avg, work, out=work)
        work *= self._lr * root_correction2 / correction1
        data -= work

    def _fused_update(self, data: Array, grad: Array, state: ParameterState) -> bool:
        """The same update as the NumPy code above in one compiled pass; False if it cannot."""
        slots = state.slots
        exp_avg = slots.get("exp_avg")
        if exp_avg is None:
            exp_avg = self._slot(state, "exp_avg", data)
            self._slot(state, "exp_avg_sq", data)
            if self.amsgrad:
                self._slot(state, "max_exp_avg_sq", data)
        exp_avg_sq = slots["exp_avg_sq"]
        max_sq = slots["max_exp_avg_sq"] if self.amsgrad else None
        arrays = (data, grad, exp_avg, exp_avg_sq) + ((max_sq,) if self.amsgrad else ())
        if not _fused.fusable(*arrays):
            return False
        beta1, beta2 = self.betas
        decoupled = self.decoupled_weight_decay
        correction1 = 1.0 - beta1**state.step
        root_correction2 = math.sqrt(1.0 - beta2**state.step)
        return _fused.adam_update(
            data,
            grad,
            exp_avg,
            exp_avg_sq,
            max_sq,
            betas=self.betas,
            coupled_decay=0.0 if decoupled else self.weight_decay,
            decoupled_factor=1.0 - self._lr * self.weight_decay if decoupled else 1.0,
            eps_term=self.eps * root_correction2,
            step_size=self._lr * root_correction2 / correction1,
        )


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter; PyTorch's ``AdamW``).

    The weights shrink by ``lr * weight_decay`` of themselves each step, outside the
    adaptive scaling, so every weight decays at the same rate whatever its gradient
    history. Arguments as :class:`Adam`; ``weight_decay`` defaults to 0.01.

    Example:
        >>> import glassnet as gn
        >>> w = gn.Tensor([1.0], requires_grad=True)
        >>> optimizer = AdamW([w], lr=0.1, weight_decay=0.5)
        >>> w.grad = gn.Tensor([0.0]).data
        >>> optimizer.step()
        >>> round(w.data.item(), 6)   # zero gradient: only the decay, 1 * (1 - 0.1 * 0.5)
        0.95
    """

    decoupled_weight_decay = True

    def __init__(
        self,
        params: Any,
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.01,
        amsgrad: bool = False,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
    ) -> None:
        super().__init__(
            params, lr, betas, eps, weight_decay, amsgrad, clipnorm, clipvalue, global_clipnorm
        )
