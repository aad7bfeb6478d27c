"""What the CLI's DATA argument names: a bundled data set, a CSV/Parquet file or an image folder.

``load_source`` reads training data and remembers how it was encoded;
``load_like`` reads new data (to evaluate or predict) exactly the same way, from
the description saved with the model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from glassnet import data
from glassnet.data.table_encoder import TableEncoder
from glassnet.errors import ConfigError, DataError


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


def load_source(
    spec: str,
    target: str | None,
    task: str | None,
    impute: str | None,
    grayscale: bool = False,
    **table_options: Any,
) -> Source:
    """Training data from a bundled name, an image folder or a table file."""
    if is_bundled(spec):
        dataset = data.load(spec)
        return Source(
            dataset.x,
            dataset.y,
            dataset.task,
            dataset.feature_names,
            dataset.class_names,
            {"kind": "bundled", "name": dataset.name},
        )
    path = Path(spec)
    if path.is_dir():
        folder = data.load_image_folder(path, grayscale=grayscale)
        size = list(folder.x.shape[2:])
        return Source(
            folder.x,
            folder.y,
            "classification",
            [f"pixel{i}" for i in range(int(np.prod(folder.x.shape[1:])))],
            folder.class_names,
            {"kind": "images", "size": size, "grayscale": folder.x.shape[1] == 1},
        )
    if not path.exists() and "." not in path.name and "/" not in spec:
        raise DataError(
            f"'{spec}' is neither a file nor a folder nor a bundled data set; bundled data "
            f"sets: {', '.join(data.names())}"
        )
    if target is None:
        raise DataError(
            f"training on the table '{spec}' needs --target COLUMN: the column to predict"
        )
    table = data.load_table(path, target=target, impute=impute, task=task, **table_options)
    return Source(
        table.x,
        table.y,
        table.task,
        table.feature_names,
        table.class_names,
        {"kind": "table", "encoder": table.encoder.get_state()},
    )


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


def load_like(description: dict[str, Any], spec: str, with_target: bool) -> Source:
    """New data read the way the training data was (same encoding, same columns)."""
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
        return Source(folder.x, folder.y, "classification", [], folder.class_names, description)
    if kind == "table":
        encoder = TableEncoder.from_state(description["encoder"])
        table = data.load_table(spec, encoder=encoder)
        if with_target and table.y is None:
            raise DataError(
                f"'{spec}' has no column '{encoder.target}', the target the model was trained "
                "to predict; evaluation needs it"
            )
        return Source(
            table.x, table.y, table.task, table.feature_names, table.class_names, description
        )
    if kind == "series":
        raise DataError(
            "this model forecasts a time series from its previous rows (glassnet train "
            "--window); glassnet predict and evaluate do not read time series yet: load it "
            "in Python with gn.load and give it windows made by gn.make_windows"
        )
    raise DataError(f"the model file describes an unknown data source {kind!r}")
