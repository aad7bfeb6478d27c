"""Watching one logged quantity (``val_loss``, ``accuracy``) for improvement."""

from __future__ import annotations

import math

from glassnet.errors import ConfigError

_MODES = ("auto", "min", "max")
# Quantities where larger is better when mode="auto"; everything else is minimised.
_GREATER_IS_BETTER = ("acc", "accuracy", "precision", "recall", "f1", "auc", "roc_auc", "r2")


class Monitor:
    """Remembers the best value of ``key`` seen so far and says whether a new one improves it.

    Args:
        key: the log entry to watch (``"val_loss"``).
        mode: ``"min"``, ``"max"`` or ``"auto"`` (max for accuracy-like names, else min).
        min_delta: the smallest change that counts as an improvement.
    """

    def __init__(self, key: str, mode: str = "auto", min_delta: float = 0.0) -> None:
        if mode not in _MODES:
            raise ConfigError(f"mode must be one of {_MODES}, got {mode!r}")
        if min_delta < 0:
            raise ConfigError(f"min_delta must be non-negative, got {min_delta}")
        self.key = key
        if mode == "auto":
            bare = key.removeprefix("val_")
            mode = "max" if bare in _GREATER_IS_BETTER else "min"
        self.mode = mode
        self.min_delta = min_delta
        self.best = math.inf if mode == "min" else -math.inf

    def value(self, logs: dict[str, float]) -> float:
        if self.key not in logs:
            raise ConfigError(
                f"cannot monitor '{self.key}': it is not logged; logged values are "
                f"{sorted(logs)} (val_ entries need validation data)"
            )
        return float(logs[self.key])

    def state(self) -> float | None:
        """The best value so far, JSON-ready (None before any)."""
        return None if math.isinf(self.best) else self.best

    def restore(self, best: float | None) -> None:
        if best is None:
            self.best = math.inf if self.mode == "min" else -math.inf
        else:
            self.best = float(best)

    def improved(self, value: float) -> bool:
        """True (and remembered as best) if ``value`` beats the best by more than min_delta."""
        if self.mode == "min":
            better = value < self.best - self.min_delta
        else:
            better = value > self.best + self.min_delta
        if better:
            self.best = value
        return better
