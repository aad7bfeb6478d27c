"""``build_report`` / ``write_report``: one self-contained HTML page about a model.

Example:
    >>> import glassnet as gn, numpy as np
    >>> from glassnet.inspect.report import build_report
    >>> model = gn.Sequential([gn.Dense(2, input_dim=2)]).compile("sgd", "categorical_crossentropy", ["accuracy"])
    >>> page = build_report(model, np.eye(2), np.array([0, 1]), sections=("model", "metrics"))
    >>> page.startswith("<!DOCTYPE html>")
    True
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from glassnet.errors import ConfigError, DataError
from glassnet.inspect.plots._figure import as_array
from glassnet.inspect.report import sections as parts
from glassnet.inspect.report.html_page import page
from glassnet.io.atomic import write_atomic
from glassnet.nn.module import Module
from glassnet.train import metrics as metric_functions
from glassnet.train.outputs import true_labels

ALL_SECTIONS = ("model", "metrics", "training", "network", "importance", "trace", "comparison")


def _default_metrics(task: str, y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    if task == "classification":
        binary = set(np.unique(np.concatenate([y_true, y_pred]))) <= {0, 1}
        average = "binary" if binary else "macro"
        return {
            "accuracy": metric_functions.accuracy(y_true, y_pred),
            "precision": metric_functions.precision(y_true, y_pred, average=average),
            "recall": metric_functions.recall(y_true, y_pred, average=average),
            "f1": metric_functions.f1(y_true, y_pred, average=average),
        }
    return {
        "mse": metric_functions.mse(y_true, y_pred),
        "mae": metric_functions.mae(y_true, y_pred),
        "r2": metric_functions.r2(y_true, y_pred),
    }


def build_report(
    model: Module,
    x: Any,
    y: Any,
    *,
    history: Any = None,
    metrics: Mapping[str, float] | None = None,
    comparison: Mapping[str, Any] | None = None,
    feature_names: Sequence[str] | None = None,
    class_names: Sequence[Any] | None = None,
    title: str = "What this neural network learned",
    data_description: str = "the held-out test samples",
    scaled_inputs: bool = False,
    sections: Sequence[str] = ALL_SECTIONS,
) -> str:
    """The report as an HTML string (see :func:`write_report`).

    Args:
        model: a trained, compiled model.
        x, y: the samples to report on, as the model reads them (scaled inputs; class
            indices or the targets it was trained on).
        history: the training History (or a mapping name → per-epoch values) for the
            training curves; omitted: no curves.
        metrics: the numbers to show; default: accuracy/precision/recall/F1 (classes)
            or MSE/MAE/R² computed on ``x``, ``y``.
        comparison: the ``comparison.json`` of ``glassnet compare``, for its table.
        feature_names, class_names: labels for inputs and classes.
        title: the page title.
        data_description: what ``x``, ``y`` are, for the metrics caption.
        scaled_inputs: say in the trace that the inputs were scaled as in training.
        sections: which sections, from ``ALL_SECTIONS``.
    """
    unknown = set(sections) - set(ALL_SECTIONS)
    if unknown:
        raise ConfigError(
            f"unknown report sections {sorted(unknown)}; valid: {', '.join(ALL_SECTIONS)}"
        )
    config = getattr(model, "training_config", None)
    if config is None:
        raise ConfigError("the report needs a compiled model (it reads the loss to know the task)")
    inputs, targets = as_array(x, "x"), as_array(y, "y")
    if len(inputs) != len(targets):
        raise DataError(f"x has {len(inputs)} samples but y has {len(targets)}")
    reader = config.reader
    task = "classification" if reader.is_classifier else "regression"
    outputs = model.predict(inputs)
    y_true = y_pred = None
    if task == "classification":
        y_true, y_pred = true_labels(targets), reader.labels(outputs)
        values = dict(metrics) if metrics is not None else _default_metrics(task, y_true, y_pred)
    else:
        values = (
            dict(metrics)
            if metrics is not None
            else _default_metrics(task, targets.reshape(outputs.shape), outputs)
        )
    names = list(feature_names or [])
    classes = list(class_names or [])

    built: list[str] = []
    for name in sections:
        if name == "model":
            built.append(parts.summary_section(model))
        elif name == "metrics":
            built.append(
                parts.metrics_section(task, values, y_true, y_pred, classes, data_description)
            )
        elif name == "training" and history is not None:
            built.append(parts.curves_section(history))
        elif name == "network":  # with the decision boundary when there are 2 inputs
            built.append(parts.network_section(model, names, classes))
            built.append(parts.boundary_section(model, inputs, targets, names, classes))
        elif name == "importance":
            built.append(parts.importance_section(model, inputs, targets, names))
        elif name == "trace":
            built.append(parts.trace_section(model, inputs, scaled_inputs))
        elif name == "comparison" and comparison is not None:
            built.append(parts.comparison_section(comparison))
    lead = (
        f"A {task} network with {model.count_params():,} learned numbers, reported on "
        f"{len(inputs)} samples. Every picture below was computed from the saved model itself."
    )
    return page(title, lead, [b for b in built if b])


def write_report(path: str | Path, model: Module, x: Any, y: Any, **options: Any) -> Path:
    """Write :func:`build_report`'s page to ``path`` (atomically); returns the path."""
    target = Path(path)
    if target.suffix.lower() not in (".html", ".htm"):
        raise ConfigError(f"the report is an HTML file; give a name ending in .html, got '{path}'")
    write_atomic(target, build_report(model, x, y, **options).encode("utf-8"))
    return target


def read_comparison(folder: str | Path) -> dict[str, Any] | None:
    """The run folder's ``comparison.json`` (from ``glassnet compare``), or None."""
    file = Path(folder) / "comparison.json"
    if not file.is_file():
        return None
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"'{file}' is not readable JSON ({exc}); rerun glassnet compare") from None
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        raise DataError(f"'{file}' has no 'rows' list; it was not written by glassnet compare")
    return data


def read_history_csv(folder: str | Path) -> dict[str, list[float]] | None:
    """The run folder's ``history.csv`` as name → per-epoch values, or None."""
    file = Path(folder) / "history.csv"
    if not file.is_file():
        return None
    import csv

    with file.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    logs: dict[str, list[float]] = {}
    for row in rows:
        for key, cell in row.items():
            if key == "epoch" or key is None or cell in ("", None):
                continue
            try:
                logs.setdefault(key, []).append(float(cell))
            except ValueError:
                raise DataError(f"'{file}': column '{key}' holds {cell!r}, not a number") from None
    return logs or None
