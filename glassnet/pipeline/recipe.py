"""The one recipe: read → split → encode → scale → build → compile → schedule → fit.

``glassnet train``, ``glassnet tune``, ``glassnet compare``'s network contender and
the scikit-learn style estimators all train through these functions, so a number
one of them reports is the number the others would give.

* :func:`prepare` reads the data, splits its rows (test, then calibration, then
  validation: the last tenth of what is left, as ``fit``'s ``validation_split``
  holds out), fits the encoder and the scalers on the training rows alone, and
  records the split;
* :func:`train` builds, compiles and fits the network on it and returns the
  :class:`~glassnet.pipeline.pipeline.Pipeline`;
* :func:`fit_scalers`, :func:`build_network` and (in :mod:`glassnet.pipeline.fitting`)
  ``compile_network`` and ``fit_network`` are its steps, for callers that bring
  their own arrays.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from glassnet import data
from glassnet.backend import seed as seed_everything
from glassnet.data.preprocessing import MinMaxScaler, StandardScaler
from glassnet.data.split import split_indices
from glassnet.errors import ConfigError, DataError
from glassnet.nn.module import Module
from glassnet.pipeline.fingerprint import row_hashes
from glassnet.pipeline.fitting import compile_network, fit_network
from glassnet.pipeline.networks import augmentation, build_cnn, build_mlp, output_count
from glassnet.pipeline.options import DataOptions, TrainSettings
from glassnet.pipeline.pipeline import Pipeline
from glassnet.pipeline.record import SplitRecord
from glassnet.pipeline.schema import TableSchema
from glassnet.pipeline.sources import Source, as_images, can_hold_out, fit_encoder_on, load_source
from glassnet.train.callbacks import EarlyStopping, OverfitMonitor

SCALERS = {"standard": StandardScaler, "minmax": MinMaxScaler}


@dataclass
class Prepared:
    """One run's data, split, encoded and scaled, with the record of the split."""

    source: Source
    x_fit: np.ndarray  # the training rows, then the validation rows (fit holds those out)
    y_fit: np.ndarray  # scaled targets for a regression
    x_test: np.ndarray
    y_test: np.ndarray  # in the target's own units
    x_calibration: np.ndarray
    y_calibration: np.ndarray
    held_out: bool
    validation_split: float
    preprocessing: dict[str, Any]
    record: SplitRecord


def split_rows(source: Source, settings: TrainSettings) -> tuple[dict[str, np.ndarray], bool]:
    """The row numbers of each part, and whether a test part could be held out at all.

    A bundled data set uses its fixed split (``Dataset.split``) unless a split seed
    is given; a file a stratified one seeded by the split seed (0 by default). The
    calibration rows are the last ``calibration_split`` of the training rows, the
    validation rows the last ``validation_split`` of what remains.
    """
    n = len(source.y)
    everything = np.arange(n)
    held_out = can_hold_out(source, settings.test_size)
    if not held_out:
        return {"train": everything, "test": np.array([], np.int64)}, False
    if source.description["kind"] == "bundled":
        dataset = data.load(source.description["name"])
        seeds = {} if settings.split_seed is None else {"seed": settings.split_seed}
        train, test = dataset.split_indices(settings.test_size, **seeds)
    else:
        stratify = source.task == "classification"
        train, test = split_indices(
            n, source.y, settings.test_size, stratify=stratify, rng=settings.split_seed or 0
        )
    parts = {"test": np.asarray(test, np.int64)}
    train = np.asarray(train, np.int64)
    if settings.calibration_split:
        held = math.ceil(len(train) * settings.calibration_split)
        if held >= len(train) - 2:
            raise DataError(
                f"--calibration-split {settings.calibration_split} of {len(train)} training "
                "rows leaves too few to train on; use a smaller fraction or more data"
            )
        train, parts["calibration"] = train[:-held], train[-held:]
    # As fit(validation_split=...) holds out the last ceil(n · fraction) of what it gets.
    held = math.ceil(len(train) * settings.validation_split)
    parts["train"], parts["validation"] = train[: len(train) - held], train[len(train) - held :]
    return parts, True


def fit_scalers(
    x: np.ndarray, y: np.ndarray, task: str, scale: str = "standard"
) -> tuple[Any, Any]:
    """(input scaler or None, target scaler or None) fitted on training rows.

    Tables are scaled per column (``scale``: standard or minmax); images are not. A
    regression's targets get z-scores, undone on the way out.
    """
    if scale not in (*SCALERS, "none"):
        raise ConfigError(f"--scale must be one of standard, minmax, none; got {scale!r}")
    scaler = SCALERS[scale]().fit(x) if scale != "none" and x.ndim == 2 else None
    target_scaler = None
    if task == "regression":
        target_scaler = StandardScaler().fit(y.reshape(len(y), -1))
    return scaler, target_scaler


def prepare(spec: str, options: DataOptions, settings: TrainSettings) -> Prepared:
    """Read ``spec``, split its rows, and encode and scale it from the training rows."""
    source = load_source(spec, options)
    if source.y is None:
        raise DataError(f"'{spec}' has no target to learn")
    parts, held_out = split_rows(source, settings)
    fitted_rows = np.concatenate([parts["train"], parts.get("validation", [])]).astype(np.int64)
    source = fit_encoder_on(source, fitted_rows, spec)
    x = as_images(source, source.x) if settings.model == "cnn" else source.x
    if held_out and source.description["kind"] == "bundled":
        # So that evaluate and predict read the very test split this run held out.
        source.description.update(
            {"test_size": settings.test_size, "split_seed": settings.split_seed}
        )
    source.description["held_out"] = held_out
    scaler, target_scaler = fit_scalers(
        x[fitted_rows], source.y[fitted_rows], source.task, settings.scale
    )

    def inputs(rows: np.ndarray) -> np.ndarray:
        chosen = x[rows]
        return scaler.transform(chosen) if scaler is not None else chosen

    def targets(rows: np.ndarray) -> np.ndarray:
        chosen = source.y[rows]
        if target_scaler is None:
            return chosen
        return target_scaler.transform(chosen.reshape(len(chosen), -1))

    test = parts["test"] if held_out else parts["train"]
    calibration = parts.get("calibration", np.array([], np.int64))
    preprocessing = _preprocessing(source, scaler, target_scaler, fitted_rows, options)
    hashes = None
    if source.frame is not None:
        schema = preprocessing["pipeline"]["schema"]
        columns = [c["name"] for c in schema["features"]] + [schema["target"]]
        hashes = row_hashes(source.frame.iloc[parts["train"]], columns)
    record = SplitRecord(source.fingerprint, Path(spec).name, len(source.y), parts, hashes)
    validation = len(parts.get("validation", ()))
    return Prepared(
        source,
        inputs(fitted_rows),
        targets(fitted_rows),
        inputs(test),
        source.y[test],
        inputs(calibration),
        source.y[calibration],
        held_out,
        settings.validation_split if validation else 0.0,
        preprocessing,
        record,
    )


def _preprocessing(
    source: Source, scaler: Any, target_scaler: Any, fitted_rows: np.ndarray, options: DataOptions
) -> dict[str, Any]:
    """The data path as saved with the model (see glassnet.pipeline.persist)."""
    preprocessing: dict[str, Any] = {
        "source": source.description,
        "task": source.task,
        "feature_names": source.feature_names,
        "classes": [
            c if isinstance(c, (str, int, float)) else str(c) for c in source.class_names or []
        ],
    }
    if scaler is not None:
        preprocessing["scaler"] = scaler.get_state()
    if target_scaler is not None:
        preprocessing["target_scaler"] = target_scaler.get_state()
    section: dict[str, Any] = {"data_options": options.to_dict()}
    if source.frame is not None:
        encoder = source.description["encoder"]
        schema = TableSchema.from_training(
            source.frame.iloc[fitted_rows], encoder["target"], encoder["columns"], encoder["drop"]
        )
        schema.file_columns = [str(c) for c in source.frame.columns]
        section["schema"] = schema.to_dict()
    preprocessing["pipeline"] = section
    return preprocessing


def build_network(settings: TrainSettings, task: str, outputs: int, x: np.ndarray) -> Module:
    """The network ``settings.model`` names, for inputs like ``x``."""
    augment = list(settings.augment)
    if settings.model == "cnn":
        if task != "classification":
            raise ConfigError("--model cnn is for classifying images; this is a regression")
        return build_cnn(outputs, x.shape[1:], augment)
    network = build_mlp(
        outputs, list(settings.layers), settings.activation, settings.dropout, images=x.ndim > 2
    )
    if augment:
        from glassnet.nn.sequential import Sequential

        network = Sequential([*augmentation(x, augment), *network.layers])
    return network


@dataclass
class TrainedRun:
    """What :func:`train` gives: the pipeline, its training history, and the time it took."""

    pipeline: Pipeline
    history: Any
    seconds: float
    prepared: Prepared


def train(
    prepared: Prepared,
    settings: TrainSettings,
    callbacks: list[Any] = (),
    monitor: bool = True,
    **fit_options: Any,
) -> TrainedRun:
    """Build, compile and fit the network on ``prepared``; the trained pipeline.

    ``monitor`` adds the overfitting monitor (printing its warning) when there is a
    validation split; ``settings.patience`` adds early stopping. ``fit_options``
    go to ``fit`` (``verbose``, ``checkpoint``, ``checkpoint_every``, ``resume``).
    """
    source = prepared.source
    seed_everything(settings.seed)
    outputs = output_count(source.task, source.class_names, source.y)
    network = build_network(settings, source.task, outputs, prepared.x_fit)
    network.preprocessing = prepared.preprocessing
    compile_network(network, source.task, settings)
    samples = math.floor(len(prepared.x_fit) * (1 - prepared.validation_split))
    epochs, patience, _ = settings.length(samples)
    watched: list[Any] = []
    if monitor and prepared.validation_split:
        watched.append(OverfitMonitor(action="print"))
    if patience > 0 and prepared.validation_split:
        watched.append(EarlyStopping("val_loss", patience=patience, restore_best_weights=True))
    started = time.perf_counter()
    history = fit_network(
        network,
        prepared.x_fit,
        prepared.y_fit,
        settings,
        epochs,
        [*watched, *callbacks],
        prepared.validation_split,
        **fit_options,
    )
    seconds = time.perf_counter() - started
    return TrainedRun(
        Pipeline(network, prepared.preprocessing, prepared.record), history, seconds, prepared
    )
