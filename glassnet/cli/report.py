"""Plain-text results for the terminal: metrics, the confusion matrix, TP/FP/FN/TN."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.train import metrics


def classification_metrics(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    average = "binary" if set(np.unique(np.concatenate([y_true, y_pred]))) <= {0, 1} else "macro"
    return {
        "accuracy": metrics.accuracy(y_true, y_pred),
        "precision": metrics.precision(y_true, y_pred, average=average),
        "recall": metrics.recall(y_true, y_pred, average=average),
        "f1": metrics.f1(y_true, y_pred, average=average),
    }


def regression_metrics(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    return {
        "mse": metrics.mse(y_true, y_pred),
        "rmse": metrics.rmse(y_true, y_pred),
        "mae": metrics.mae(y_true, y_pred),
        "r2": metrics.r2(y_true, y_pred),
    }


def format_metrics(values: dict[str, float]) -> str:
    return "\n".join(f"  {name:<10} {value:.4f}" for name, value in values.items())


def format_confusion(y_true: np.ndarray, y_pred: np.ndarray, class_names: list[Any]) -> str:
    """The confusion matrix (rows: true class, columns: predicted), plus TP/FP/FN/TN."""
    labels = list(range(len(class_names)))
    matrix = metrics.confusion_matrix(y_true, y_pred, labels=labels)
    names = [str(name) for name in class_names]
    width = max(5, *(len(n) for n in names), len(str(int(matrix.max()))))
    lines = ["confusion matrix (rows: true class, columns: predicted class)"]
    lines.append(" " * (width + 2) + " ".join(f"{n:>{width}}" for n in names))
    for name, row in zip(names, matrix, strict=True):
        lines.append(f"{name:>{width}}  " + " ".join(f"{int(v):>{width}}" for v in row))
    if len(names) == 2:
        counts = metrics.binary_counts(y_true, y_pred, positive=1)
        lines.append(
            f"positive class '{names[1]}': TP {counts.tp}  FP {counts.fp}  FN {counts.fn}  TN {counts.tn}"
        )
    else:
        lines.append("per class, one vs rest:")
        lines.append(" " * (width + 2) + "".join(f"{h:>6}" for h in ("TP", "FP", "FN", "TN")))
        for label, counts in metrics.per_class_counts(y_true, y_pred, labels=labels).items():
            cells = (counts.tp, counts.fp, counts.fn, counts.tn)
            lines.append(f"{names[label]:>{width}}  " + "".join(f"{c:>6}" for c in cells))
    return "\n".join(lines)
