"""``glassnet predict --confidence``: conformal intervals and sets for a model saved by ``train``.

Conformal prediction needs labelled samples the network never trained on (see
:mod:`glassnet.compare.conformal`). They come from:

* a model trained on a bundled data set: its training run's validation split (the
  last tenth of the training split, which ``glassnet train`` holds out and never
  trains on), rebuilt exactly from the split settings saved in the model;
* any other model: ``--calibration DATA``, a labelled file (or image folder) read the
  way the training data was.

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
from glassnet.cli.sources import load_like
from glassnet.compare import conformal
from glassnet.data import scaler_from_state
from glassnet.errors import ConfigError, DataError

# ``glassnet train`` holds out this fraction of the training split for validation.
TRAIN_VALIDATION_FRACTION = 0.1


@dataclass
class Calibration:
    """Scaled calibration inputs and their targets (class ids, or values), and where from."""

    x: np.ndarray
    y: np.ndarray
    origin: str


def calibration_samples(model: gn.Module, calibration: str | None, model_path: str) -> Calibration:
    """The labelled samples to calibrate on, scaled as the model's inputs are."""
    preprocessing = model.preprocessing
    description = preprocessing["source"]
    if description.get("kind") == "bundled":
        if calibration is not None:
            raise ConfigError(
                f"'{model_path}' was trained on the bundled data set '{description['name']}'; "
                "it calibrates on its training run's validation split, which the network never "
                "trained on, so --calibration is only for models trained on files"
            )
        x, y = _bundled_validation_split(description, model_path)
        origin = "the training run's validation split, never trained on"
    else:
        if calibration is None:
            raise ConfigError(
                "--confidence needs --calibration DATA for a model trained on a file: labelled "
                "samples (with the target column) that the network never trained on"
            )
        source = load_like(description, calibration, with_target=True)
        x, y = source.x, class_ids(source, preprocessing)
        origin = f"'{calibration}'"
    if "scaler" in preprocessing:
        x = scaler_from_state(preprocessing["scaler"]).transform(x)
    return Calibration(x, y, f"{len(x)} samples of {origin}")


def _bundled_validation_split(description: dict, model_path: str) -> tuple[np.ndarray, np.ndarray]:
    """The rows ``glassnet train`` held out for validation: the last tenth of its training split."""
    if not description.get("held_out", True):
        raise DataError(
            f"'{model_path}' learned every sample of '{description['name']}' (too few to hold "
            "any out), so no sample is left to calibrate its confidence on"
        )
    dataset = data.load(description["name"])
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


def class_ids(source: Any, preprocessing: dict) -> np.ndarray:
    """Targets as the model's class ids (mapped by class name), or values for a regression."""
    if preprocessing["task"] != "classification" or source.class_names is None:
        return source.y
    known = {str(name): index for index, name in enumerate(preprocessing["classes"])}
    names = [str(source.class_names[int(i)]) for i in source.y]
    unknown = sorted({name for name in names if name not in known})
    if unknown:
        raise DataError(
            f"the calibration data has the class(es) {', '.join(unknown)}, which the model "
            f"does not know (its classes: {', '.join(known)})"
        )
    return np.array([known[name] for name in names], dtype=np.int64)


def add_intervals(
    frame: pd.DataFrame,
    values: np.ndarray,
    calibration_values: np.ndarray,
    calibration_y: np.ndarray,
    confidence: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Insert ``lower`` and ``upper`` columns after each prediction; returns the bounds."""
    scores = conformal.regression_scores(
        calibration_y.reshape(len(calibration_y), -1), calibration_values
    )
    lower, upper = conformal.intervals(values, conformal.conformal_quantile(scores, confidence))
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
    calibration_probabilities: np.ndarray,
    calibration_y: np.ndarray,
    classes: list[Any],
    confidence: float,
) -> np.ndarray:
    """Insert a ``set`` column (``"3|8"``) after the prediction; returns the boolean sets."""
    scores = conformal.classification_scores(calibration_y, calibration_probabilities)
    members = conformal.sets(probabilities, conformal.conformal_quantile(scores, confidence))
    frame.insert(1, "set", [conformal.format_set(row, classes) for row in members])
    return members
