"""What the CLI's DATA argument names: a bundled data set, a CSV/Parquet file or an image folder.

``load_source`` reads training data and remembers how it was encoded;
``load_like`` reads new data (to evaluate or predict) exactly the same way, from
the description saved with the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from glassnet import data
from glassnet.data.table_encoder import TableEncoder
from glassnet.errors import DataError


@dataclass
class Source:
    """Features and targets from one DATA argument, plus how they were encoded."""

    x: np.ndarray
    y: np.ndarray | None
    task: str | None
    feature_names: list[str]
    class_names: list[Any] | None
    description: dict[str, Any]  # JSON: enough to read another file the same way
    test_only: bool = False  # a bundled set read for evaluation: only its fixed test split


def is_bundled(spec: str) -> bool:
    return spec in data.names() and not Path(spec).exists()


def load_source(spec: str, target: str | None, task: str | None, impute: str | None) -> Source:
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
        folder = data.load_image_folder(path)
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
    table = data.load_table(path, target=target, impute=impute, task=task)
    return Source(
        table.x,
        table.y,
        table.task,
        table.feature_names,
        table.class_names,
        {"kind": "table", "encoder": table.encoder.get_state()},
    )


def load_like(description: dict[str, Any], spec: str, with_target: bool) -> Source:
    """New data read the way the training data was (same encoding, same columns)."""
    kind = description.get("kind")
    if kind == "bundled":
        dataset = data.load(spec if is_bundled(spec) else description["name"])
        if is_bundled(spec) and dataset.name != description["name"]:
            raise DataError(
                f"the model was trained on '{description['name']}', not on '{dataset.name}'"
            )
        _, x_test, _, y_test = dataset.split()
        return Source(
            x_test,
            y_test,
            dataset.task,
            dataset.feature_names,
            dataset.class_names,
            description,
            True,
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
    raise DataError(f"the model file describes an unknown data source {kind!r}")
