"""Checks and conversions of single DataFrame columns, shared by fit and transform.

Each check raises a ``DataError`` that names the source (file), the column and the
first offending rows, counted from 1 (row 1 = the first data row after the header).

Example:
    >>> import pandas as pd
    >>> numeric_values(pd.Series([1, 2]), "age", "'shop.csv'").tolist()
    [1.0, 2.0]
"""

from __future__ import annotations

import datetime
from typing import Any

import numpy as np
import pandas as pd

from glassnet.errors import DataError

HUGE = 1e30  # beyond this, float32 products and squares overflow to inf


def row_numbers(mask: Any, limit: int = 5) -> str:
    """'3, 7, 9' — the first ``limit`` 1-based row numbers where ``mask`` is true."""
    positions = np.flatnonzero(np.asarray(mask)) + 1
    shown = ", ".join(str(p) for p in positions[:limit])
    return shown + (f" … ({len(positions)} rows in all)" if len(positions) > limit else "")


def is_numeric(series: pd.Series) -> bool:
    """Numbers or booleans (booleans count as the numbers 0 and 1)."""
    return pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)


def check_columns(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """``frame`` with its column names as strings; duplicate names are refused.

    (Which column would a duplicated name mean?)
    """
    names = [str(c) for c in frame.columns]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise DataError(
            f"{source}: duplicate column name(s) {duplicates}; rename them so each is unique"
        )
    return frame.set_axis(names, axis=1)


def category_labels(series: pd.Series) -> pd.Series:
    """A column's values as category text, missing values kept missing.

    Whole numbers print without a decimal part, so a code column read as 10 in one
    file and as 10.0 in another (pandas turns a column with a gap into floats) is
    the same category "10".
    """
    present = series.notna().to_numpy()
    if is_numeric(series) and not pd.api.types.is_bool_dtype(series):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        kept = values[present]
        if np.all((kept == np.round(kept)) & (np.abs(kept) < 2.0**53)):
            whole = np.where(present, values, 0.0).astype(np.int64)
            series = pd.Series(whole, index=series.index)
    return series.astype(str).where(present)


def numeric_values(series: pd.Series, name: str, source: str) -> np.ndarray:
    """float64 values of a column that must hold numbers (NaN where missing); checked."""
    if is_numeric(series):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        parsed = pd.to_numeric(series, errors="coerce")
        bad = (parsed.isna() & series.notna()).to_numpy()
        if bad.any():
            example = series[bad].iloc[0]
            raise DataError(
                f"{source}: column '{name}' should hold numbers but has {example!r} at "
                f"row(s) {row_numbers(bad)}; fix those values (or use na_values=[{example!r}], "
                f"--na-values {example}, if it marks a missing value)"
            )
        values = parsed.to_numpy(dtype=np.float64, na_value=np.nan)
    huge = np.isinf(values) | (np.abs(np.nan_to_num(values)) > HUGE)
    if huge.any():
        raise DataError(
            f"{source}: column '{name}' has infinite or huge values (|value| > {HUGE:g}) at "
            f"row(s) {row_numbers(huge)}; fix or remove them"
        )
    return values


def numeric_fill(values: np.ndarray, impute: str | None, name: str, source: str) -> float | None:
    """The value that replaces a missing number: None (no imputing), mean, median or mode."""
    if impute is None:
        return None
    present = values[~np.isnan(values)]
    if present.size == 0:
        raise DataError(f"{source}: column '{name}' has no values at all; drop it")
    if impute == "mean":
        return float(present.mean())
    if impute == "median":
        return float(np.median(present))
    distinct, counts = np.unique(present, return_counts=True)
    return float(distinct[counts.argmax()])  # ties → the smallest value


def refuse_mostly_numeric(series: pd.Series, name: str, source: str) -> None:
    """A text column that is mostly numbers is almost always a typo in a numeric column."""
    present = series[series.notna()]
    parsed = pd.to_numeric(present, errors="coerce")
    n_numbers = int(parsed.notna().sum())
    if 2 * n_numbers > len(present) and n_numbers < len(present):
        bad = (series.notna() & pd.to_numeric(series, errors="coerce").isna()).to_numpy()
        example = series[bad].iloc[0]
        raise DataError(
            f"{source}: column '{name}' is mostly numbers but has {example!r} at row(s) "
            f"{row_numbers(bad)}; fix those values, mark them missing with "
            f"na_values=[{example!r}] (--na-values {example}), or pass categorical=['{name}'] "
            f"(--categorical {name}) if it really is categorical"
        )


def _is_container(value: Any) -> bool:
    return isinstance(value, (list, tuple, dict, set, np.ndarray))


def _is_date_or_time(value: Any) -> bool:
    return isinstance(value, (datetime.date, datetime.time, datetime.timedelta))


def refuse_non_scalars(series: pd.Series, name: str, source: str) -> None:
    """Each cell must be one value: lists, dicts (Parquet nested types) and dates are refused.

    Without this a list column would be one-hot encoded by its printed text
    ("[1, 2]"), and a column of Python dates as categories — silently meaningless.
    """
    if series.dtype != object:
        return
    values = series.to_numpy()
    nested = np.fromiter((_is_container(v) for v in values), dtype=bool, count=len(values))
    if nested.any():
        example = values[nested][0]
        raise DataError(
            f"{source}: column '{name}' holds lists or records (e.g. {example!r:.40}) at "
            f"row(s) {row_numbers(nested)}; glassnet needs one number or category per cell: "
            f"flatten it into columns or pass drop=['{name}']"
        )
    dated = np.fromiter((_is_date_or_time(v) for v in values), dtype=bool, count=len(values))
    if dated.any():
        raise DataError(
            f"{source}: column '{name}' holds dates/times (e.g. {values[dated][0]!r:.40}) at "
            f"row(s) {row_numbers(dated)}; convert them to numbers first (e.g. day of year) "
            f"or pass drop=['{name}']"
        )


def refuse_missing_target(series: pd.Series, target: str, source: str) -> None:
    missing = series.isna().to_numpy()
    if missing.any():
        raise DataError(
            f"{source}: the target column '{target}' is missing at row(s) {row_numbers(missing)} "
            "(row 1 = first data row); targets are never imputed: fill them in or drop those rows"
        )
