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
from glassnet.cli.report import classification_metrics, regression_metrics
from glassnet.cli.train_command import predict_values
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
    model: gn.Module,
    x: np.ndarray,
    y: np.ndarray,
    folder: Path,
    *,
    feature_names: list[str],
    data_description: str,
    title: str,
) -> Path:
    """Write the report of ``model`` on ``x`` (as the model reads it) and ``y`` (as given)."""
    preprocessing = getattr(model, "preprocessing", {})
    classes = list(preprocessing.get("classes") or [])
    if preprocessing.get("task") == "regression":
        predicted = predict_values(model, x, preprocessing).reshape(y.shape)
        metrics = regression_metrics(y, predicted)
        # Importance is measured on the targets in the units the network learned.
        targets = y.reshape(len(y), -1)
        if "target_scaler" in preprocessing:
            targets = scaler_from_state(preprocessing["target_scaler"]).transform(targets)
    else:
        predicted = model.training_config.reader.labels(model.predict(x))
        metrics = classification_metrics(y, predicted)
        targets = y
    return write_report(
        path,
        model,
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
    from glassnet.cli.use_commands import _prepare

    folder = Path(args.model).parent
    path = report_path(args.out, folder)
    model, source, x = _prepare(args.model, args.data, with_target=True)
    where = "the fixed test split" if source.test_only else f"{len(x)} samples"
    written = write_model_report(
        path,
        model,
        x,
        source.y,
        folder,
        feature_names=list(source.feature_names or []),
        data_description=f"{args.data} ({where})",
        title=f"Report: a neural network on {Path(str(args.data)).stem}",
    )
    print(f"wrote {written}")
    return 0


def run_report(
    model: gn.Module,
    folder: Path,
    x_test: np.ndarray,
    y_test: np.ndarray,
    source: Any,
    data: str,
    held_out: bool,
) -> Path:
    """``glassnet train --report``: the report of the model just trained, in its run folder."""
    where = (
        f"{len(x_test)} held-out test samples, never seen in training"
        if held_out
        else f"the {len(x_test)} training samples (too few to hold a test split out)"
    )
    written = write_model_report(
        folder / REPORT,
        model,
        x_test,
        y_test,
        folder,
        feature_names=list(source.feature_names or []),
        data_description=where,
        title=f"Report: a neural network on {Path(str(data)).stem}",
    )
    print(f"wrote {written}")
    return written
