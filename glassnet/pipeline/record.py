"""The split record of a trained pipeline: which rows of which data it trained and tested on.

The data is named by its content fingerprint (see :mod:`glassnet.pipeline.fingerprint`),
the parts by row numbers of that data (0-based): ``train`` (the rows the weights
were fitted on), ``validation`` (watched for early stopping and overfitting, never
fitted on), ``calibration`` (kept for conformal intervals, never fitted on) and
``test`` (held out, never seen). ``train_hashes`` lets a command recognise training
rows inside another file.

Example:
    >>> import numpy as np
    >>> record = SplitRecord("sha256:ab", "cars.csv", 5, {"train": np.array([0, 1, 2]),
    ...     "validation": np.array([3]), "calibration": np.array([], int), "test": np.array([4])})
    >>> record.describe_test()
    "the 1 test row of 'cars.csv' held out at training"
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet.errors import DataError

PARTS = ("train", "validation", "calibration", "test")
TENSOR_PREFIX = "pipeline/"


@dataclass
class SplitRecord:
    """Which rows of the data with ``fingerprint`` went into each part."""

    fingerprint: str
    file: str  # the data's name when it was trained on (for messages only)
    rows: int
    parts: dict[str, np.ndarray]
    train_hashes: np.ndarray | None = None
    calibration_scores: np.ndarray | None = field(default=None, repr=False)

    def count(self, part: str) -> int:
        return len(self.parts.get(part, ()))

    def describe_test(self) -> str:
        n = self.count("test")
        return f"the {n} test row{'s' if n != 1 else ''} of '{self.file}' held out at training"

    def trained_on(self, fingerprint: str) -> bool:
        """Whether data with ``fingerprint`` is the data this pipeline was trained on."""
        return bool(fingerprint) and fingerprint == self.fingerprint

    def overlap(self, hashes: np.ndarray) -> int:
        """How many of these row hashes are hashes of training rows."""
        if self.train_hashes is None or not len(hashes):
            return 0
        return int(np.isin(hashes, self.train_hashes).sum())

    def split_column(self) -> np.ndarray:
        """For each row of the training data, the name of its part."""
        labels = np.full(self.rows, "unused", dtype=object)
        for part in PARTS:
            labels[self.parts.get(part, np.array([], int))] = part
        return labels

    # -- saving -------------------------------------------------------------------------

    def to_document(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "file": self.file,
            "rows": self.rows,
            "counts": {part: self.count(part) for part in PARTS},
        }

    def tensors(self) -> dict[str, np.ndarray]:
        arrays = {
            f"{TENSOR_PREFIX}split/{part}": np.ascontiguousarray(self.parts[part], dtype=np.int64)
            for part in PARTS
            if part in self.parts
        }
        if self.train_hashes is not None:
            arrays[f"{TENSOR_PREFIX}train_hashes"] = np.ascontiguousarray(
                self.train_hashes, dtype=np.uint64
            )
        if self.calibration_scores is not None:
            arrays[f"{TENSOR_PREFIX}calibration_scores"] = np.ascontiguousarray(
                self.calibration_scores, dtype=np.float64
            )
        return arrays

    @classmethod
    def from_file(cls, document: Any, arrays: dict[str, np.ndarray], where: str) -> SplitRecord:
        """The record saved by :meth:`to_document` and :meth:`tensors`, checked."""

        def bad(what: str) -> DataError:
            return DataError(f"'{where}': the saved split record {what}; was the file edited?")

        if not isinstance(document, dict):
            raise bad("is not a JSON object")
        fingerprint, file, rows = (document.get(k) for k in ("fingerprint", "file", "rows"))
        if not isinstance(fingerprint, str) or not isinstance(file, str):
            raise bad("has no fingerprint or file name")
        if isinstance(rows, bool) or not isinstance(rows, int) or not 0 < rows < 2**40:
            raise bad(f"has an impossible number of rows ({rows!r:.40})")
        parts = {}
        for part in PARTS:
            array = arrays.get(f"{TENSOR_PREFIX}split/{part}")
            if array is None:
                continue
            if array.ndim != 1 or array.dtype != np.int64:
                raise bad(f"stores its {part} rows as {array.dtype} of shape {array.shape}")
            if len(array) and (array.min() < 0 or array.max() >= rows):
                raise bad(f"names {part} rows outside the {rows} rows of '{file}'")
            parts[part] = array
        everything = np.concatenate(list(parts.values())) if parts else np.array([], int)
        if len(np.unique(everything)) != len(everything):
            raise bad("puts a row in two parts (or twice in one)")
        hashes = arrays.get(f"{TENSOR_PREFIX}train_hashes")
        if hashes is not None and (hashes.ndim != 1 or hashes.dtype != np.uint64):
            raise bad("stores its row hashes in the wrong shape or type")
        scores = arrays.get(f"{TENSOR_PREFIX}calibration_scores")
        if scores is not None and (
            scores.ndim not in (1, 2) or not len(scores) or not np.isfinite(scores).all()
        ):
            raise bad("stores calibration scores that are empty or not finite")
        return cls(fingerprint, file, rows, parts, hashes, scores)
