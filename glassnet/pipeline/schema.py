"""The input schema of a trained pipeline, and the rules new data is checked by.

The schema records what the training rows looked like: the file's columns in
order, each feature column's kind, the categories seen and the numeric range seen
(for images the class names and size, for a series the window and column order).
New data is checked against it before it is encoded, by these rules:

* a **missing** feature column is an error (the network cannot do without it);
* an **extra** column (neither a feature, nor the target, nor a dropped column) is
  ignored, with a warning naming it;
* columns in **another order** are matched by name, with a warning;
* a **category never seen** in training is encoded as none of the known categories
  (an all-zero one-hot row), with a warning giving the column, the values and the
  number of rows;
* a number **outside the training range** by more than a tenth of that range on
  either side (``[low − 0.1·(high − low), high + 0.1·(high − low)]``) is used as it
  is, with a warning giving the column, the number of rows and the range;
* with ``strict``, every warning is an error instead.

Example:
    >>> import pandas as pd
    >>> train = pd.DataFrame({"x": [0.0, 10.0], "c": ["a", "b"], "y": [0, 1]})
    >>> schema = TableSchema.from_training(train, target="y", columns=[
    ...     {"name": "x", "kind": "numeric"}, {"name": "c", "kind": "categorical",
    ...     "categories": ["a", "b"]}])
    >>> for line in schema.check(pd.DataFrame({"x": [50.0], "c": ["z"]}), "new.csv"):
    ...     print(line)
    'new.csv': column 'x' has 1 row outside the training range [0, 10] by more than 10% of it (values 50 to 50); the network has never seen such values
    'new.csv': column 'c' has 1 row with a category never seen in training ('z'); those rows are encoded as none of the known categories
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from glassnet.errors import DataError

#: How far beyond the training range, as a fraction of it, a value passes unremarked.
RANGE_MARGIN = 0.1


def _rows(count: int) -> str:
    return f"{count} row{'s' if count != 1 else ''}"


def _listed(values: list[Any], limit: int = 5) -> str:
    shown = ", ".join(repr(v) for v in values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


@dataclass
class TableSchema:
    """The columns of the training file and what the training rows held in each."""

    file_columns: list[str]
    target: str | None
    features: list[dict[str, Any]]  # {"name", "kind", "categories"?, "low"?, "high"?}
    dropped: list[str] = field(default_factory=list)

    @classmethod
    def from_training(
        cls,
        frame: pd.DataFrame,
        target: str | None,
        columns: list[dict[str, Any]],
        dropped: list[str] = (),
    ) -> TableSchema:
        """The schema of the training rows ``frame``; ``columns`` is the encoder's column state."""
        features = []
        for column in columns:
            entry: dict[str, Any] = {"name": column["name"], "kind": column["kind"]}
            if column["kind"] == "categorical":
                entry["categories"] = [str(c) for c in column["categories"]]
            else:
                values = pd.to_numeric(frame[column["name"]], errors="coerce").to_numpy(float)
                values = values[np.isfinite(values)]
                if len(values):
                    entry["low"], entry["high"] = float(values.min()), float(values.max())
            features.append(entry)
        return cls([str(c) for c in frame.columns], target, features, list(dropped))

    @property
    def feature_names(self) -> list[str]:
        """The feature columns, in the training file's order."""
        return [column["name"] for column in self.features]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "table",
            "file_columns": self.file_columns,
            "target": self.target,
            "features": self.features,
            "dropped": self.dropped,
        }

    @classmethod
    def from_dict(cls, state: Any, where: str) -> TableSchema:
        """The schema saved by :meth:`to_dict`; a DataError naming ``where`` if malformed."""
        try:
            features = state["features"]
            ok = (
                isinstance(state["file_columns"], list)
                and all(isinstance(c, str) for c in state["file_columns"])
                and (state["target"] is None or isinstance(state["target"], str))
                and isinstance(features, list)
                and all(_feature_ok(f) for f in features)
                and isinstance(state.get("dropped", []), list)
            )
        except (KeyError, TypeError):
            ok = False
        if not ok:
            raise DataError(f"{where}: the saved input schema is malformed; was the file edited?")
        return cls(state["file_columns"], state["target"], features, list(state.get("dropped", [])))

    def check(self, frame: pd.DataFrame, where: str) -> list[str]:
        """The warnings for new rows ``frame`` (see the module's rules); missing columns raise."""
        given = [str(c) for c in frame.columns]
        missing = [name for name in self.feature_names if name not in given]
        if missing:
            raise DataError(
                f"'{where}' has no column(s) {_listed(missing)}, which the model was trained on "
                f"(its columns: {_listed(given, 12)}); every feature column is needed"
            )
        findings = []
        known = {*self.feature_names, *self.dropped, *([self.target] if self.target else [])}
        extra = [name for name in given if name not in known]
        if extra:
            findings.append(
                f"'{where}': column(s) {_listed(extra)} were not in the training data; ignored"
            )
        order = [name for name in given if name in self.feature_names]
        if order != self.feature_names:
            findings.append(
                f"'{where}': the columns are in another order than in training; matched by name"
            )
        for column in self.features:
            series = frame[column["name"]]
            if column["kind"] == "categorical":
                findings.extend(_unseen(series, column, where))
            elif "low" in column:
                findings.extend(_out_of_range(series, column, where))
        return findings


def _feature_ok(feature: Any) -> bool:
    if not isinstance(feature, dict) or not isinstance(feature.get("name"), str):
        return False
    if feature.get("kind") == "categorical":
        return isinstance(feature.get("categories"), list)
    numbers = [feature.get(key) for key in ("low", "high") if key in feature]
    return feature.get("kind") == "numeric" and all(
        isinstance(n, (int, float)) and np.isfinite(n) for n in numbers
    )


def _unseen(series: pd.Series, column: dict[str, Any], where: str) -> list[str]:
    text = series.dropna().astype(str)
    new = text[~text.isin(column["categories"])]
    if new.empty:
        return []
    values = sorted(new.unique().tolist())
    return [
        f"'{where}': column '{column['name']}' has {_rows(len(new))} with a categor"
        f"{'y' if len(values) == 1 else 'ies'} never seen in training ({_listed(values)}); "
        "those rows are encoded as none of the known categories"
    ]


def _out_of_range(series: pd.Series, column: dict[str, Any], where: str) -> list[str]:
    low, high = column["low"], column["high"]
    margin = RANGE_MARGIN * (high - low)
    values = pd.to_numeric(series, errors="coerce").to_numpy(float)
    outside = values[(values < low - margin) | (values > high + margin)]
    if not len(outside):
        return []
    return [
        f"'{where}': column '{column['name']}' has {_rows(len(outside))} outside the training "
        f"range [{low:g}, {high:g}] by more than {RANGE_MARGIN:.0%} of it (values "
        f"{outside.min():g} to {outside.max():g}); the network has never seen such values"
    ]


def raise_if_strict(findings: list[str], strict: bool) -> None:
    """With ``strict``, the findings are one DataError; otherwise nothing happens."""
    if strict and findings:
        raise DataError("--strict: " + "; ".join(findings))
