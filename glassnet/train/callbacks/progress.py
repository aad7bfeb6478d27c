"""``ProgressBar``: a live bar per epoch with loss, metrics and time left (tqdm).

The bar is drawn only on a terminal; when output goes to a file or a pipe, or with
``verbose=0`` / ``--quiet``, nothing is drawn.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from tqdm.auto import tqdm

from glassnet.train.callbacks.base import Callback


def is_terminal(stream: TextIO) -> bool:
    return hasattr(stream, "isatty") and stream.isatty()


class ProgressBar(Callback):
    """Show one bar per epoch: iterations done, batch loss, ETA, then the epoch's logs."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self._bar: Any = None
        self.epochs = 0
        self.steps = 0

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        self.epochs = logs["epochs"]
        self.steps = logs["steps_per_epoch"]

    def on_epoch_begin(self, epoch: int) -> None:
        self._bar = tqdm(
            total=self.steps,
            desc=f"epoch {epoch + 1}/{self.epochs}",
            unit="it",
            file=self.stream,
            leave=True,
            dynamic_ncols=True,
        )

    def on_batch_end(self, iteration: int, logs: dict[str, float]) -> None:
        if self._bar is not None:
            self._bar.update(1)
            self._bar.set_postfix(loss=f"{logs['loss']:.4f}", refresh=False)

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        if self._bar is not None:
            self._bar.set_postfix_str(format_logs(logs), refresh=True)
            self._bar.close()
            self._bar = None


def format_logs(logs: dict[str, float]) -> str:
    """``loss 0.1234 · accuracy 0.9700`` from a dict of logged values."""
    return " · ".join(f"{key} {value:.4g}" for key, value in logs.items())


class EpochPrinter(Callback):
    """One plain line per epoch (``verbose=2``), for logs that are not terminals."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stdout
        self.epochs = 0

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        self.epochs = logs["epochs"]

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        print(f"epoch {epoch + 1}/{self.epochs}: {format_logs(logs)}", file=self.stream)
