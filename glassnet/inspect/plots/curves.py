"""Training curves: training vs validation loss and metrics, with overfitting marked.

Overfitting starts right after the epoch of the lowest validation loss when, from
then on, the validation loss rises while the training loss keeps falling: the network
goes on learning its training samples by heart and gets worse on unseen samples.

Example:
    >>> from glassnet.inspect.plots import overfitting_epoch
    >>> train = [1.0, 0.6, 0.4, 0.3, 0.25, 0.2, 0.15, 0.1]
    >>> overfitting_epoch({"loss": train, "val_loss": [1.1, 0.7, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1]})
    4
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from glassnet.errors import ConfigError, DataError
from glassnet.inspect.plots._figure import finish, new_figure
from glassnet.train.callbacks.overfit import overfitting_onset

TRAIN_COLOR = "#2166ac"
VALIDATION_COLOR = "#e08214"
MARK_COLOR = "#b2182b"


def history_values(history: Any) -> dict[str, list[float]]:
    """``{"loss": [...], "val_loss": [...], ...}`` from a History, its dict, or a mapping."""
    logs = getattr(history, "history", history)
    if isinstance(logs, Mapping) and "history" in logs and isinstance(logs["history"], Mapping):
        logs = logs["history"]  # History.to_dict()
    if not isinstance(logs, Mapping) or not logs:
        raise DataError(
            "a training history is a gn.History, or a mapping of names to per-epoch values, "
            f"got {type(history).__name__}"
        )
    return {str(k): [float(v) for v in values] for k, values in logs.items()}


def overfitting_epoch(history: Any, *, tolerance: float = 0.01, patience: int = 5) -> int | None:
    """The epoch (counted from 1) where overfitting starts, or None if the curves show none.

    The rule is the one ``fit`` and ``glassnet train`` use to warn about overfitting
    (:func:`glassnet.train.callbacks.overfit.overfitting_onset`), so the picture marks
    the epoch the warning names: the first epoch after the lowest validation loss,
    provided the validation loss then stayed more than ``tolerance`` (relative) above
    that minimum for the last ``patience`` epochs, and the training loss ended below its
    value at the minimum (both rising is divergence, not overfitting).

    Args:
        history: a History, ``History.to_dict()``, or a mapping with ``loss`` and
            ``val_loss`` lists (a history without ``val_loss`` gives None).
        tolerance: how far (relative) above its minimum the validation loss must stay.
        patience: for how many epochs at the end.
    """
    logs = history_values(history)
    train, validation = logs.get("loss"), logs.get("val_loss")
    if not train or not validation:
        return None
    # A validation series logged from a later epoch lines up with the end of training.
    offset = len(train) - len(validation)
    if offset < 0:
        return None
    started = overfitting_onset(train[offset:], validation, patience=patience, min_rise=tolerance)
    return None if started is None else started + offset + 1


def _metric_names(logs: Mapping[str, list[float]]) -> list[str]:
    """The metrics logged for training (``accuracy``, not ``val_accuracy`` or ``lr``)."""
    return [k for k in logs if k not in ("loss", "lr", "epoch") and not k.startswith("val_")]


def plot_history(
    history: Any,
    *,
    metrics: Sequence[str] | None = None,
    path: str | Path | None = None,
) -> Figure:
    """Training vs validation loss (and each metric), one panel each, overfitting marked.

    Args:
        history: what ``model.fit`` returned (a History), or a mapping of name → values
            per epoch (e.g. read from history.csv).
        metrics: which metrics to draw besides the loss (default: all that were logged).
        path: save the picture there too (.png or .svg).

    Returns:
        The Figure: the loss panel first. When overfitting is detected, each panel has a
        vertical line at that epoch, labelled "overfitting starts".
    """
    logs = history_values(history)
    if "loss" not in logs:
        raise DataError(f"the history has no 'loss'; it logged {sorted(logs)}")
    names = ["loss", *(_metric_names(logs) if metrics is None else metrics)]
    missing = [name for name in names if name not in logs]
    if missing:
        raise ConfigError(f"plot_history: {missing} not in the history; it logged {sorted(logs)}")
    onset = overfitting_epoch(logs)
    columns = min(2, len(names))
    rows = math.ceil(len(names) / columns)
    figure = new_figure(5.0 * columns, 3.4 * rows)
    grid = figure.subplots(rows, columns, squeeze=False)
    for axes in grid.flat[len(names) :]:
        axes.remove()
    epochs = len(logs["loss"])
    for axes, name in zip(grid.flat, names, strict=False):
        values = logs[name]
        axes.plot(
            range(epochs - len(values) + 1, epochs + 1),
            values,
            color=TRAIN_COLOR,
            label=f"training {name}",
        )
        validation = logs.get(f"val_{name}")
        if validation:
            start = epochs - len(validation) + 1
            axes.plot(
                range(start, epochs + 1),
                validation,
                color=VALIDATION_COLOR,
                label=f"validation {name}",
            )
        if onset is not None:
            axes.axvline(
                onset,
                color=MARK_COLOR,
                linestyle="--",
                linewidth=1.2,
                label=f"overfitting starts (epoch {onset})",
            )
        axes.set_xlabel("epoch")
        axes.set_ylabel(name)
        axes.grid(alpha=0.3)
        axes.legend(fontsize=8, loc="upper right")
    return finish(figure, path)
