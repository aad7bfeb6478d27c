"""``glassnet evaluate MODEL DATA`` and ``glassnet predict MODEL DATA --out FILE [--confidence C]``.

Both read DATA through the saved pipeline. ``evaluate`` scores the held-out test
rows when DATA is the file the model was trained on, and says which rows it
scored on the same line as the score's heading.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import glassnet as gn
from glassnet.cli import confidence
from glassnet.cli.data_options import add_data_options, refuse_changed_options
from glassnet.cli.model_data import evaluation_data, load_pipeline, read_data, saved_options
from glassnet.cli.report import (
    classification_metrics,
    format_confusion,
    format_metrics,
    regression_metrics,
)
from glassnet.compare import conformal
from glassnet.errors import ConfigError
from glassnet.io.atomic import write_atomic


def add_parsers(commands: Any) -> None:
    evaluate = commands.add_parser("evaluate", help="measure a saved model on labelled data")
    evaluate.add_argument("model", help="model file (model.safetensors)")
    evaluate.add_argument(
        "data",
        help="data with the target column (the training file: its held-out test rows; a "
        "bundled name: its fixed test split)",
    )
    add_data_options(evaluate)
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
        help="labelled data the model never trained on, to calibrate --confidence (not needed "
        "for a model trained with --calibration-split or on a bundled data set)",
    )
    add_data_options(predict)
    predict.set_defaults(run=run_predict)


def run_evaluate(args: argparse.Namespace) -> int:
    pipeline = load_pipeline(args.model)
    if pipeline.kind == "series":
        return _evaluate_forecast(args, pipeline)
    read, words = evaluation_data(args, pipeline, args.data)
    print(f"evaluating {args.model} on {words}:")
    if pipeline.task == "classification":
        predicted = pipeline.labels(read.x)
        print(format_metrics(classification_metrics(read.y, predicted)))
        print()
        print(format_confusion(read.y, predicted, pipeline.classes))
    else:
        predicted = pipeline.values(read.x).reshape(read.y.shape)
        print(format_metrics(regression_metrics(read.y, predicted)))
    return 0


def _evaluate_forecast(args: argparse.Namespace, pipeline: gn.Pipeline) -> int:
    """A forecaster's RMSE on ``args.data``'s windows, next to the naive forecast's."""
    refuse_changed_options(args, saved_options(pipeline), args.model)
    x, y, naive, words = pipeline.series_evaluation(args.data, args.data)
    print(f"evaluating {args.model} on {words}:")
    predicted = pipeline.values(x).reshape(y.shape)
    results = regression_metrics(y, predicted)
    print(format_metrics(results))
    naive_rmse = float(np.sqrt(np.mean((naive - y) ** 2)))
    print(f"  {'naive_rmse':<10} {naive_rmse:.4f}  (next value = last value)")
    return 0


def _predict_forecast(args: argparse.Namespace, pipeline: gn.Pipeline, out: Path) -> int:
    """One forecast per window of the series, the last for the step after its last row."""
    if args.confidence is not None:
        raise ConfigError("--confidence is not available for forecasts (--model lstm/gru/rnn) yet")
    refuse_changed_options(args, saved_options(pipeline), args.model)
    windows = pipeline.forecast_windows(args.data, args.data)
    values = pipeline.values(windows.x)[:, 0]
    window = int(pipeline.preprocessing["window"])
    frame = pd.DataFrame({"row": np.arange(len(values)) + window + 1, "prediction": values})
    trained_on = pipeline.record is not None and pipeline.record.trained_on(windows.fingerprint)
    if trained_on:
        split = np.append(pipeline.record.split_column(), "next")
        frame.insert(0, "split", split)
    text = io.StringIO()
    frame.to_csv(text, index=False)
    write_atomic(out, text.getvalue().encode())
    print(
        f"wrote {len(frame)} forecasts of '{pipeline.preprocessing['target']}' to {out} (row: "
        f"the data row forecast from the {window} rows before it; the last is the next step)"
    )
    if trained_on:
        print(
            f"note: '{args.data}' is the series the model was trained on; only the rows of "
            "its test tail (column 'split') are forecasts of unseen steps"
        )
    return 0


def _check_out(args: argparse.Namespace) -> Path:
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
    return out


def run_predict(args: argparse.Namespace) -> int:
    out = _check_out(args)
    pipeline = load_pipeline(args.model)
    if pipeline.kind == "series":
        return _predict_forecast(args, pipeline, out)
    read = read_data(args, pipeline, args.data, with_target=False)
    calibration = None
    if args.confidence is not None:
        calibration = confidence.calibration(pipeline, args.calibration, args.model)
    frame = pd.DataFrame()
    members = lower = upper = None
    if pipeline.task == "classification":
        probabilities = pipeline.probabilities(read.x)
        classes = pipeline.classes
        frame["prediction"] = np.asarray(classes, dtype=object)[probabilities.argmax(axis=1)]
        for index, name in enumerate(classes):
            frame[f"p({name})"] = probabilities[:, index]
        if calibration is not None:
            members = confidence.add_sets(
                frame, probabilities, calibration, classes, args.confidence
            )
    else:
        values = pipeline.values(read.x)
        for column in range(values.shape[1]):
            name = "prediction" if values.shape[1] == 1 else f"prediction{column}"
            frame[name] = values[:, column]
        if calibration is not None:
            lower, upper = confidence.add_intervals(frame, values, calibration, args.confidence)
    trained_on = pipeline.trained_on(read.source) and pipeline.record is not None
    if trained_on:
        # Which rows the model learned, so that nobody reads them as forecasts of new data.
        frame.insert(0, "split", pipeline.record.split_column())
    text = io.StringIO()
    frame.to_csv(text, index=False)
    write_atomic(out, text.getvalue().encode())
    print(f"wrote {len(frame)} predictions to {out}")
    if trained_on:
        record = pipeline.record
        print(
            f"note: '{args.data}' is the file the model was trained on: {record.count('train')} "
            f"of its {record.rows} rows were training rows (the column 'split' says which row "
            "is in which part); only its test rows are predictions of unseen data"
        )
    if calibration is not None:
        _print_coverage(args, pipeline, read, calibration, members, lower, upper, trained_on)
    return 0


def _print_coverage(args, pipeline, read, calibration, members, lower, upper, trained_on) -> None:
    what = "set" if pipeline.task == "classification" else "interval"
    print(
        f"with {'a' if what == 'set' else 'an'} {what} for each at {args.confidence:.0%} "
        f"confidence (split conformal prediction, calibrated on {calibration.origin})"
    )
    if read.y is None:
        return
    rows = np.arange(len(read.y))
    where = f"{args.data}"
    if trained_on:
        rows = pipeline.record.parts.get("test", np.array([], np.int64))
        where = pipeline.record.describe_test()
        if not len(rows):
            return
    if members is not None:
        coverage = conformal.set_coverage(read.y[rows], members[rows], range(len(pipeline.classes)))
    else:
        truth = read.y.reshape(len(read.y), -1)[rows]
        coverage = conformal.interval_coverage(truth, lower[rows], upper[rows])
    print(
        f"coverage on {where}: {coverage:.1%} of the true values lie in their "
        f"{what} (nominal {args.confidence:.0%})"
    )
