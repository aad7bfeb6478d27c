"""A saved pipeline and the data a command gives it: shared by evaluate, predict, report, trace.

Every such command reads its data through the pipeline the model file holds (the
same encoding, scaling and schema checks as in training), prints the schema's
warnings with their counts, and says which rows it scores: the held-out test rows
of the training file, or new data.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import glassnet as gn
from glassnet.cli.data_options import refuse_changed_options
from glassnet.errors import DataError
from glassnet.pipeline.pipeline import NewData


def model_file(spec: str) -> Path:
    """A model file, or the run folder holding ``model.safetensors``."""
    path = Path(spec)
    if path.is_dir():
        inside = path / "model.safetensors"
        if not inside.is_file():
            raise DataError(f"the folder '{path}' holds no model.safetensors")
        return inside
    return path


def load_pipeline(spec: str) -> gn.Pipeline:
    """The pipeline saved by ``glassnet train`` at ``spec``; a clear error for anything else."""
    loaded = gn.load(model_file(spec))
    if not isinstance(loaded, gn.Pipeline):
        raise DataError(
            f"'{spec}' was not saved by 'glassnet train', so it does not say how to read "
            "data files; use it from Python (gn.load) instead"
        )
    task = loaded.preprocessing.get("task")
    if task not in ("classification", "regression"):
        raise DataError(
            f"'{spec}' names no task (classification or regression), got {task!r}; "
            "was the file edited?"
        )
    if task == "classification" and not isinstance(loaded.preprocessing.get("classes"), list):
        raise DataError(f"'{spec}' is a classifier without its list of classes")
    return loaded


def saved_options(pipeline: gn.Pipeline) -> dict:
    return (pipeline.preprocessing.get("pipeline") or {}).get("data_options") or {}


def print_findings(read: NewData) -> None:
    """The schema's warnings about the data, one line each."""
    for finding in read.findings:
        print(f"warning: {finding}")


def read_data(
    args: argparse.Namespace, pipeline: gn.Pipeline, data: str, with_target: bool
) -> NewData:
    """``data`` read through ``pipeline``, its warnings printed (``--strict``: refused)."""
    refuse_changed_options(args, saved_options(pipeline), args.model)
    read = pipeline.read(data, with_target=with_target, strict=args.strict, where=data)
    print_findings(read)
    return read


def evaluation_data(
    args: argparse.Namespace, pipeline: gn.Pipeline, data: str
) -> tuple[NewData, str]:
    """Labelled rows to score and the words saying which (see ``Pipeline.evaluation_data``)."""
    refuse_changed_options(args, saved_options(pipeline), args.model)
    read, words = pipeline.evaluation_data(data, strict=args.strict, where=data)
    print_findings(read)
    return read, words
