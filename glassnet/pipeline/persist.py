"""Saving and loading a whole pipeline: one ``.safetensors`` file, as ``gn.load`` reads it.

The file is a glassnet model file (see :mod:`glassnet.io`): the network's
architecture and weights, and in its ``preprocessing`` the data path, with a
``pipeline`` section (the input schema, the split record's counts and the data
options) and the tensors ``pipeline/split/<part>``, ``pipeline/train_hashes`` and
``pipeline/calibration_scores``. A file saved by ``glassnet train`` loads as a
:class:`~glassnet.pipeline.pipeline.Pipeline`; one saved by ``model.save`` in
Python loads as the bare network, as before.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from glassnet.errors import DataError
from glassnet.io.load import build_model, read_model_file
from glassnet.io.save import describe, model_arrays, write_model_file
from glassnet.nn.module import Module
from glassnet.pipeline.pipeline import Pipeline
from glassnet.pipeline.record import SplitRecord


def save_pipeline(pipeline: Pipeline, path: str | Path) -> None:
    """Write ``pipeline`` to ``path`` atomically: network, data path and split record."""
    network = pipeline.network
    preprocessing = dict(pipeline.preprocessing)
    section = dict(preprocessing.get("pipeline") or {})
    tensors = model_arrays(network)
    if pipeline.record is not None:
        section["split"] = pipeline.record.to_document()
        tensors.update(pipeline.record.tensors())
    section["version"] = 1
    preprocessing["pipeline"] = section
    network.preprocessing = preprocessing
    pipeline.preprocessing = preprocessing
    write_model_file(path, describe(network), tensors)


def load(path: str | Path) -> Pipeline | Module:
    """What ``path`` holds: a :class:`Pipeline` (saved by ``glassnet train``) or a network.

    Raises:
        DataError: naming ``path``, for anything that is not an intact glassnet model
            file; the file is never modified.
    """
    arrays, document = read_model_file(path)
    network = build_model(arrays, document, Path(path))
    preprocessing = network.preprocessing
    if not isinstance(preprocessing.get("source"), dict):
        return network
    section = preprocessing.get("pipeline")
    record = None
    if section is not None:
        if not isinstance(section, dict):
            raise DataError(f"'{path}': the saved pipeline section is not a JSON object")
        if "split" in section:
            record = SplitRecord.from_file(section["split"], arrays, str(path))
    _check_source(preprocessing["source"], path)
    return Pipeline(network, preprocessing, record)


def _check_source(source: dict[str, Any], path: str | Path) -> None:
    na_values = source.get("na_values", [])
    if not isinstance(na_values, list) or not all(isinstance(v, str) for v in na_values):
        raise DataError(f"'{path}': the saved missing-value markers must be a list of strings")
