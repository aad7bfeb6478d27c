"""``TableEncoder``: turns a pandas DataFrame into the numbers a network reads, repeatably.

``fit`` looks at the *training* frame once and decides everything: which columns
are features, which are numeric and which categorical (with their categories),
what fills a missing value (if ``impute`` was asked for) and how the target is
encoded. ``transform`` then applies exactly those decisions to any later frame
(validation, test, new data), so the columns of ``x`` always mean the same thing.

Rules (written here so the behaviour can be predicted):

* numeric and boolean columns become one float column each (booleans as 0/1);
* any other column is categorical and becomes one 0/1 column per category seen
  in training, named ``"column=category"`` (categories compared as text, sorted);
* a category that was **not seen in training** becomes an all-zero one-hot row by
  default (``on_unseen="zeros"``), i.e. "none of the known categories";
  ``on_unseen="error"`` refuses it instead;
* a text column whose values are mostly numbers is refused as a probable typo
  (name it in ``categorical=`` if it really is categorical);
* missing values are refused unless ``impute`` is ``"mean"``, ``"median"`` or
  ``"most_frequent"``; categorical columns are always filled with their most
  frequent category. The target is never imputed;
* infinities and magnitudes above 1e30 are refused (they overflow float32 maths).

Row numbers in messages count data rows from 1 (row 1 is the first row after the header).

Example:
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"age": [30, 50], "city": ["Oslo", "Rome"], "bought": [0, 1]})
    >>> enc = TableEncoder(target="bought").fit(frame)
    >>> enc.feature_names
    ['age', 'city=Oslo', 'city=Rome']
    >>> x, y = enc.transform(frame)
    >>> x.tolist(), y.tolist()
    ([[30.0, 1.0, 0.0], [50.0, 0.0, 1.0]], [0, 1])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from glassnet.backend import get_default_dtype
from glassnet.data.column_checks import (
    category_labels,
    check_columns,
    is_numeric,
    numeric_fill,
    numeric_values,
    refuse_missing_target,
    refuse_mostly_numeric,
    refuse_non_scalars,
    row_numbers,
)
from glassnet.data.labels import ClassEncoder
from glassnet.data.task import check_task, infer_task
from glassnet.errors import ConfigError, DataError

IMPUTE_CHOICES = ("mean", "median", "most_frequent")


class TableEncoder:
    """Fits on a training DataFrame, then encodes any frame with the same columns identically.

    Args:
        target: the target column's name, or None for features only.
        task: ``"classification"``, ``"regression"`` or None to infer from the target
            (see :func:`~glassnet.data.task.infer_task`).
        impute: None (refuse missing values), ``"mean"``, ``"median"`` or ``"most_frequent"``.
        categorical: columns to one-hot encode even though they hold numbers (codes, zip codes).
        drop: columns to ignore (ids, free text).
        max_categories: a categorical column with more distinct values is refused
            (probably an id or free text that would explode into thousands of columns).
    """

    def __init__(
        self,
        target: str | None = None,
        task: str | None = None,
        impute: str | None = None,
        categorical: Sequence[str] = (),
        drop: Sequence[str] = (),
        max_categories: int = 100,
    ) -> None:
        if impute is not None and impute not in IMPUTE_CHOICES:
            raise ConfigError(f"impute must be None or one of {IMPUTE_CHOICES}, got {impute!r}")
        self.target = target
        self.task = check_task(task)
        self._requested_task = self.task  # a refit infers again when this is None
        self.impute = impute
        self.categorical = [str(c) for c in categorical]
        self.drop = [str(c) for c in drop]
        self.max_categories = int(max_categories)
        # Filled by fit: one dict per feature column: name, kind, categories, fill.
        self.columns: list[dict[str, Any]] | None = None
        self.target_encoder: ClassEncoder | None = None

    # -- fitting ----------------------------------------------------------------------

    def fit(
        self,
        frame: pd.DataFrame,
        source: str = "the data frame",
        target_values: pd.Series | None = None,
    ) -> TableEncoder:
        """Decide the encoding from the training ``frame`` (``source`` names it in errors).

        ``target_values``, when given, decides the task and the classes instead of the
        frame's target column: the training rows decide how features are encoded, while
        the classes are those of the whole file (a rare class may fall in the test rows).
        """
        frame = check_columns(frame, source)
        names = list(frame.columns)
        if self.target is not None and self.target not in names:
            raise DataError(
                f"{source}: target column '{self.target}' not found; available columns: "
                + ", ".join(repr(n) for n in names)
            )
        unknown = [c for c in self.drop + self.categorical if c not in names]
        if unknown:
            raise DataError(f"{source}: column(s) {unknown} named in drop/categorical not found")
        self.task = self._requested_task
        self.target_encoder = None
        features = [n for n in names if n != self.target and n not in self.drop]
        if not features:
            raise DataError(f"{source}: no feature columns left besides the target '{self.target}'")
        self.columns = [self._fit_column(frame[name], name, source) for name in features]
        if self.target is not None:
            self._fit_target(frame[self.target] if target_values is None else target_values, source)
        return self

    def _fit_column(self, series: pd.Series, name: str, source: str) -> dict[str, Any]:
        refuse_non_scalars(series, name, source)
        if pd.api.types.is_datetime64_any_dtype(series) or pd.api.types.is_timedelta64_dtype(
            series
        ):
            raise DataError(
                f"{source}: column '{name}' holds dates/times ({series.dtype}); convert it to "
                "numbers first (e.g. day of year) or pass drop=['" + name + "']"
            )
        if is_numeric(series) and name not in self.categorical:
            values = numeric_values(series, name, source)
            return {
                "name": name,
                "kind": "numeric",
                "fill": numeric_fill(values, self.impute, name, source),
            }
        if name not in self.categorical:
            refuse_mostly_numeric(series, name, source)
        text = category_labels(series).dropna()
        if text.empty:
            raise DataError(f"{source}: column '{name}' has no values at all; drop it")
        categories = sorted(text.unique().tolist())
        if len(categories) > self.max_categories:
            raise DataError(
                f"{source}: categorical column '{name}' has {len(categories)} distinct values "
                f"(more than max_categories={self.max_categories}); it looks like an id or "
                f"free text: pass drop=['{name}'], or raise max_categories"
            )
        fill = text.value_counts().sort_index().idxmax() if self.impute else None
        return {"name": name, "kind": "categorical", "categories": categories, "fill": fill}

    def _fit_target(self, series: pd.Series, source: str) -> None:
        refuse_missing_target(series, self.target, source)
        refuse_non_scalars(series, self.target, source)
        if self.task is None:
            self.task = infer_task(series)
        if self.task == "regression":
            if not is_numeric(series):
                example = series.iloc[0]
                raise DataError(
                    f"{source}: target '{self.target}' holds text (e.g. {example!r}) but "
                    "task='regression' needs numbers; use task='classification' (--task classification) "
                    "or a numeric column"
                )
            numeric_values(series, self.target, source)  # refuses infinite and huge targets
            return
        if is_numeric(series):
            # Numbers as class labels: an infinite or huge one is a damaged value, not a class.
            numeric_values(series, self.target, source)
        try:
            self.target_encoder = ClassEncoder().fit(series.to_numpy())
        except DataError as exc:
            raise DataError(f"{source}: target column '{self.target}': {exc}") from exc

    # -- transforming -----------------------------------------------------------------

    @property
    def feature_names(self) -> list[str]:
        """The names of ``x``'s columns, after one-hot encoding."""
        names: list[str] = []
        for column in self._fitted_columns():
            if column["kind"] == "numeric":
                names.append(column["name"])
            else:
                names.extend(f"{column['name']}={c}" for c in column["categories"])
        return names

    @property
    def class_names(self) -> list[Any] | None:
        """The original target labels of class ids 0..k-1 (classification), else None."""
        encoder = self.target_encoder
        return None if encoder is None or encoder.classes is None else encoder.classes.tolist()

    def _fitted_columns(self) -> list[dict[str, Any]]:
        if self.columns is None:
            raise DataError("TableEncoder used before fit; call fit(training_frame) first")
        return self.columns

    def transform(
        self, frame: pd.DataFrame, source: str = "the data frame", on_unseen: str = "zeros"
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Encode ``frame`` exactly as the training frame was.

        Returns:
            ``(x, y)``: ``x`` float (default dtype) of shape (rows, len(feature_names));
            ``y`` class ids (int64) or float targets, or None when the frame has no
            target column (new data to predict). Extra columns are ignored.
        """
        if on_unseen not in ("zeros", "error"):
            raise ConfigError(f"on_unseen must be 'zeros' or 'error', got {on_unseen!r}")
        columns = self._fitted_columns()
        frame = check_columns(frame, source)
        absent = [c["name"] for c in columns if c["name"] not in frame.columns]
        if absent:
            raise DataError(
                f"{source}: missing column(s) {absent} that the encoder was fitted on; "
                f"the file has: {list(frame.columns)}"
            )
        for column in columns:
            refuse_non_scalars(frame[column["name"]], column["name"], source)
        self._refuse_missing(frame, columns, source)
        parts = [self._encode(frame[c["name"]], c, source, on_unseen) for c in columns]
        x = np.concatenate(parts, axis=1).astype(get_default_dtype())
        y = None
        if self.target is not None and self.target in frame.columns:
            y = self._encode_target(frame[self.target], source)
        return x, y

    def fit_transform(
        self, frame: pd.DataFrame, source: str = "the data frame"
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """``fit(frame)`` then ``transform(frame)``."""
        return self.fit(frame, source).transform(frame, source)

    def _refuse_missing(self, frame: pd.DataFrame, columns: list[dict], source: str) -> None:
        if self.impute is not None:
            return
        holes = [(c["name"], frame[c["name"]].isna()) for c in columns]
        holes = [(name, mask) for name, mask in holes if mask.any()]
        if holes:
            where = "; ".join(f"column '{n}' at row(s) {row_numbers(m)}" for n, m in holes)
            raise DataError(
                f"{source}: missing values in {where} (row 1 = first data row). Fill them in, "
                "drop those rows, or pass impute='mean', 'median' or 'most_frequent' (--impute mean)"
            )

    def _encode(self, series: pd.Series, column: dict, source: str, on_unseen: str) -> np.ndarray:
        name = column["name"]
        if column["kind"] == "numeric":
            values = numeric_values(series, name, source)
            if column["fill"] is not None:
                values = np.where(np.isnan(values), column["fill"], values)
            return values[:, None]
        text = category_labels(series)
        if column["fill"] is not None:
            text = text.fillna(column["fill"])
        # -1 marks a category not seen in training (and a missing value).
        codes = pd.Index(column["categories"]).get_indexer(text)
        unseen = (codes == -1) & text.notna().to_numpy()
        if unseen.any() and on_unseen == "error":
            examples = sorted(set(text[unseen].tolist()))[:5]
            raise DataError(
                f"{source}: column '{name}' has categories not seen in training, "
                f"e.g. {examples} at row(s) {row_numbers(unseen)}; known: {column['categories']}"
            )
        encoded = np.zeros((len(codes), len(column["categories"])))
        known = codes >= 0
        encoded[np.flatnonzero(known), codes[known]] = 1.0
        return encoded

    def _encode_target(self, series: pd.Series, source: str) -> np.ndarray:
        refuse_missing_target(series, self.target, source)
        refuse_non_scalars(series, self.target, source)
        if self.target_encoder is None:
            return numeric_values(series, self.target, source).astype(get_default_dtype())
        try:
            return self.target_encoder.transform(series.to_numpy())
        except DataError as exc:
            raise DataError(f"{source}: target column '{self.target}': {exc}") from exc

    # -- state ------------------------------------------------------------------------

    def get_state(self) -> dict[str, Any]:
        """Everything ``from_state`` needs, as JSON-serialisable values."""
        return {
            "class": "TableEncoder",
            "target": self.target,
            "task": self.task,
            "impute": self.impute,
            "categorical": list(self.categorical),
            "drop": list(self.drop),
            "max_categories": self.max_categories,
            "columns": self.columns,
            "target_classes": self.class_names,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> TableEncoder:
        """Rebuild an encoder from ``get_state()``'s dict.

        The state may come from a model file a user edited, so every entry is checked;
        a malformed one is a ``DataError`` here rather than a ``KeyError`` at transform.
        """
        if not isinstance(state, dict) or state.get("class") != "TableEncoder":
            got = state.get("class") if isinstance(state, dict) else type(state).__name__
            raise DataError(f"expected a TableEncoder state dict, got {got!r}")
        keys = ("target", "task", "impute", "categorical", "drop", "max_categories")
        missing = [k for k in (*keys, "columns", "target_classes") if k not in state]
        if missing:
            raise DataError(f"TableEncoder state lacks {missing}")
        _check_state_types(state)
        try:
            encoder = cls(
                target=state["target"],
                task=state["task"],
                impute=state["impute"],
                categorical=state["categorical"],
                drop=state["drop"],
                max_categories=state["max_categories"],
            )
        except ConfigError as exc:
            raise DataError(f"TableEncoder state: {exc}") from None
        encoder.columns = state["columns"]
        if state["target_classes"] is not None:
            encoder.target_encoder = ClassEncoder.from_state(
                {"class": "ClassEncoder", "classes": state["target_classes"]}
            )
        return encoder


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value)


def _check_state_types(state: dict[str, Any]) -> None:
    """Each entry of a TableEncoder state has the type ``get_state`` writes."""
    problems = []
    if state["target"] is not None and not isinstance(state["target"], str):
        problems.append("'target' must be a column name or None")
    for key in ("categorical", "drop"):
        if not isinstance(state[key], list) or not all(isinstance(c, str) for c in state[key]):
            problems.append(f"'{key}' must be a list of column names")
    if not isinstance(state["max_categories"], int) or isinstance(state["max_categories"], bool):
        problems.append("'max_categories' must be a whole number")
    columns = state["columns"]
    if columns is not None and not isinstance(columns, list):
        problems.append("'columns' must be a list")
    for index, column in enumerate(columns or []):
        if not _column_state_ok(column):
            problems.append(f"column {index} ({str(column)[:60]}) is malformed")
    if problems:
        raise DataError(
            "TableEncoder state: " + "; ".join(problems[:5]) + " (was the file edited?); every "
            "column needs a 'name', a 'kind' ('numeric' or 'categorical') and a 'fill'"
        )


def _column_state_ok(column: Any) -> bool:
    if not isinstance(column, dict) or not isinstance(column.get("name"), str):
        return False
    fill = column.get("fill", "absent")
    if column.get("kind") == "numeric":
        return fill is None or _is_number(fill)
    if column.get("kind") != "categorical":
        return False
    categories = column.get("categories")
    return (
        isinstance(categories, list)
        and all(isinstance(c, str) for c in categories)
        and (fill is None or isinstance(fill, str))
    )
