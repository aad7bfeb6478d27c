"""``ReduceLROnPlateau``: lower the learning rate when a monitored metric stops improving.

Each epoch, ``step(metric)`` compares the metric (say the validation loss) with
the best value seen. An epoch counts as an improvement only if it beats the best
by more than ``min_delta`` (an absolute margin, as Keras's ``min_delta``). After
more than ``patience`` epochs in a row without improvement the learning rate is
multiplied by ``factor`` (never below ``min_lr``), and ``cooldown`` epochs follow
in which bad epochs are not counted. The counting follows PyTorch: with
``patience=2``, the learning rate drops at the end of the third bad epoch.

Example:
    >>> import glassnet as gn
    >>> from glassnet.optim import SGD
    >>> optimizer = SGD([gn.Tensor([1.0], requires_grad=True)], lr=1.0)
    >>> schedule = ReduceLROnPlateau(optimizer, factor=0.5, patience=1)
    >>> for loss in [3.0, 2.0, 2.0, 2.0]:
    ...     schedule.step(loss)
    >>> optimizer.lr
    0.5
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Real
from typing import Any

from glassnet.errors import ConfigError
from glassnet.optim import _validation as check
from glassnet.optim.schedules import LRSchedule

# A reduction smaller than this is skipped (PyTorch's ``eps``): it would only add
# rounding noise once the learning rate has reached ``min_lr``.
_SMALLEST_CHANGE = 1e-8


class ReduceLROnPlateau(LRSchedule):
    """Multiply the learning rate by ``factor`` when the metric has stopped improving.

    Args:
        optimizer: the optimizer whose ``lr`` is lowered.
        mode: ``"min"`` if lower metric values are better (a loss), ``"max"`` if
            higher ones are (an accuracy).
        factor: the multiplier applied at each reduction, in (0, 1).
        patience: bad epochs tolerated; the reduction comes on the next one (>= 0).
        min_delta: how much the metric must beat the best value by to count as an
            improvement (an absolute amount, >= 0).
        cooldown: epochs after a reduction during which bad epochs are not counted.
        min_lr: the learning rate is never lowered below this (>= 0).
    """

    requires_metric = True

    def __init__(
        self,
        optimizer: Any,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
    ) -> None:
        super().__init__(optimizer)
        self.mode = check.choice("mode", mode, ("min", "max"))
        self.factor = check.open_fraction("factor", factor)
        self.patience = check.non_negative_int("patience", patience)
        self.min_delta = check.non_negative_number("min_delta", min_delta)
        self.cooldown = check.non_negative_int("cooldown", cooldown)
        self.min_lr = check.non_negative_number("min_lr", min_lr)
        #: The best metric value so far (None before the first improvement).
        self.best: float | None = None
        #: Consecutive epochs without improvement, not counting cooldown epochs.
        self.num_bad_epochs = 0
        #: Epochs of cooldown still to run.
        self.cooldown_counter = 0

    def get_config(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "factor": self.factor,
            "patience": self.patience,
            "min_delta": self.min_delta,
            "cooldown": self.cooldown,
            "min_lr": self.min_lr,
        }

    def lr_at(self, epoch: int) -> float:
        raise ConfigError(
            "ReduceLROnPlateau has no learning rate known in advance: it depends on the "
            "metric values passed to step()"
        )

    def is_improvement(self, value: float) -> bool:
        """Whether ``value`` beats the best so far by more than ``min_delta``."""
        if math.isnan(value):
            return False
        if self.mode == "min":
            best = math.inf if self.best is None else self.best
            return value < best - self.min_delta
        best = -math.inf if self.best is None else self.best
        return value > best + self.min_delta

    def step(self, metric: Any) -> None:  # type: ignore[override]
        """End an epoch whose monitored value was ``metric`` (a number or 1-element tensor)."""
        value = _as_number(metric)
        self.epoch += 1
        if self.is_improvement(value):
            self.best = value
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            self._reduce()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0

    def _reduce(self) -> None:
        old = float(self.optimizer.lr)
        new = max(old * self.factor, self.min_lr)
        if old - new > _SMALLEST_CHANGE:
            self.optimizer.lr = new

    # -- saving and restoring ----------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        state = super().state_dict()
        state.update(self._extra_state())
        return state

    def _extra_state(self) -> dict[str, Any]:
        return {
            "best": self.best,
            "num_bad_epochs": self.num_bad_epochs,
            "cooldown_counter": self.cooldown_counter,
        }

    def _checked_extra_state(self, state: Mapping[str, Any]) -> dict[str, Any]:
        best = state["best"]
        if best is not None:
            if not isinstance(best, Real) or isinstance(best, bool):
                raise ConfigError(f"ReduceLROnPlateau state: best must be a number, got {best!r}")
            best = float(best)
        return {
            "best": best,
            "num_bad_epochs": check.non_negative_int("num_bad_epochs", state["num_bad_epochs"]),
            "cooldown_counter": check.non_negative_int(
                "cooldown_counter", state["cooldown_counter"]
            ),
        }


def _as_number(metric: Any) -> float:
    """``metric`` as a float: a number, or a one-element Tensor or array."""
    # Tensors, arrays and NumPy scalars all give their single value through item().
    if hasattr(metric, "item"):
        metric = metric.item()
    if not isinstance(metric, Real) or isinstance(metric, bool):
        raise ConfigError(
            f"ReduceLROnPlateau.step needs the monitored metric as a number, got {metric!r}"
        )
    return float(metric)
