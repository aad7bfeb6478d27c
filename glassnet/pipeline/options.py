"""The data options every command that reads a table shares, and the training settings.

``DataOptions`` says how to read a user's file (which column is the target, what
to impute, which columns to drop or one-hot encode, what counts as missing);
``TrainSettings`` says how to build and train the network on it. The command line
fills both from one argument group each; Python users build them directly.

Example:
    >>> DataOptions(target="price", drop=("id",)).table_options()["drop"]
    ['id']
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from glassnet.errors import ConfigError


def names(text: str | None) -> list[str]:
    """``"a,b"`` → ``["a", "b"]``; None → ``[]``."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


@dataclass(frozen=True)
class DataOptions:
    """How to read a table (and, where it applies, an image folder).

    Args:
        target: the column to predict; None for features only.
        task: ``"classification"``, ``"regression"`` or None to infer it.
        impute: None (refuse missing values), ``"mean"``, ``"median"`` or ``"most_frequent"``.
        na_values: extra strings that mean "missing" in a CSV (``"?"``).
        drop: columns to ignore (ids, free text).
        categorical: numeric columns to one-hot encode anyway (codes).
        grayscale: read an image folder as one channel.
        strict: turn every schema warning about new data into an error.
    """

    target: str | None = None
    task: str | None = None
    impute: str | None = None
    na_values: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    categorical: tuple[str, ...] = ()
    grayscale: bool = False
    strict: bool = False

    def table_options(self) -> dict[str, Any]:
        """The keyword arguments of :func:`glassnet.data.load_table` besides target and task."""
        return {
            "impute": self.impute,
            "na_values": list(self.na_values),
            "drop": list(self.drop),
            "categorical": list(self.categorical),
        }

    def to_dict(self) -> dict[str, Any]:
        return {key: list(v) if isinstance(v, tuple) else v for key, v in asdict(self).items()}


@dataclass
class TrainSettings:
    """How ``glassnet train`` builds and trains a network (the CLI's defaults).

    ``epochs``, ``patience`` and ``checkpoint_every`` take ``"auto"``, resolved by
    :meth:`length` from the number of training samples.
    """

    model: str = "mlp"
    layers: list[int] = field(default_factory=lambda: [256])
    activation: str = "relu"
    dropout: float = 0.2
    optimizer: str = "adam"
    lr: float = 0.001
    epochs: int | str = "auto"
    batch_size: int = 32
    patience: int | str = 0
    checkpoint_every: int | str = 0
    schedule: str = "cosine"
    scale: str = "standard"
    test_size: float = 0.25
    calibration_split: float = 0.0
    seed: int = 0
    split_seed: int | None = None
    weight_decay: float = 0.0
    precision: str = "float32"
    augment: list[str] = field(default_factory=list)
    validation_split: float = 0.1
    # recurrent models (a time series)
    window: int | None = None
    units: list[int] = field(default_factory=lambda: [32])

    def length(self, samples: int) -> tuple[int, int, int]:
        """(epochs, patience, checkpoint interval) for ``samples`` training samples.

        'auto' counts iterations, not epochs: a fixed number of epochs means very
        different amounts of training for 100 and 100,000 samples; about 4,000
        iterations (50 to 1,000 epochs) and a patience of about 500 iterations (at
        least 10 epochs) suit the bundled data sets and most tables of that size. A
        checkpoint about every 500 iterations keeps the cost of writing it small next
        to the training it protects.
        """
        steps = math.ceil(max(samples, 1) / self.batch_size)
        epochs = count_or_auto("epochs", self.epochs, min(1000, max(50, math.ceil(4000 / steps))))
        patience = count_or_auto("patience", self.patience, max(10, math.ceil(500 / steps)))
        every = count_or_auto("checkpoint-every", self.checkpoint_every, math.ceil(500 / steps))
        if epochs == 0:
            raise ConfigError("--epochs must be at least 1")
        return epochs, patience, every


def count_or_auto(name: str, value: int | str, auto: int) -> int:
    """An option that is a non-negative whole number or 'auto'."""
    if value == "auto":
        return auto
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"--{name} must be a whole number or 'auto', got '{value}'") from None
    if number < 0:
        raise ConfigError(f"--{name} must not be negative, got {number}")
    return number
