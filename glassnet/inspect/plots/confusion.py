"""The confusion matrix as a picture: rows the true class, columns the predicted one.

Example:
    >>> from glassnet.inspect.plots import plot_confusion
    >>> figure = plot_confusion([0, 1, 1, 0], [0, 1, 0, 0], ["no", "yes"])
    >>> len(figure.axes[0].texts)  # one count per cell
    4
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from glassnet.errors import ConfigError
from glassnet.inspect.plots._figure import SEQUENTIAL, as_array, finish, new_figure, require_built
from glassnet.nn.module import Module
from glassnet.train.metrics import confusion_matrix
from glassnet.train.outputs import true_labels


def plot_confusion(
    y_true: Any,
    y_pred: Any,
    class_names: Sequence[Any] | None = None,
    *,
    normalize: bool = False,
    path: str | Path | None = None,
) -> Figure:
    """Draw the confusion matrix of true and predicted class indices.

    Args:
        y_true, y_pred: class indices 0..k-1 (or one-hot rows), shape (n,).
        class_names: a name per class index (default: the indices).
        normalize: show each row as fractions of its true class instead of counts.
        path: save the picture there too (.png or .svg).

    Returns:
        The Figure: one image of k × k cells, each with its number written in it.
    """
    truth = true_labels(as_array(y_true, "y_true"))
    predicted = true_labels(as_array(y_pred, "y_pred"))
    classes = int(max(truth.max(), predicted.max())) + 1
    if class_names is not None:
        if len(class_names) < classes:
            raise ConfigError(
                f"class_names has {len(class_names)} names, but the labels reach class {classes - 1}"
            )
        classes = len(class_names)
    names = (
        [str(n) for n in class_names]
        if class_names is not None
        else [str(k) for k in range(classes)]
    )
    matrix = confusion_matrix(truth, predicted, labels=list(range(classes))).astype(np.float64)
    if normalize:
        totals = matrix.sum(axis=1, keepdims=True)
        matrix = np.divide(matrix, totals, out=np.zeros_like(matrix), where=totals > 0)
    size = min(9.0, 2.4 + 0.45 * classes)
    figure = new_figure(size + 1.0, size)
    axes = figure.add_subplot()
    image = axes.imshow(matrix, cmap=SEQUENTIAL, interpolation="nearest")
    figure.colorbar(image, ax=axes, shrink=0.8, label="fraction" if normalize else "samples")
    threshold = matrix.max() / 2 if matrix.max() > 0 else 1
    font = 9 if classes <= 12 else 6
    for i in range(classes):
        for j in range(classes):
            text = f"{matrix[i, j]:.2f}" if normalize else f"{int(matrix[i, j])}"
            colour = "white" if matrix[i, j] > threshold else "black"
            axes.text(j, i, text, ha="center", va="center", color=colour, fontsize=font)
    axes.set_xticks(range(classes), names, rotation=45 if max(map(len, names)) > 3 else 0)
    axes.set_yticks(range(classes), names)
    axes.set_xlabel("predicted class")
    axes.set_ylabel("true class")
    axes.set_title("Confusion matrix: the diagonal holds the right answers", fontsize=10)
    return finish(figure, path)


def plot_confusion_matrix(
    model: Module,
    x: Any,
    y: Any,
    class_names: Sequence[Any] | None = None,
    *,
    normalize: bool = False,
    path: str | Path | None = None,
) -> Figure:
    """The confusion matrix of a trained classifier on ``x``, ``y``.

    Args:
        model: a classifier compiled with a cross-entropy loss.
        x, y: samples and their true classes (indices or one-hot rows).
        class_names, normalize, path: as for :func:`plot_confusion`.
    """
    require_built(model)
    config = getattr(model, "training_config", None)
    if config is None or not config.reader.is_classifier:
        raise ConfigError(
            "a confusion matrix is for classifiers: compile the model with a cross-entropy loss"
        )
    predicted = config.reader.labels(model.predict(as_array(x, "x")))
    return plot_confusion(y, predicted, class_names, normalize=normalize, path=path)
