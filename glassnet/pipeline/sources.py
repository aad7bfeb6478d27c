"""What a DATA argument names: a bundled data set, a CSV/Parquet file or an image folder.

``load_source`` reads training data (with the raw table and a content fingerprint)
and remembers how it was encoded; ``fit_encoder_on`` re-decides a table's encoding
from the training rows alone; ``load_like`` reads new data (to evaluate or predict)
exactly the way the training data was, from the description saved with the model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from glassnet import data
from glassnet.data.table_encoder import TableEncoder
from glassnet.errors import ConfigError, DataError
from glassnet.pipeline.fingerprint import bundled_fingerprint, file_fingerprint
from glassnet.pipeline.options import DataOptions


@dataclass
class Source:
    """Features and targets from one DATA argument, plus how they were encoded."""

    x: np.ndarray
    y: np.ndarray | None
    task: str | None
    feature_names: list[str]
    class_names: list[Any] | None
    description: dict[str, Any]  # JSON: enough to read another file the same way
    test_only: bool = False  # a bundled set read for evaluation: only its held-out test split
    frame: pd.DataFrame | None = None  # a table's rows as read, before encoding
    fingerprint: str = ""  # what the data holds (see glassnet.pipeline.fingerprint)
    paths: list[Path] | None = None  # an image folder's files, one per sample


def is_bundled(spec: str) -> bool:
    return spec in data.names() and not Path(spec).exists()


def can_hold_out(source: Source, test_size: float) -> bool:
    """Whether a test split of ``test_size`` leaves every class on both sides.

    The articles' tiny sets (xor and toy3: 4 samples, seven_segment: one sample per
    class) cannot give up a test split: the network must see every sample to learn them.
    Bundled sets are split by scikit-learn, which also needs two samples of every class.
    """
    samples = len(source.y)
    held = math.ceil(samples * test_size)
    if source.task != "classification":
        return held >= 1 and samples - held >= 2
    counts = np.unique(source.y, return_counts=True)[1]
    if source.description["kind"] == "bundled" and counts.min() < 2:
        return False
    return held >= len(counts) and samples - held >= len(counts)


def load_source(spec: str, options: DataOptions | None = None) -> Source:
    """Training data from a bundled name, an image folder or a table file.

    A table's encoding is decided here from all its rows; a training recipe then
    re-decides it from the training rows alone (:func:`fit_encoder_on`).
    """
    options = options or DataOptions()
    if is_bundled(spec):
        dataset = data.load(spec)
        return Source(
            dataset.x,
            dataset.y,
            dataset.task,
            dataset.feature_names,
            dataset.class_names,
            {"kind": "bundled", "name": dataset.name},
            fingerprint=bundled_fingerprint(dataset.name),
        )
    path = Path(spec)
    if path.is_dir():
        folder = data.load_image_folder(path, grayscale=options.grayscale)
        size = list(folder.x.shape[2:])
        return Source(
            folder.x,
            folder.y,
            "classification",
            [f"pixel{i}" for i in range(int(np.prod(folder.x.shape[1:])))],
            folder.class_names,
            {"kind": "images", "size": size, "grayscale": folder.x.shape[1] == 1},
            fingerprint=file_fingerprint(path),
            paths=list(folder.paths),
        )
    if not path.exists() and "." not in path.name and "/" not in spec:
        raise DataError(
            f"'{spec}' is neither a file nor a folder nor a bundled data set; bundled data "
            f"sets: {', '.join(data.names())}"
        )
    if options.target is None:
        raise DataError(
            f"training on the table '{spec}' needs --target COLUMN: the column to predict"
        )
    frame = data.read_frame(path, na_values=options.na_values)
    encoder = TableEncoder(
        options.target, options.task, options.impute, options.categorical, options.drop
    )
    fitted = encoder.fit(frame, f"'{path}'")
    return _encoded(fitted, frame, path, file_fingerprint(path), options.na_values)


def _encoded(
    encoder: TableEncoder,
    frame: pd.DataFrame,
    path: Path,
    fingerprint: str,
    na_values: tuple[str, ...] | list[str],
) -> Source:
    x, y = encoder.transform(frame, f"'{path}'")
    return Source(
        x,
        y,
        encoder.task,
        encoder.feature_names,
        encoder.class_names,
        # na_values: new files are read with the same "missing" markers as this one.
        {"kind": "table", "encoder": encoder.get_state(), "na_values": list(na_values)},
        frame=frame,
        fingerprint=fingerprint,
    )


def fit_encoder_on(source: Source, rows: np.ndarray, spec: str) -> Source:
    """A table source re-encoded with what ``rows`` (the training rows) alone show.

    The categories, the imputed values and everything else the encoder decides come
    from the training rows, never from a test row; the task and the classes come
    from the whole target column. Other sources are returned as they are.
    """
    if source.frame is None:
        return source
    state = source.description["encoder"]
    encoder = TableEncoder(
        state["target"],
        source.task,
        state.get("impute"),
        state.get("categorical", []),
        state.get("drop", []),
        state.get("max_categories", 100),
    )
    target = source.frame[state["target"]]
    encoder.fit(source.frame.iloc[rows], f"'{spec}' (its training rows)", target_values=target)
    na_values = source.description.get("na_values", [])
    return _encoded(encoder, source.frame, Path(spec), source.fingerprint, na_values)


def as_images(source: Source, x: np.ndarray) -> np.ndarray:
    """``x`` as (N, C, H, W) pictures in [0, 1], for a convolutional network."""
    if x.ndim == 4:
        return x
    if source.description["kind"] == "bundled":
        dataset = data.load(source.description["name"])
        if dataset.image_shape is not None:
            source.description["images"] = True  # evaluate and predict reshape the same way
            return dataset.images(x)
    raise ConfigError(
        "--model cnn needs images: an image folder (one sub-folder per class) or a bundled "
        "image set such as digits; this data is a table of features (use --model mlp)"
    )


def load_like(
    description: dict[str, Any], spec: str, with_target: bool, classes: list[Any] | None = None
) -> Source:
    """New data read the way the training data was (same encoding, same columns).

    ``classes`` are the model's class names: an image folder's sub-folders are matched
    to them by name, not by position (a folder may lack a class, or order them
    differently).
    """
    kind = description.get("kind")
    if kind == "bundled":
        name = description["name"]
        if not is_bundled(spec):
            # Reading a file as if it were the bundled set would need its columns named
            # and ordered like the set's features; refuse rather than guess.
            raise DataError(
                f"'{spec}': the model was trained on the bundled data set '{name}', so it "
                f"reads only '{name}' (its fixed test split); to use your own files, train "
                "the model on a file with the same columns"
            )
        dataset = data.load(spec)
        if dataset.name != name:
            raise DataError(f"the model was trained on '{name}', not on '{dataset.name}'")
        if not description.get("held_out", True):
            # Trained on every sample (too few to split): there is no unseen part.
            x_test, y_test = dataset.x, dataset.y
        elif description.get("split_seed") is None:
            _, x_test, _, y_test = dataset.split(description.get("test_size", 0.25))
        else:
            _, x_test, _, y_test = dataset.split(
                description.get("test_size", 0.25), description["split_seed"]
            )
        if description.get("images"):
            x_test = dataset.images(x_test)
        return Source(
            x_test,
            y_test,
            dataset.task,
            dataset.feature_names,
            dataset.class_names,
            description,
            description.get("held_out", True),
        )
    if kind == "images":
        size = tuple(description["size"])
        folder = data.load_image_folder(spec, size=size, grayscale=description["grayscale"])
        y = folder.y
        if classes is not None:
            y = by_class_name(folder.y, folder.class_names, classes, spec)
        source = Source(
            folder.x, y, "classification", [], classes or folder.class_names, description
        )
        source.fingerprint = file_fingerprint(spec)
        source.paths = list(folder.paths)
        return source
    if kind == "table":
        encoder = TableEncoder.from_state(description["encoder"])
        frame = data.read_frame(spec, na_values=description.get("na_values", ()))
        x, y = encoder.transform(frame, f"'{spec}'")
        if with_target and y is None:
            raise DataError(
                f"'{spec}' has no column '{encoder.target}', the target the model was trained "
                "to predict; evaluation needs it"
            )
        return Source(
            x,
            y,
            encoder.task,
            encoder.feature_names,
            encoder.class_names,
            description,
            frame=frame,
            fingerprint=file_fingerprint(spec),
        )
    if kind == "series":
        raise DataError(
            "this model forecasts a time series from its previous rows (glassnet train "
            "--window); glassnet predict and evaluate do not read time series yet: load it "
            "in Python with gn.load and give it windows made by gn.make_windows"
        )
    raise DataError(f"the model file describes an unknown data source {kind!r}")


def by_class_name(
    y: np.ndarray, names_here: list[Any], classes: list[Any], where: str
) -> np.ndarray:
    """Class ids of ``names_here`` (this data's own order) as ids of the model's ``classes``.

    Raises:
        DataError: the data has a class the model does not know.
    """
    known = {str(name): index for index, name in enumerate(classes)}
    unknown = [str(name) for name in names_here if str(name) not in known]
    if unknown:
        raise DataError(
            f"'{where}' has the class(es) {', '.join(unknown)}, which the model does not know "
            f"(its classes: {', '.join(map(str, classes))})"
        )
    mapping = np.array([known[str(name)] for name in names_here], dtype=np.int64)
    return mapping[np.asarray(y, dtype=np.int64)]
