"""``glassnet evaluate MODEL DATA`` and ``glassnet predict MODEL DATA --out FILE [--confidence C]``."""

from __future__ import annotations

import argparse
import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import glassnet as gn
from glassnet.cli import confidence
from glassnet.cli.report import (
    classification_metrics,
    format_confusion,
    format_metrics,
    regression_metrics,
)
from glassnet.cli.sources import Source, load_like
from glassnet.cli.train_command import predict_values
from glassnet.compare import conformal
from glassnet.data import scaler_from_state
from glassnet.errors import ConfigError, DataError, GlassnetError
from glassnet.io.atomic import write_atomic


def add_parsers(commands: Any) -> None:
    evaluate = commands.add_parser("evaluate", help="measure a saved model on labelled data")
    evaluate.add_argument("model", help="model file (model.safetensors)")
    evaluate.add_argument(
        "data", help="data with the target column (a bundled name: its fixed test split)"
    )
    evaluate.set_defaults(run=run_evaluate)
    predict = commands.add_parser("predict", help="write a saved model's predictions to a CSV file")
    predict.add_argument("model", help="model file (model.safetensors)")
    predict.add_argument("data", help="data to predict (a bundled name: its fixed test split)")
    predict.add_argument("--out", required=True, help="the CSV file to write")
    predict.add_argument(
        "--confidence",
        type=float,
        help="also write a conformal prediction interval (regression: lower, upper) or set "
        "(classification: e.g. 3|8) holding the truth with this probability, e.g. 0.9",
    )
    predict.add_argument(
        "--calibration",
        metavar="DATA",
        help="labelled data the model never trained on, to calibrate --confidence (needed "
        "unless the model was trained on a bundled data set: then its validation split)",
    )
    predict.set_defaults(run=run_predict)


def _prepare(
    model_path: str, data_spec: str, with_target: bool
) -> tuple[gn.Module, Source, np.ndarray]:
    model = gn.load(model_path)
    preprocessing = getattr(model, "preprocessing", {})
    if "source" not in preprocessing:
        raise DataError(
            f"'{model_path}' was not saved by 'glassnet train', so it does not say how to read "
            "data files; use it from Python (gn.load) instead"
        )
    _check_description(model_path, preprocessing)
    try:
        source = load_like(preprocessing["source"], data_spec, with_target)
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, GlassnetError):
            raise
        raise DataError(
            f"'{model_path}': its description of the training data is incomplete ({exc!r}); "
            "was the file edited?"
        ) from None
    x = source.x
    if "scaler" in preprocessing:
        x = scaler_from_state(preprocessing["scaler"]).transform(x)
    return model, source, x


def _check_description(model_path: str, preprocessing: dict) -> None:
    """What evaluate and predict read from a model file must be there and make sense."""
    task = preprocessing.get("task")
    if task not in ("classification", "regression"):
        raise DataError(
            f"'{model_path}' names no task (classification or regression), got {task!r}; "
            "was the file edited?"
        )
    if task == "classification" and not isinstance(preprocessing.get("classes"), list):
        raise DataError(f"'{model_path}' is a classifier without its list of classes")
    if not isinstance(preprocessing.get("source"), dict):
        raise DataError(f"'{model_path}': its description of the training data is malformed")


def run_evaluate(args: argparse.Namespace) -> int:
    model, source, x = _prepare(args.model, args.data, with_target=True)
    preprocessing = model.preprocessing
    where = "its fixed test split" if source.test_only else f"{len(x)} samples"
    print(f"evaluating {args.model} on {args.data} ({where})")
    if preprocessing["task"] == "classification":
        predicted = model.training_config.reader.labels(model.predict(x))
        print(format_metrics(classification_metrics(source.y, predicted)))
        print()
        print(format_confusion(source.y, predicted, preprocessing["classes"]))
    else:
        predicted = predict_values(model, x, preprocessing).reshape(source.y.shape)
        print(format_metrics(regression_metrics(source.y, predicted)))
    return 0


def run_predict(args: argparse.Namespace) -> int:
    out = Path(args.out)
    for given, what in ((args.data, "the input file"), (args.model, "the model file")):
        if out.exists() and Path(given).exists() and out.samefile(given):
            raise ConfigError(f"--out '{out}' is {what}; choose another file to write")
    if out.is_dir():
        raise ConfigError(f"--out '{out}' is a folder; give a file name such as predictions.csv")
    if args.confidence is not None:
        conformal.check_confidence(args.confidence)
    elif args.calibration is not None:
        raise ConfigError("--calibration is for --confidence; give the confidence level too")
    model, source, x = _prepare(args.model, args.data, with_target=False)
    preprocessing = model.preprocessing
    calibration = None
    if args.confidence is not None:
        calibration = confidence.calibration_samples(model, args.calibration, args.model)
    frame = pd.DataFrame()
    coverage = None
    if preprocessing["task"] == "classification":
        reader = model.training_config.reader
        probabilities = reader.probabilities(model.predict(x))
        classes = preprocessing["classes"]
        frame["prediction"] = np.asarray(classes, dtype=object)[probabilities.argmax(axis=1)]
        for index, name in enumerate(classes):
            frame[f"p({name})"] = probabilities[:, index]
        if calibration is not None:
            calibrated = reader.probabilities(model.predict(calibration.x))
            members = confidence.add_sets(
                frame, probabilities, calibrated, calibration.y, classes, args.confidence
            )
            if source.y is not None:
                truth = confidence.class_ids(source, preprocessing)
                coverage = conformal.set_coverage(truth, members, range(len(classes)))
    else:
        values = predict_values(model, x, preprocessing)
        for column in range(values.shape[1]):
            frame["prediction" if values.shape[1] == 1 else f"prediction{column}"] = values[
                :, column
            ]
        if calibration is not None:
            calibrated = predict_values(model, calibration.x, preprocessing)
            lower, upper = confidence.add_intervals(
                frame, values, calibrated, calibration.y, args.confidence
            )
            if source.y is not None:
                coverage = conformal.interval_coverage(source.y.reshape(values.shape), lower, upper)
    text = io.StringIO()
    frame.to_csv(text, index=False)
    write_atomic(out, text.getvalue().encode())
    print(f"wrote {len(frame)} predictions to {out}")
    if calibration is not None:
        what = "set" if preprocessing["task"] == "classification" else "interval"
        print(
            f"with {'a' if what == 'set' else 'an'} {what} for each at {args.confidence:.0%} confidence (split conformal "
            f"prediction, calibrated on {calibration.origin})"
        )
        if coverage is not None:
            print(
                f"coverage on {args.data}: {coverage:.1%} of the true values lie in their "
                f"{what} (nominal {args.confidence:.0%})"
            )
    return 0
