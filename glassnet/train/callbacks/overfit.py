"""``OverfitMonitor``: notice when the validation loss rises while the training loss falls.

The rule (:func:`overfitting_onset`): the validation loss has stayed above its
minimum by more than ``min_rise`` (relative) for ``patience`` consecutive epochs,
and the training loss is now below its value at that minimum. Overfitting then
started at the epoch after the minimum. Reading the whole history each epoch (not
remembering anything) keeps the callback right after a resumed run.

``fit`` adds one that only records (``history.overfitting``) whenever there is
validation data; ``glassnet train`` adds one that prints; ``action="warn"`` emits
an :class:`OverfittingWarning` through the warnings module.

Example:
    >>> overfitting_onset([1.0, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2], [1.0, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4], patience=3)
    2
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TextIO

import numpy as np

from glassnet.errors import ConfigError
from glassnet.train.callbacks.base import Callback

ACTIONS = ("record", "print", "warn")


class OverfittingWarning(UserWarning):
    """The validation loss rose while the training loss fell."""


@dataclass(frozen=True)
class Overfitting:
    """What was noticed; epochs count from 0 (the message counts from 1)."""

    started: int  # the first epoch after the validation loss's minimum
    best_epoch: int
    best_val_loss: float
    val_loss: float
    train_loss_at_best: float
    train_loss: float
    epochs: int  # epochs seen when noticed

    def message(self) -> str:
        return (
            f"overfitting: the validation loss has risen since epoch {self.started + 1} "
            f"(from its minimum {self.best_val_loss:.4g} at epoch {self.best_epoch + 1} to "
            f"{self.val_loss:.4g} at epoch {self.epochs}) while the training loss fell from "
            f"{self.train_loss_at_best:.4g} to {self.train_loss:.4g}; the weights of epoch "
            f"{self.best_epoch + 1} generalised best (EarlyStopping(restore_best_weights=True), "
            "more dropout or weight decay, or more data would help)"
        )


def overfitting_onset(
    train_loss: Sequence[float],
    val_loss: Sequence[float],
    patience: int = 5,
    min_rise: float = 0.01,
) -> int | None:
    """The epoch (from 0) where overfitting started, or None if the rule does not hold.

    Args:
        train_loss: the training loss of each epoch.
        val_loss: the validation loss of each epoch.
        patience: consecutive epochs the validation loss must stay above its minimum.
        min_rise: how far above, relative to the minimum (0.01: by more than 1 %), so
            that noise around a plateau is not called overfitting.

    Returns:
        The first epoch after the validation minimum, or None.
    """
    train = np.asarray(train_loss, dtype=float)
    val = np.asarray(val_loss, dtype=float)
    if len(train) != len(val):
        raise ConfigError(
            f"need one training loss per validation loss, got {len(train)} and {len(val)}"
        )
    if len(val) <= patience or not np.isfinite(val).all():
        return None
    best = int(np.argmin(val))
    # The last epoch still within min_rise of the minimum: a return to near the best
    # validation loss restarts the count.
    near = np.flatnonzero(val <= val[best] + min_rise * abs(val[best]))
    last_near = int(near[-1])
    if len(val) - 1 - last_near < patience:
        return None
    if not train[-1] < train[best]:
        return None  # both rising: divergence or a too-high learning rate, not overfitting
    return best + 1


class OverfitMonitor(Callback):
    """Notice overfitting during training (see :func:`overfitting_onset`).

    Args:
        patience: consecutive epochs above the validation minimum before it counts.
        min_rise: relative margin above the minimum.
        action: ``"record"`` (only ``history.overfitting`` and ``self.found``),
            ``"print"`` (also a line on ``stream``), ``"warn"`` (also an
            :class:`OverfittingWarning`). Each reports once per run.
        stream: where ``"print"`` writes (default: standard error).
    """

    def __init__(
        self,
        patience: int = 5,
        min_rise: float = 0.01,
        action: str = "record",
        stream: TextIO | None = None,
    ) -> None:
        if action not in ACTIONS:
            raise ConfigError(f"action must be one of {ACTIONS}, got {action!r}")
        if not isinstance(patience, int) or patience < 1:
            raise ConfigError(f"patience must be a positive integer, got {patience!r}")
        self.patience, self.min_rise, self.action = patience, min_rise, action
        self.stream = stream
        self.found: Overfitting | None = None

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        self.found = None
        history = getattr(self.model, "history", None)
        if history is not None:
            # Always present after fit with validation data: None, or what was found.
            history.overfitting = None

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        history = getattr(self.model, "history", None)
        if self.found is not None or history is None or "val_loss" not in history:
            return
        train, val = history["loss"], history["val_loss"]
        started = overfitting_onset(train, val, self.patience, self.min_rise)
        if started is None:
            return
        best = started - 1
        self.found = Overfitting(
            started, best, val[best], val[-1], train[best], train[-1], len(val)
        )
        history.overfitting = self.found
        if self.action == "print":
            print(f"warning: {self.found.message()}", file=self.stream or sys.stderr)
        elif self.action == "warn":
            warnings.warn(self.found.message(), OverfittingWarning, stacklevel=2)
