"""``ProgressBar``: a live bar with the epoch, loss, metrics and time left (tqdm).

The bar is drawn only on a terminal; when output goes to a file or a pipe, or with
``verbose=0`` / ``--quiet``, nothing is drawn.
"""

from __future__ import annotations

import os
import sys
from typing import Any, TextIO

from tqdm.auto import tqdm

from glassnet.train.callbacks.base import Callback


def _terminal_columns(stream: TextIO) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return 0


def is_terminal(stream: TextIO) -> bool:
    return hasattr(stream, "isatty") and stream.isatty()


class ProgressBar(Callback):
    """One bar for the whole run: iterations done, time left, the epoch and its logs.

    One bar rather than one per epoch, so that a thousand short epochs do not fill
    the screen; its text shows the current epoch, the running batch loss, and after
    each epoch that epoch's loss, metrics and validation values.
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self._bar: Any = None
        self.epochs = 0
        self.last_logs = ""

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        self.epochs = logs["epochs"]
        first = logs.get("initial_epoch", 0)
        sized = _terminal_columns(self.stream) > 0
        self._bar = tqdm(
            total=(self.epochs - first) * logs["steps_per_epoch"],
            unit="it",
            file=self.stream,
            leave=True,
            # A terminal that reports no size (some pseudo-terminals) gets 80 × 24;
            # tqdm would otherwise draw nothing at all.
            dynamic_ncols=sized,
            ncols=None if sized else 80,
            nrows=None if sized else 24,
        )

    def on_epoch_begin(self, epoch: int) -> None:
        if self._bar is not None:
            self._bar.set_description(f"epoch {epoch + 1}/{self.epochs}", refresh=False)

    def on_batch_end(self, iteration: int, logs: dict[str, float]) -> None:
        if self._bar is not None:
            self._bar.update(1)
            self._bar.set_postfix_str(f"batch loss {logs['loss']:.4f}", refresh=False)

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        self.last_logs = format_logs(logs)
        if self._bar is not None:
            self._bar.set_postfix_str(self.last_logs, refresh=True)

    def on_train_end(self, logs: dict[str, float]) -> None:
        if self._bar is not None:
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
