"""``Pipeline``: a trained network with its whole data path, as ``gn.load`` returns it.

In order: the input schema (what the training rows looked like), the encoder, the
scaler, the network and the output decoding (class names; a regression's values
back in the target's units). ``predict`` takes what a user has — a DataFrame, a
CSV/Parquet path, or raw rows in the training file's column order — and returns
what ``glassnet predict`` writes. ``pipeline.network`` is the bare network; any
attribute the pipeline does not have (``summary``, ``layers``, ``history``) is the
network's.

Example:
    >>> import glassnet as gn, pandas as pd
    >>> pipe = gn.load("runs/cars/model.safetensors")  # doctest: +SKIP
    >>> pipe.predict(pd.DataFrame({"Horsepower": [130], "Origin": ["USA"]}))  # doctest: +SKIP
    array([15.9...])
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from glassnet.data import read_frame
from glassnet.data.preprocessing import scaler_from_state
from glassnet.data.table_encoder import TableEncoder
from glassnet.errors import ConfigError, DataError
from glassnet.nn.module import Module
from glassnet.pipeline.fingerprint import file_fingerprint, row_hashes
from glassnet.pipeline.record import SplitRecord
from glassnet.pipeline.schema import TableSchema, raise_if_strict
from glassnet.pipeline.series import SeriesWindows, series_windows
from glassnet.pipeline.sources import Source, is_bundled, load_like


class SchemaWarning(UserWarning):
    """New data differs from the training data in a way the schema's rules handle."""


@dataclass
class NewData:
    """New data read through a pipeline: the network's inputs, the targets, and notes."""

    x: np.ndarray  # encoded and scaled: what the network reads
    y: np.ndarray | None  # class ids of the model's classes, or values in their units
    source: Source
    findings: list[str]  # the schema's warnings


class Pipeline:
    """A trained network and its data path (see the module docstring).

    Args:
        network: the trained network.
        preprocessing: how data is read, encoded and scaled (saved with the model).
        record: which rows of which data were trained and tested on, if known.
    """

    def __init__(
        self, network: Module, preprocessing: dict[str, Any], record: SplitRecord | None = None
    ) -> None:
        self.network = network
        self.preprocessing = preprocessing
        self.record = record
        section = preprocessing.get("pipeline") or {}
        schema = section.get("schema")
        self.schema = TableSchema.from_dict(schema, "the model") if schema else None
        network.preprocessing = preprocessing

    def __getattr__(self, name: str) -> Any:
        # Only reached for names the pipeline lacks: they are the network's.
        if name in ("network", "preprocessing", "record", "schema"):
            raise AttributeError(name)
        return getattr(self.network, name)

    def __repr__(self) -> str:
        kind = self.preprocessing.get("source", {}).get("kind", "?")
        return f"Pipeline({self.task} on {kind} data, network={self.network.name!r})"

    # -- what the pipeline is ------------------------------------------------------------

    @property
    def task(self) -> str:
        return self.preprocessing.get("task", "regression")

    @property
    def classes(self) -> list[Any] | None:
        """The class names, in the order of the network's outputs (classification)."""
        return self.preprocessing.get("classes") if self.task == "classification" else None

    @property
    def kind(self) -> str:
        return self.preprocessing["source"].get("kind", "")

    # -- reading new data ----------------------------------------------------------------

    def read(
        self, data: Any, with_target: bool = False, strict: bool = False, where: str | None = None
    ) -> NewData:
        """``data`` encoded and scaled as the training data was, checked against the schema.

        Args:
            data: a DataFrame, a CSV/Parquet path (an image folder, a bundled name), or
                raw rows (a 2-D array or list of lists) in the training file's column order.
            with_target: the target column is required (to evaluate).
            strict: a schema warning is an error.
            where: the data's name in messages.
        """
        if self.kind == "series":
            raise ConfigError(
                "a forecaster reads whole series: use predict(data) or forecast_windows(data)"
            )
        description = self.preprocessing["source"]
        findings: list[str] = []
        if isinstance(data, (str, Path)) and (self.kind != "table" or not is_bundled(str(data))):
            if self.kind == "table":
                frame = read_frame(data, na_values=description.get("na_values", ()))
                return self._read_frame(frame, with_target, strict, str(data), str(data))
            source = load_like(description, str(data), with_target, self.classes)
        elif self.kind == "table":
            frame = self._as_frame(data)
            return self._read_frame(frame, with_target, strict, where or "the data", None)
        else:
            source = self._array_source(data)
        x = self._scaled(source.x)
        return NewData(x, source.y, source, findings)

    def _as_frame(self, data: Any) -> pd.DataFrame:
        if isinstance(data, pd.DataFrame):
            return data
        rows = np.asarray(data, dtype=object)
        if rows.ndim == 1:
            rows = rows.reshape(1, -1)
        assert self.schema is not None
        for columns in (self.schema.feature_names, self.schema.file_columns):
            if rows.ndim == 2 and rows.shape[1] == len(columns):
                frame = pd.DataFrame(rows, columns=columns)
                for column in self.schema.features:
                    if column["kind"] == "numeric":
                        frame[column["name"]] = pd.to_numeric(
                            frame[column["name"]], errors="coerce"
                        )
                return frame.infer_objects()
        raise DataError(
            f"raw rows of shape {rows.shape}: the model reads {len(self.schema.feature_names)} "
            f"columns ({', '.join(self.schema.feature_names)}) in this order, or the training "
            f"file's {len(self.schema.file_columns)} columns; or pass a DataFrame"
        )

    def _read_frame(
        self, frame: pd.DataFrame, with_target: bool, strict: bool, where: str, path: str | None
    ) -> NewData:
        description = self.preprocessing["source"]
        findings: list[str] = []
        if self.schema is not None:
            findings = self.schema.check(frame, where)
            raise_if_strict(findings, strict)
        encoder = TableEncoder.from_state(description["encoder"])
        x, y = encoder.transform(frame, f"'{where}'")
        if with_target and y is None:
            raise DataError(
                f"'{where}' has no column '{encoder.target}', the target the model was trained "
                "to predict; evaluation needs it"
            )
        source = Source(
            x,
            y,
            encoder.task,
            encoder.feature_names,
            encoder.class_names,
            description,
            frame=frame,
            fingerprint=file_fingerprint(path) if path else "",
        )
        return NewData(self._scaled(x), y, source, findings)

    def _array_source(self, data: Any) -> Source:
        if isinstance(data, pd.DataFrame):
            names = self.preprocessing.get("feature_names", [])
            missing = [name for name in names if name not in data.columns]
            if missing:
                raise DataError(
                    f"the data frame has no column(s) {missing}; the model reads {names}"
                )
            data = data[names].to_numpy(dtype=np.float64)
        x = np.asarray(data, dtype=np.float32)
        shape = tuple(self.network.input_shape[1:]) if self.network.input_shape else None
        if shape is not None and x.shape[1:] != shape:
            if x.ndim == 1 and x.shape == shape:
                x = x.reshape(1, *shape)
            else:
                raise DataError(
                    f"inputs of shape {x.shape}: the model reads samples of shape {shape}"
                )
        return Source(x, None, self.task, [], self.classes, self.preprocessing["source"])

    def read_arrays(self, x: np.ndarray) -> np.ndarray:
        """Features already encoded as the training data was, scaled for the network."""
        return self._scaled(np.asarray(x))

    def _scaled(self, x: np.ndarray) -> np.ndarray:
        if "scaler" in self.preprocessing and x.ndim == 2:
            return scaler_from_state(self.preprocessing["scaler"]).transform(x)
        return x

    # -- predicting ----------------------------------------------------------------------

    def outputs(self, x: np.ndarray) -> np.ndarray:
        """The network's outputs for inputs already read (``read(...).x``)."""
        return self.network.predict(x)

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities for inputs already read, one column per class."""
        if self.task != "classification":
            raise ConfigError("predict_proba is for classifiers; this pipeline is a regression")
        return self.network.training_config.reader.probabilities(self.outputs(x))

    def values(self, x: np.ndarray) -> np.ndarray:
        """A regression's outputs in the target's own units, for inputs already read."""
        outputs = self.outputs(x)
        if "target_scaler" in self.preprocessing:
            outputs = scaler_from_state(self.preprocessing["target_scaler"]).inverse_transform(
                outputs
            )
        return outputs

    def labels(self, x: np.ndarray) -> np.ndarray:
        """Class ids (of :attr:`classes`) for inputs already read."""
        return self.network.training_config.reader.labels(self.outputs(x))

    def predict(self, data: Any, strict: bool = False) -> np.ndarray:
        """Class names, or values in the target's units, for ``data`` (see :meth:`read`).

        Schema findings (an unseen category, a value far outside the training range,
        an extra column) are issued as :class:`SchemaWarning`; ``strict=True`` makes
        them an error.
        """
        if self.kind == "series":
            # One forecast per window of the data, the last one for the step after it.
            return self.values(self.forecast_windows(data).x)[:, 0]
        read = self._warned(self.read(data, strict=strict))
        if self.task == "classification":
            names = np.asarray(self.classes, dtype=object)
            return names[self.labels(read.x)]
        values = self.values(read.x)
        return values[:, 0] if values.shape[1] == 1 else values

    def predict_proba(self, data: Any, strict: bool = False) -> np.ndarray:
        """Class probabilities (rows: samples, columns: :attr:`classes`) for ``data``."""
        return self.probabilities(self._warned(self.read(data, strict=strict)).x)

    @staticmethod
    def _warned(read: NewData) -> NewData:
        for finding in read.findings:
            warnings.warn(finding, SchemaWarning, stacklevel=3)
        return read

    # -- what the data is to this pipeline -----------------------------------------------

    def trained_on(self, source: Source) -> bool:
        """Whether ``source`` is the very data this pipeline was trained on."""
        return self.record is not None and self.record.trained_on(source.fingerprint)

    def training_overlap(self, source: Source) -> int:
        """How many rows of a labelled table ``source`` are identical to rows trained on.

        Rows are compared on the features and the target together: a new row that
        only shares its features with a training row is new data.
        """
        if self.record is None or source.frame is None or self.schema is None:
            return 0
        columns = [*self.schema.feature_names, self.schema.target]
        if not all(name in source.frame.columns for name in columns):
            return 0
        return self.record.overlap(row_hashes(source.frame, columns))

    def forecast_windows(self, data: Any, where: str | None = None) -> SeriesWindows:
        """A forecaster's windows of ``data`` (a series file or DataFrame), scaled."""
        name = where or (str(data) if isinstance(data, (str, Path)) else "the data")
        return series_windows(self.preprocessing, data, name)

    def series_evaluation(
        self, data: Any, where: str | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
        """(windows, true next values, naive forecasts, words saying which windows).

        On the series the forecaster was trained on, only its test tail is scored.
        """
        name = where or (str(data) if isinstance(data, (str, Path)) else "the data")
        windows = self.forecast_windows(data, name)
        x, y, naive = windows.x[:-1], windows.y, windows.naive[:-1]
        record = self.record
        if record is not None and record.trained_on(windows.fingerprint):
            test = record.parts.get("test", np.array([], np.int64))
            n = len(test)
            words = (
                f"the {n} test windows of '{record.file}' held out at training (the tail of the "
                f"series; its other {len(x) - n} windows are not scored)"
            )
            return x[test], y[test], naive[test], words
        return x, y, naive, f"new data, {len(x)} windows of {self.preprocessing['window']} rows"

    def evaluation_data(
        self, data: Any, strict: bool = False, where: str | None = None
    ) -> tuple[NewData, str]:
        """Labelled ``data`` to score this pipeline on, and the words that say which rows.

        On the data the pipeline was trained on, only its held-out test rows are kept
        ("the 100 test rows of 'cars.csv' held out at training"); on other data every
        row, said to be new ("new data, 398 rows"), naming how many of them are
        identical to rows trained on. No score is ever on training rows unannounced.
        """
        read = self.read(data, with_target=True, strict=strict, where=where)
        name = where or str(data) if isinstance(data, (str, Path)) else where or "the data"
        n = len(read.x)
        if read.source.test_only:
            return read, f"the {n} test rows of '{name}' held out at training"
        if self.kind == "bundled":
            return read, (
                f"the {n} rows of '{name}', every one of which the model trained on (too few to "
                "hold any out): a score on training rows, not on unseen data"
            )
        if self.trained_on(read.source):
            record = self.record
            test = record.parts.get("test", np.array([], np.int64))
            if not len(test):
                return read, (
                    f"the {n} rows of '{name}', every one of which the model trained on (too few "
                    "to hold any out): a score on training rows, not on unseen data"
                )
            picked = NewData(read.x[test], read.y[test], read.source, read.findings)
            return picked, (
                f"{record.describe_test()} (the file the model was trained on; its other "
                f"{n - len(test)} rows are not scored)"
            )
        words = f"new data, {n} rows"
        overlap = self.training_overlap(read.source)
        if overlap:
            words += (
                f", {overlap} of them identical to rows the model trained on (a score on those "
                "is optimistic)"
            )
        return read, words

    def save(self, path: str | Path) -> None:
        """Write the whole pipeline (network, data path, split record) to one file."""
        from glassnet.pipeline.persist import save_pipeline

        save_pipeline(self, path)
