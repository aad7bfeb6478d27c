"""``glassnet report MODEL DATA``: the HTML report of a saved model (also ``train --report``).

The page is written next to the model (``report.html``) unless ``--out`` says
otherwise. It shows the training curves when the run folder holds ``history.csv``,
and the comparison with classic methods when it holds ``comparison.json``
(written by ``glassnet compare``).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

import glassnet as gn
from glassnet.cli.data_options import add_data_options
from glassnet.cli.model_data import evaluation_data, load_pipeline, model_file
from glassnet.cli.report import classification_metrics, regression_metrics
from glassnet.data import scaler_from_state
from glassnet.errors import ConfigError
from glassnet.inspect.report import read_comparison, read_history_csv, write_report

REPORT = "report.html"


def add_parsers(commands: Any) -> None:
    parser = commands.add_parser(
        "report",
        help="write a self-contained HTML report of a saved model (pictures, metrics, trace)",
        description="Write one HTML file, viewable offline, that explains a trained model to "
        "anyone: its metrics and confusion matrix, training curves, a picture of the network, "
        "which inputs matter, and one prediction worked out step by step.",
    )
    parser.add_argument("model", help="model file (model.safetensors) saved by glassnet train")
    parser.add_argument(
        "data", help="labelled data to report on (a bundled name: its fixed test split)"
    )
    parser.add_argument(
        "--out", default=None, help=f"the HTML file to write (default: {REPORT} next to the model)"
    )
    add_data_options(parser)
    parser.set_defaults(run=run)


def report_path(out: str | None, folder: Path) -> Path:
    path = Path(out) if out else folder / REPORT
    if path.is_dir():
        raise ConfigError(f"--out '{path}' is a folder; give a file name such as report.html")
    if path.suffix.lower() not in (".html", ".htm"):
        raise ConfigError(f"--out '{path}': the report is an HTML file; use a name ending in .html")
    return path


def write_model_report(
    path: Path,
    pipeline: gn.Pipeline,
    x: np.ndarray,
    y: np.ndarray,
    folder: Path,
    *,
    feature_names: list[str],
    data_description: str,
    title: str,
) -> Path:
    """Write the report of ``pipeline`` on ``x`` (as the network reads it) and ``y`` (as given)."""
    preprocessing = pipeline.preprocessing
    classes = list(pipeline.classes or [])
    if pipeline.task == "regression":
        predicted = pipeline.values(x).reshape(y.shape)
        metrics = regression_metrics(y, predicted)
        # Importance is measured on the targets in the units the network learned.
        targets = y.reshape(len(y), -1)
        if "target_scaler" in preprocessing:
            targets = scaler_from_state(preprocessing["target_scaler"]).transform(targets)
    else:
        predicted = pipeline.labels(x)
        metrics = classification_metrics(y, predicted)
        targets = y
    return write_report(
        path,
        pipeline.network,
        x,
        targets,
        history=read_history_csv(folder),
        metrics=metrics,
        comparison=read_comparison(folder),
        feature_names=feature_names,
        class_names=classes,
        title=title,
        data_description=data_description,
        scaled_inputs="scaler" in preprocessing,
    )


def run(args: argparse.Namespace) -> int:
    folder = model_file(args.model).parent
    path = report_path(args.out, folder)
    pipeline = load_pipeline(args.model)
    read, words = evaluation_data(args, pipeline, args.data)
    written = write_model_report(
        path,
        pipeline,
        read.x,
        read.y,
        folder,
        feature_names=list(
            read.source.feature_names or pipeline.preprocessing.get("feature_names") or []
        ),
        data_description=f"{args.data}: {words}",
        title=f"Report: a neural network on {Path(str(args.data)).stem}",
    )
    print(f"wrote {written} (scored on {words})")
    return 0


def run_report(pipeline: gn.Pipeline, folder: Path, prepared: Any, data: str) -> Path:
    """``glassnet train --report``: the report of the pipeline just trained, in its run folder."""
    n = len(prepared.x_test)
    where = (
        f"{n} held-out test samples, never seen in training"
        if prepared.held_out
        else f"the {n} training samples (too few to hold a test split out)"
    )
    written = write_model_report(
        folder / REPORT,
        pipeline,
        prepared.x_test,
        prepared.y_test,
        folder,
        feature_names=list(prepared.source.feature_names or []),
        data_description=where,
        title=f"Report: a neural network on {Path(str(data)).stem}",
    )
    print(f"wrote {written}")
    return written
