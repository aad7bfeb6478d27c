"""``SGD``: gradient descent, with optional momentum, Nesterov momentum and L2 decay.

The update, as PyTorch documents it (dampening 0)::

    g = grad + weight_decay * p                 (if weight_decay)
    b = momentum * b + g                        (if momentum; b starts at 0, so b1 = g)
    g = g + momentum * b   if nesterov   else   g = b
    p = p - lr * g

Example:
    >>> import glassnet as gn
    >>> w = gn.Tensor([1.0], requires_grad=True)
    >>> optimizer = SGD([w], lr=0.5, momentum=0.9)
    >>> (w * w).sum().backward()
    >>> optimizer.step()
    >>> w.data.tolist()
    [0.0]
"""

from __future__ import annotations

from typing import Any

from glassnet.backend import Array, get_array_module
from glassnet.errors import ConfigError
from glassnet.optim import _validation as check
from glassnet.optim.optimizer import Optimizer, ParameterState


class SGD(Optimizer):
    """Stochastic gradient descent (PyTorch semantics).

    Args:
        params: Tensors, or a model with ``parameters()``.
        lr: learning rate (> 0).
        momentum: fraction of the previous step kept, in [0, 1).
        nesterov: use Nesterov momentum (needs ``momentum > 0``).
        weight_decay: L2 penalty coefficient added to the gradient (>= 0).
        clipnorm, clipvalue, global_clipnorm: see :class:`Optimizer`.
    """

    updates_elementwise = True

    def __init__(
        self,
        params: Any,
        lr: float = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
    ) -> None:
        super().__init__(params, lr, clipnorm, clipvalue, global_clipnorm)
        self.momentum = check.fraction("momentum", momentum)
        self.nesterov = check.flag("nesterov", nesterov)
        self.weight_decay = check.non_negative_number("weight_decay", weight_decay)
        if self.nesterov and self.momentum == 0.0:
            raise ConfigError("nesterov=True needs a momentum greater than 0, got momentum=0")

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            momentum=self.momentum, nesterov=self.nesterov, weight_decay=self.weight_decay
        )
        return config

    def slot_names(self) -> tuple[str, ...]:
        return ("momentum_buffer",) if self.momentum != 0.0 else ()

    def _update(self, data: Array, grad: Array, state: ParameterState) -> None:
        xp = get_array_module(data)
        # A second scratch array only when both decay and Nesterov need one.
        two = self.weight_decay != 0.0 and self.nesterov
        work, *spare = self._workspace(data, 2 if two else 1)
        direction = grad
        if self.weight_decay != 0.0:
            direction = self._decayed(data, grad, work)
        if self.momentum != 0.0:
            buffer = self._slot(state, "momentum_buffer", data)
            buffer *= self.momentum
            buffer += direction
            if self.nesterov:
                # direction + momentum * buffer, into a scratch array not holding direction.
                target = spare[0] if direction is work else work
                xp.multiply(buffer, self.momentum, out=target)
                target += direction
                direction = target
            else:
                direction = buffer
        # p -= lr * direction, scaling in a workspace so that neither the gradient
        # nor the momentum buffer is changed.
        xp.multiply(direction, self._lr, out=work)
        data -= work
