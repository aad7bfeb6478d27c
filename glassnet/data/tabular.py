"""Load a CSV or Parquet table into arrays a network can train on, or refuse it clearly.

``load_table`` reads the file (format chosen by extension), checks it, and encodes
it with a :class:`~glassnet.data.table_encoder.TableEncoder` — numeric columns as
floats, categorical columns one-hot, the target as class ids or floats. Every
problem is a ``DataError`` that names the file, the column and the rows, and
says what to do. To encode a later file (test data, new data) exactly like the
training file, pass the training table's encoder::

    train = load_table("train.csv", target="price")
    test = load_table("test.csv", encoder=train.encoder)

CSV files are read as UTF-8; a byte-order mark (as Excel writes) is removed.

Example:
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "shop.csv"
    >>> _ = path.write_text("age,bought\\n25,0\\n61,1\\n")
    >>> table = load_table(path, target="bought")
    >>> table.x.tolist(), table.y.tolist(), table.task
    ([[25.0], [61.0]], [0, 1], 'classification')
"""

from __future__ import annotations

import csv
import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

# infer_task lives in its own module (split.py uses it too); offered here as well.
from glassnet.data.table_encoder import TableEncoder
from glassnet.data.task import infer_task as infer_task
from glassnet.errors import DataError

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
PARQUET_SUFFIXES = (".parquet", ".pq")


@dataclasses.dataclass
class Table:
    """A loaded table: the arrays plus what is needed to encode later files the same way.

    Attributes:
        x: features, float (default dtype), shape (rows, len(feature_names)).
        y: class ids (int64) for classification, floats for regression, or None.
        feature_names: the columns of ``x`` after one-hot encoding (``"city=Oslo"``).
        target: the target column's name, or None.
        task: ``"classification"``, ``"regression"`` or None (no target).
        class_names: the original labels of class ids 0..k-1, or None.
        encoder: the fitted encoder; ``load_table(other, encoder=table.encoder)``.
        source: the file the table came from.
    """

    x: np.ndarray
    y: np.ndarray | None
    feature_names: list[str]
    target: str | None
    task: str | None
    class_names: list[Any] | None
    encoder: TableEncoder
    source: str

    def get_state(self) -> dict[str, Any]:
        """The encoder's JSON-serialisable state (``TableEncoder.from_state`` rebuilds it)."""
        return self.encoder.get_state()


def _check_path(path: Path) -> None:
    if not path.exists():
        raise DataError(f"file not found: '{path}'; check the path and the working directory")
    if path.is_dir():
        raise DataError(
            f"'{path}' is a directory, not a table; give a .csv or .parquet file "
            "(for a folder of images use load_image_folder)"
        )
    if path.stat().st_size == 0:
        raise DataError(f"'{path}' is empty (0 bytes); it needs a header row and data rows")
    if path.suffix.lower() not in CSV_SUFFIXES + PARQUET_SUFFIXES:
        raise DataError(
            f"'{path}': unsupported file type '{path.suffix}'; glassnet reads "
            f"{', '.join(CSV_SUFFIXES + PARQUET_SUFFIXES)}"
        )


def _csv_header(path: Path, sep: str) -> list[str]:
    """The raw header names: pandas renames duplicates ('a', 'a.1'), so read them ourselves."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle, delimiter=sep), [])


def _read_csv(path: Path, sep: str | None, na_values: Sequence[str]) -> pd.DataFrame:
    if sep is None:
        sep = "\t" if path.suffix.lower() == ".tsv" else ","
    try:
        header = _csv_header(path, sep)
        # low_memory=False: infer each column's type from the whole file, not per chunk,
        # so a column cannot come out half numbers, half text.
        frame = pd.read_csv(
            path,
            sep=sep,
            encoding="utf-8-sig",
            na_values=list(na_values) or None,
            low_memory=False,
        )
    except UnicodeDecodeError as exc:
        raise DataError(
            f"'{path}' is not UTF-8 text (byte {exc.start} cannot be decoded); is it really "
            "a CSV file? Save it as UTF-8 CSV"
        ) from exc
    except pd.errors.EmptyDataError as exc:
        raise DataError(
            f"'{path}' has no columns (only blank lines); it needs a header row"
        ) from exc
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        raise DataError(f"'{path}' could not be parsed as CSV: {str(exc).strip()}") from exc
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise DataError(
            f"'{path}': duplicate column name(s) {duplicates} in the header; rename them"
        )
    if frame.shape[1] == 1 and sep == ",":
        only = str(frame.columns[0])
        for other in (";", "\t", "|"):
            if other in only:
                raise DataError(
                    f"'{path}' has a single column {only!r}; it looks {other!r}-separated: "
                    f"pass sep={other!r}"
                )
    return frame


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        # The names first: pyarrow cannot even read a file whose names repeat.
        names = pq.ParquetFile(path).schema_arrow.names
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise DataError(f"'{path}': duplicate column name(s) {duplicates}; rename them")
        arrow_table = pq.read_table(path)
        arrow_table = _decimals_as_floats(arrow_table)
        # date_as_object=False: dates become datetime64 columns, which the encoder refuses
        # with a hint, instead of Python date objects it would one-hot encode as text.
        return arrow_table.to_pandas(date_as_object=False)
    except (pa.ArrowException, OSError) as exc:
        raise DataError(
            f"'{path}' could not be read as Parquet ({exc}); is it a Parquet file?"
        ) from exc


def _decimals_as_floats(arrow_table: pa.Table) -> pa.Table:
    """Decimal columns as float64: numbers, not the Python ``Decimal`` objects pandas makes."""
    for index, column in enumerate(arrow_table.schema):
        if pa.types.is_decimal(column.type):
            floats = arrow_table.column(index).cast(pa.float64())
            arrow_table = arrow_table.set_column(index, column.name, floats)
    return arrow_table


def read_frame(
    path: str | os.PathLike, sep: str | None = None, na_values: Sequence[str] = ()
) -> pd.DataFrame:
    """Read a CSV or Parquet file into a DataFrame, with glassnet's checks and messages.

    Raises:
        DataError: the file is missing, a directory, empty, not a table, has
            duplicate column names, or fewer than two data rows.
    """
    path = Path(path)
    _check_path(path)
    if path.suffix.lower() in PARQUET_SUFFIXES:
        frame = _read_parquet(path)
    else:
        frame = _read_csv(path, sep, na_values)
    if len(frame) == 0:
        raise DataError(f"'{path}' has a header but no data rows")
    if len(frame) == 1:
        raise DataError(f"'{path}' has only one data row; training and testing need at least two")
    return frame


def load_table(
    path: str | os.PathLike,
    target: str | None = None,
    impute: str | None = None,
    task: str | None = None,
    categorical: Sequence[str] = (),
    drop: Sequence[str] = (),
    na_values: Sequence[str] = (),
    sep: str | None = None,
    max_categories: int = 100,
    encoder: TableEncoder | None = None,
) -> Table:
    """Read a CSV/Parquet file and encode it as float features and a target.

    Args:
        path: a ``.csv`` (``.tsv``, ``.txt``) or ``.parquet`` (``.pq``) file.
        target: the column to predict; None loads features only.
        impute: None refuses missing values; ``"mean"``, ``"median"`` or
            ``"most_frequent"`` fills them (categorical columns: most frequent).
        task: ``"classification"``, ``"regression"`` or None to infer (see
            :func:`infer_task`); ``"regression"`` refuses a text target.
        categorical: numeric columns to one-hot encode anyway (codes, zip codes).
        drop: columns to ignore (ids, free text).
        na_values: extra strings that mean "missing" in a CSV, e.g. ``["?"]``.
        sep: the CSV separator; default ``","`` (tab for ``.tsv``).
        max_categories: refuse a categorical column with more distinct values.
        encoder: a fitted encoder (``train_table.encoder``) to encode this file the
            same way; the other encoding arguments are then ignored.

    Returns:
        A :class:`Table`.

    Raises:
        DataError: naming the file (and column, rows) for every problem in the data.
        ConfigError: an invalid ``impute`` or ``task``.
    """
    frame = read_frame(path, sep=sep, na_values=na_values)
    source = f"'{Path(path)}'"
    if encoder is None:
        encoder = TableEncoder(target, task, impute, categorical, drop, max_categories)
        encoder.fit(frame, source)
    x, y = encoder.transform(frame, source)
    return Table(
        x=x,
        y=y,
        feature_names=encoder.feature_names,
        target=encoder.target,
        task=encoder.task if encoder.target is not None else None,
        class_names=encoder.class_names,
        encoder=encoder,
        source=str(path),
    )
