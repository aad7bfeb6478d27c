"""Callbacks that change the learning rate: per-epoch schedules and reduce-on-plateau.

Example:
    >>> halve = LearningRateScheduler(lambda epoch, lr: lr * 0.5)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from glassnet.errors import ConfigError
from glassnet.train.callbacks.base import Callback
from glassnet.train.callbacks.monitor import Monitor


def _optimizer_of(model: Any) -> Any:
    config = getattr(model, "training_config", None)
    if config is None:
        raise ConfigError("learning-rate callbacks need a compiled model (model.compile(...))")
    return config.optimizer


class LearningRateScheduler(Callback):
    """Set the learning rate at the start of each epoch.

    Args:
        schedule: either a function ``(epoch, lr) -> new lr`` (Keras style) or a
            schedule name / object from ``glassnet.optim`` (``"cosine"``, ``StepLR``),
            stepped once per epoch.
        **options: the schedule's settings when it is given by name (``t_max=50``).
    """

    def __init__(self, schedule: str | Callable[[int, float], float] | Any, **options: Any) -> None:
        self.schedule = schedule
        self.options = options
        self._stepper: Any = None

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        optimizer = _optimizer_of(self.model)
        if isinstance(self.schedule, str):
            from glassnet.optim import get_schedule

            self._stepper = get_schedule(self.schedule, optimizer, **self.options)
        elif hasattr(self.schedule, "step"):
            self._stepper = self.schedule
        if getattr(self._stepper, "requires_metric", False):
            raise ConfigError(
                f"{type(self._stepper).__name__} steps on a measured value; use the "
                "ReduceLROnPlateau callback (gn.ReduceLROnPlateau(monitor='val_loss')) instead"
            )

    def on_epoch_begin(self, epoch: int) -> None:
        if self._stepper is not None:
            return
        optimizer = _optimizer_of(self.model)
        new_lr = float(self.schedule(epoch, optimizer.lr))
        if not new_lr > 0:
            raise ConfigError(f"the learning-rate schedule returned {new_lr} at epoch {epoch}")
        optimizer.lr = new_lr

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        # logs["lr"] stays the rate this epoch trained with (fit logged it); the
        # schedule's step sets the next epoch's.
        if self._stepper is not None:
            self._stepper.step()

    def state_dict(self) -> tuple[dict[str, Any], dict[str, Any]]:
        if self._stepper is None:
            return {}, {}  # a function of the epoch: nothing to remember
        return {"schedule": self._stepper.state_dict()}, {}

    def load_state_dict(self, values: dict[str, Any], arrays: dict[str, Any]) -> None:
        if self._stepper is not None and "schedule" in values:
            self._stepper.load_state_dict(values["schedule"])


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by ``factor`` when ``monitor`` has not improved for ``patience`` epochs.

    Args:
        monitor: the logged value to watch.
        factor: the multiplier, in (0, 1).
        patience: epochs without improvement before a reduction.
        min_delta: the smallest change that counts as an improvement.
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: the learning rate never goes below this.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
        mode: str = "auto",
    ) -> None:
        if not 0 < factor < 1:
            raise ConfigError(f"ReduceLROnPlateau factor must be between 0 and 1, got {factor}")
        self.monitor = Monitor(monitor, mode, min_delta)
        self.factor, self.patience = factor, patience
        self.cooldown, self.min_lr = cooldown, min_lr
        self.wait = 0
        self.cooldown_left = 0
        self.reductions: list[int] = []

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        optimizer = _optimizer_of(self.model)
        if self.monitor.improved(self.monitor.value(logs)):
            self.wait = 0
        elif self.cooldown_left > 0:
            self.cooldown_left -= 1
        else:
            self.wait += 1
            if self.wait >= self.patience and optimizer.lr > self.min_lr:
                optimizer.lr = max(optimizer.lr * self.factor, self.min_lr)
                self.reductions.append(epoch)
                self.wait = 0
                self.cooldown_left = self.cooldown
        # logs["lr"] stays the rate this epoch trained with; the reduced one is the next's.

    def state_dict(self) -> tuple[dict[str, Any], dict[str, Any]]:
        values = {
            "best": self.monitor.state(),
            "wait": self.wait,
            "cooldown_left": self.cooldown_left,
            "reductions": self.reductions,
        }
        return values, {}

    def load_state_dict(self, values: dict[str, Any], arrays: dict[str, Any]) -> None:
        self.monitor.restore(values["best"])
        self.wait = int(values["wait"])
        self.cooldown_left = int(values["cooldown_left"])
        self.reductions = [int(epoch) for epoch in values["reductions"]]
