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

from glassnet.errors import DataError

# Counts above this are no real training run (and lose precision as JSON numbers).
MAX_COUNT = 2**53


def _shown(value: Any) -> str:
    return f"{value!r:.60}"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _count(data: dict, key: str) -> int:
    """``data[key]``: a whole number from 0 to MAX_COUNT (not 1e400, not 2.5, not true)."""
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_COUNT:
        raise DataError(
            f"history.{key} must be a whole number from 0 to {MAX_COUNT}, got {_shown(value)}"
        )
    return value


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
    def from_dict(cls, data: Any) -> History:
        """The history :meth:`to_dict` described, every entry checked (it comes from a file).

        Raises:
            DataError: naming the entry: not a JSON object, unknown entries, counts that
                are not whole numbers from 0 to 2**53, a log that is not a list of
                numbers, holds more values than there are epochs or none at all, or a
                ``stopped_early_at`` outside 1..epochs.
        """
        if not isinstance(data, dict):
            raise DataError(f"the history must be a JSON object, got {_shown(data)}")
        unknown = sorted(set(data) - {"history", "epochs", "iterations", "stopped_early_at"})
        if unknown:
            raise DataError(f"the history has unknown entries {unknown}")
        history = cls()
        history.epochs = _count(data, "epochs")
        history.iterations = _count(data, "iterations")
        logs = data.get("history")
        if not isinstance(logs, dict):
            raise DataError(f"history.history must be a JSON object of lists, got {_shown(logs)}")
        for key, values in logs.items():
            if not isinstance(values, list) or not all(_is_number(v) for v in values):
                raise DataError(f"history.history[{key!r}] must be a list of numbers")
            if not 1 <= len(values) <= max(history.epochs, 1) or not history.epochs:
                raise DataError(
                    f"history.history[{key!r}] holds {len(values)} values for "
                    f"{history.epochs} epochs; a log holds one value per epoch it was recorded in"
                )
            history.history[key] = [float(v) for v in values]
        stopped = data.get("stopped_early_at")
        if stopped is not None and (
            not isinstance(stopped, int)
            or isinstance(stopped, bool)
            or not 1 <= stopped <= history.epochs
        ):
            raise DataError(
                f"history.stopped_early_at must be null or an epoch from 1 to {history.epochs}, "
                f"got {_shown(stopped)}"
            )
        history.stopped_early_at = stopped
        return history

    def __repr__(self) -> str:
        keys = ", ".join(self.history)
        return f"History(epochs={self.epochs}, iterations={self.iterations}, keys=[{keys}])"
