"""``EarlyStopping``: stop when the monitored value stops improving (against overfitting).

Example:
    >>> stop = EarlyStopping(monitor="val_loss", patience=5, restore_best_weights=True)
"""

from __future__ import annotations

from typing import Any

from glassnet.train.callbacks.base import Callback
from glassnet.train.callbacks.monitor import Monitor


class EarlyStopping(Callback):
    """Stop training after ``patience`` epochs without improvement of ``monitor``.

    Args:
        monitor: the logged value to watch.
        patience: epochs without improvement to tolerate.
        min_delta: the smallest change that counts as an improvement.
        mode: ``"min"``, ``"max"`` or ``"auto"``.
        restore_best_weights: at the end, put back the weights of the best epoch.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        patience: int = 5,
        min_delta: float = 0.0,
        mode: str = "auto",
        restore_best_weights: bool = False,
    ) -> None:
        self.monitor = Monitor(monitor, mode, min_delta)
        self.patience = patience
        self.restore_best_weights = restore_best_weights
        self.wait = 0
        self.best_epoch: int | None = None
        self.best_weights: dict[str, Any] | None = None
        self.stopped_epoch: int | None = None

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        if self.monitor.improved(self.monitor.value(logs)):
            self.wait = 0
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.state_dict()
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: dict[str, float]) -> None:
        if self.restore_best_weights and self.best_weights is not None:
            self.model.load_state_dict(self.best_weights)

    def state_dict(self) -> tuple[dict[str, Any], dict[str, Any]]:
        values = {"best": self.monitor.state(), "wait": self.wait, "best_epoch": self.best_epoch}
        return values, dict(self.best_weights or {})

    def load_state_dict(self, values: dict[str, Any], arrays: dict[str, Any]) -> None:
        self.monitor.restore(values["best"])
        self.wait = int(values["wait"])
        self.best_epoch = values["best_epoch"]
        self.best_weights = dict(arrays) if arrays else None
