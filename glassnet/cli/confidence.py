"""``glassnet predict --confidence``: conformal intervals and sets for a model saved by ``train``.

Conformal prediction needs labelled samples the network never trained on (see
:mod:`glassnet.compare.conformal`). Their scores come from, in this order:

* the rows ``glassnet train --calibration-split F`` kept aside, whose scores are
  saved in the model file (no data needed at prediction time);
* a model trained on a bundled data set: its training run's validation split (the
  last tenth of the training split, never trained on), rebuilt from the saved split;
* ``--calibration DATA``, a labelled file (or image folder) read the way the
  training data was; one that holds rows the model trained on is refused, since
  its intervals would be too narrow.

The arithmetic is split conformal prediction in NumPy; it gives the same intervals
and sets as MAPIE on the same scores (tests/compare/test_conformal.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

import glassnet as gn
from glassnet import data
from glassnet.compare import conformal
from glassnet.errors import ConfigError, DataError

# ``glassnet train`` holds out this fraction of the training split for validation.
TRAIN_VALIDATION_FRACTION = 0.1


@dataclass
class Calibration:
    """The conformal scores of samples the network never trained on, and where from."""

    scores: np.ndarray
    origin: str


def calibration(pipeline: gn.Pipeline, spec: str | None, model_path: str) -> Calibration:
    """The calibration scores for ``pipeline`` (see the module docstring for the order)."""
    description = pipeline.preprocessing["source"]
    record = pipeline.record
    if spec is None and record is not None and record.calibration_scores is not None:
        n = len(record.calibration_scores)
        return Calibration(
            record.calibration_scores,
            f"{n} rows of '{record.file}' kept aside at training, never trained on",
        )
    if description.get("kind") == "bundled":
        if spec is not None:
            raise ConfigError(
                f"'{model_path}' was trained on the bundled data set '{description['name']}'; "
                "it calibrates on its training run's validation split, which the network never "
                "trained on, so --calibration is only for models trained on files"
            )
        x, y = _bundled_validation_split(pipeline, description, model_path)
        return Calibration(
            scores(pipeline, pipeline.read_arrays(x), y),
            f"{len(x)} samples of the training run's validation split, never trained on",
        )
    if spec is None:
        raise ConfigError(
            "--confidence needs rows the network never trained on: retrain with "
            "--calibration-split 0.1 (rows kept aside and saved with the model), or give "
            "--calibration DATA, a labelled file the model has not seen"
        )
    read = pipeline.read(spec, with_target=True, where=spec)
    if pipeline.trained_on(read.source):
        raise DataError(
            f"--calibration '{spec}' is the file the model was trained on: calibrating on "
            "rows it learned makes the intervals too narrow to hold the truth as often as "
            "promised; give rows it never saw, or retrain with --calibration-split 0.1"
        )
    overlap = pipeline.training_overlap(read.source)
    if overlap:
        raise DataError(
            f"--calibration '{spec}': {overlap} of its {len(read.x)} rows are identical to rows "
            "the model trained on, which makes the intervals too narrow; remove them, or "
            "retrain with --calibration-split 0.1"
        )
    return Calibration(scores(pipeline, read.x, read.y), f"{len(read.x)} samples of '{spec}'")


def scores(pipeline: gn.Pipeline, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Conformal scores: 1 − p(true class) for a classifier, |error| for a regression."""
    if pipeline.task == "classification":
        return conformal.classification_scores(y, pipeline.probabilities(x))
    return conformal.regression_scores(y.reshape(len(y), -1), pipeline.values(x))


def _bundled_validation_split(
    pipeline: gn.Pipeline, description: dict, model_path: str
) -> tuple[np.ndarray, np.ndarray]:
    """The rows ``glassnet train`` held out for validation: the last tenth of its training split."""
    if not description.get("held_out", True):
        raise DataError(
            f"'{model_path}' learned every sample of '{description['name']}' (too few to hold "
            "any out), so no sample is left to calibrate its confidence on"
        )
    dataset = data.load(description["name"])
    if pipeline.record is not None and len(pipeline.record.parts.get("validation", ())):
        rows = pipeline.record.parts["validation"]
        x, y = dataset.x[rows], dataset.y[rows]
    else:
        test_size = description.get("test_size", 0.25)
        if description.get("split_seed") is None:
            x_train, _, y_train, _ = dataset.split(test_size)
        else:
            x_train, _, y_train, _ = dataset.split(test_size, description["split_seed"])
        held = math.ceil(len(x_train) * TRAIN_VALIDATION_FRACTION)
        x, y = x_train[-held:], y_train[-held:]
    if description.get("images"):
        x = dataset.images(x)
    return x, y


def add_intervals(
    frame: pd.DataFrame, values: np.ndarray, calibration: Calibration, confidence: float
) -> tuple[np.ndarray, np.ndarray]:
    """Insert ``lower`` and ``upper`` columns after each prediction; returns the bounds."""
    quantile = conformal.conformal_quantile(calibration.scores, confidence)
    lower, upper = conformal.intervals(values, quantile)
    # In the predictions' own precision, so the three columns print alike.
    lower, upper = lower.astype(values.dtype), upper.astype(values.dtype)
    for column in range(values.shape[1]):
        suffix = "" if values.shape[1] == 1 else str(column)
        at = frame.columns.get_loc(f"prediction{suffix}") + 1
        frame.insert(at, f"lower{suffix}", lower[:, column])
        frame.insert(at + 1, f"upper{suffix}", upper[:, column])
    return lower, upper


def add_sets(
    frame: pd.DataFrame,
    probabilities: np.ndarray,
    calibration: Calibration,
    classes: list[Any],
    confidence: float,
) -> np.ndarray:
    """Insert a ``set`` column (``"3|8"``) after the prediction; returns the boolean sets."""
    quantile = conformal.conformal_quantile(calibration.scores, confidence)
    members = conformal.sets(probabilities, quantile)
    frame.insert(1, "set", [conformal.format_set(row, classes) for row in members])
    return members
