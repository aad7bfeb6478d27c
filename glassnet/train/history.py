"""``History``: what happened while a model trained, epoch by epoch.

In the articles' terms an *iteration* is one batch (one forward and one backward
pass) and an *epoch* is one pass over all training samples; the history counts both.

Example:
    >>> h = History()
    >>> h.record_epoch({"loss": 0.5, "val_loss": 0.6}, iterations=10)
    >>> h.history["loss"], h.epochs, h.iterations
    ([0.5], 1, 10)
"""

from __future__ import annotations

from typing import Any


class History:
    """Per-epoch logs (``history["loss"]``, ``history["val_accuracy"]``) and counters."""

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}
        self.epochs = 0
        self.iterations = 0
        self.stopped_early_at: int | None = None
        self._last_keys: set[str] = set()

    def record_epoch(self, logs: dict[str, float], iterations: int) -> None:
        for key, value in logs.items():
            self.history.setdefault(key, []).append(float(value))
        self._last_keys = set(logs)
        self.epochs += 1
        self.iterations += iterations

    def update_last_epoch(self, logs: dict[str, float]) -> None:
        """Set the latest epoch's values from ``logs``, which callbacks may have added to."""
        for key, value in logs.items():
            values = self.history.setdefault(key, [])
            if key in self._last_keys:
                values[-1] = float(value)
            else:
                values.append(float(value))
                self._last_keys.add(key)

    def __getitem__(self, key: str) -> list[float]:
        return self.history[key]

    def __contains__(self, key: str) -> bool:
        return key in self.history

    def to_dict(self) -> dict[str, Any]:
        return {
            "history": self.history,
            "epochs": self.epochs,
            "iterations": self.iterations,
            "stopped_early_at": self.stopped_early_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> History:
        history = cls()
        history.history = {k: [float(v) for v in values] for k, values in data["history"].items()}
        history.epochs = int(data["epochs"])
        history.iterations = int(data["iterations"])
        history.stopped_early_at = data.get("stopped_early_at")
        return history

    def __repr__(self) -> str:
        keys = ", ".join(self.history)
        return f"History(epochs={self.epochs}, iterations={self.iterations}, keys=[{keys}])"
