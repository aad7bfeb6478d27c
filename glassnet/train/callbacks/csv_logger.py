"""``CSVLogger``: one row per epoch of every logged value, for spreadsheets and plots.

Example:
    >>> logger = CSVLogger("runs/training.csv")
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from glassnet.train.callbacks.base import Callback


class CSVLogger(Callback):
    """Write ``epoch`` and each logged value as a CSV row at the end of every epoch.

    Args:
        path: the CSV file (its folder is created if needed).
        append: add to an existing file instead of starting a new one.
    """

    def __init__(self, path: str | Path, append: bool = False) -> None:
        self.path = Path(path)
        self.append = append
        self._columns: list[str] | None = None

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.append:
            self.path.write_text("")
        self._columns = None

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        row = {"epoch": epoch + 1, **logs}
        write_header = self._columns is None and (
            not self.path.exists() or self.path.stat().st_size == 0
        )
        if self._columns is None:
            self._columns = list(row)
        with self.path.open("a", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=self._columns, extrasaction="ignore")
            if write_header:
                writer.writeheader()
            writer.writerow(row)
