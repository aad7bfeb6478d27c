"""``ModelCheckpoint``: save the model during training, atomically, so a crash loses nothing.

Example:
    >>> checkpoint = ModelCheckpoint("runs/best.safetensors", monitor="val_loss", save_best_only=True)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from glassnet.train.callbacks.base import Callback
from glassnet.train.callbacks.monitor import Monitor


class ModelCheckpoint(Callback):
    """Write the model to ``path`` at the end of epochs.

    The file is written to a temporary name, flushed to disk and renamed over the
    old one, so at every moment ``path`` holds either the previous or the new
    complete checkpoint, never a half-written one.

    Args:
        path: the file to write; ``{epoch}`` in the name is replaced by the epoch number
            (1, 2, …, counted over the model's whole history, so a resumed run goes on).
        monitor: with ``save_best_only``, the value that decides "best".
        save_best_only: write only when ``monitor`` improved.
        mode: ``"min"``, ``"max"`` or ``"auto"`` for ``monitor``.
    """

    def __init__(
        self,
        path: str | Path,
        monitor: str = "val_loss",
        save_best_only: bool = False,
        mode: str = "auto",
    ) -> None:
        self.path = str(path)
        self.monitor = Monitor(monitor, mode)
        self.save_best_only = save_best_only
        self.saved: list[str] = []

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        if self.save_best_only and not self.monitor.improved(self.monitor.value(logs)):
            return
        from glassnet.io.save import save_model

        target = self.path.replace("{epoch}", str(epoch + 1))
        save_model(self.model, target)
        self.saved.append(target)

    def state_dict(self) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"best": self.monitor.state()}, {}

    def load_state_dict(self, values: dict[str, Any], arrays: dict[str, Any]) -> None:
        self.monitor.restore(values["best"])
