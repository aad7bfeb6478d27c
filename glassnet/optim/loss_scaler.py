"""Dynamic loss scaling, the companion of float16 compute (mixed precision).

float16 cannot hold gradients below about 6e-8: they flush to zero. Multiplying the
loss by a large scale before ``backward`` lifts every gradient by the same factor;
the scaler divides it out again before the update. When a scaled gradient overflows
(inf or NaN), that step is skipped and the scale halved; after ``growth_interval``
good steps in a row it is doubled, so it stays near the largest safe value. This is
PyTorch's ``GradScaler`` and Keras's ``LossScaleOptimizer``.

Example:
    >>> import glassnet as gn
    >>> w = gn.Tensor([1.0, -2.0], requires_grad=True)
    >>> optimizer, scaler = gn.SGD([w], lr=0.1), LossScaler(init_scale=1024.0)
    >>> scaler.scale((w * w).sum()).backward()
    >>> scaler.step(optimizer)
    True
    >>> w.numpy().tolist()
    [0.800000011920929, -1.600000023841858]
"""

from __future__ import annotations

import math
from typing import Any

from glassnet.autograd.tensor import Tensor
from glassnet.backend import get_array_module
from glassnet.errors import ConfigError


def _positive(value: Any, name: str, above_one: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ConfigError(f"LossScaler {name} must be a positive number, got {value!r}")
    if above_one and not value > 1:
        raise ConfigError(f"LossScaler {name} must be greater than 1, got {value!r}")
    if not math.isfinite(value):
        raise ConfigError(f"LossScaler {name} must be finite, got {value!r}")
    return float(value)


class LossScaler:
    """Scales the loss up before ``backward`` and the gradients down before the update.

    Args:
        init_scale: the first scale (2**15, as in Keras).
        growth_factor: the scale is multiplied by this after ``growth_interval`` good steps.
        backoff_factor: and by this (< 1) after a step whose gradients overflowed.
        growth_interval: good steps in a row before the scale grows.
    """

    def __init__(
        self,
        init_scale: float = 2.0**15,
        growth_factor: float = 2.0,
        backoff_factor: float = 0.5,
        growth_interval: int = 2000,
    ) -> None:
        self.scale_value = _positive(init_scale, "init_scale")
        self.growth_factor = _positive(growth_factor, "growth_factor", above_one=True)
        self.backoff_factor = _positive(backoff_factor, "backoff_factor")
        if self.backoff_factor >= 1:
            raise ConfigError(f"LossScaler backoff_factor must be below 1, got {backoff_factor!r}")
        if isinstance(growth_interval, bool) or not isinstance(growth_interval, int):
            raise ConfigError(
                f"LossScaler growth_interval must be an integer, got {growth_interval!r}"
            )
        if growth_interval < 1:
            raise ConfigError(
                f"LossScaler growth_interval must be at least 1, got {growth_interval}"
            )
        self.growth_interval = growth_interval
        self.good_steps = 0
        self.skipped_steps = 0

    def scale(self, loss: Tensor) -> Tensor:
        """``loss`` times the current scale: call ``backward`` on this."""
        return loss * self.scale_value

    def unscale(self, parameters: list[Tensor]) -> bool:
        """Divide every gradient by the scale, in place; whether all of them are finite."""
        inverse = 1.0 / self.scale_value
        finite = True
        seen: set[int] = set()  # a gradient array shared by two parameters is scaled once
        for parameter in parameters:
            grad = parameter.grad
            if grad is None or id(grad) in seen:
                continue
            seen.add(id(grad))
            grad *= grad.dtype.type(inverse)
            if finite and not bool(get_array_module(grad).isfinite(grad).all()):
                finite = False
        return finite

    def step(self, optimizer: Any) -> bool:
        """Unscale, then update with ``optimizer`` unless a gradient overflowed; adjust the scale.

        Returns:
            True when the update was made, False when the step was skipped.
        """
        finite = self.unscale(optimizer.parameters())
        if finite:
            optimizer.step()
        self.update(finite)
        return finite

    def update(self, finite: bool) -> None:
        """Halve the scale after an overflow; grow it after enough good steps in a row."""
        if not finite:
            self.scale_value *= self.backoff_factor
            self.good_steps = 0
            self.skipped_steps += 1
            return
        self.good_steps += 1
        if self.good_steps >= self.growth_interval:
            self.scale_value *= self.growth_factor
            self.good_steps = 0

    def state_dict(self) -> dict[str, float]:
        """The scale and the count of good steps, for checkpoints."""
        return {"scale": self.scale_value, "good_steps": self.good_steps}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.scale_value = _positive(state.get("scale"), "scale")
        self.good_steps = int(state.get("good_steps", 0))
