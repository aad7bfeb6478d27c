"""The decision boundary of a model with two inputs, with its data points on top.

Example:
    >>> import glassnet as gn, numpy as np
    >>> from glassnet.inspect.plots import plot_decision_boundary
    >>> model = gn.Sequential([gn.Dense(2, input_dim=2)]).compile("sgd", "categorical_crossentropy")
    >>> x = np.array([[0.0, 0.0], [1.0, 1.0]]); y = np.array([0, 1])
    >>> figure = plot_decision_boundary(model, x, y)
    >>> len(figure.axes[0].collections[-1].get_offsets())  # one dot per sample
    2
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from glassnet.errors import ConfigError, ShapeError
from glassnet.inspect.plots._figure import as_array, finish, new_figure, require_built
from glassnet.nn.module import Module
from glassnet.train.outputs import true_labels

# Colour-blind-safe class colours (Okabe–Ito); more classes reuse them.
CLASS_COLORS = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)


def _model_kind(model: Module) -> str:
    config = getattr(model, "training_config", None)
    return "regression" if config is None or not config.reader.is_classifier else "classification"


def plot_decision_boundary(
    model: Module,
    x: Any,
    y: Any = None,
    *,
    resolution: int = 200,
    margin: float = 0.1,
    feature_names: Sequence[str] | None = None,
    class_names: Sequence[str] | None = None,
    path: str | Path | None = None,
) -> Figure:
    """Colour the plane by the model's prediction and draw the samples on it.

    A classifier (compiled with a cross-entropy loss) colours each region by its
    predicted class; any other model shows its output as a continuous colour with
    the 0.5 level drawn as a line.

    Args:
        model: a trained model that takes 2 inputs.
        x: samples, shape (n, 2); they set the drawn area (plus ``margin``).
        y: their labels (classes or values), to colour the dots; optional.
        resolution: grid points per axis.
        feature_names, class_names: axis and legend labels.
        path: save the picture there too (.png or .svg).

    Returns:
        The Figure; the last collection of its axes is the scatter of the samples.
    """
    require_built(model)
    points = as_array(x, "x").astype(np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ShapeError(
            f"a decision boundary is drawn for models with 2 inputs; x has shape {points.shape}, "
            "expected (samples, 2)"
        )
    if not 10 <= resolution <= 2000:
        raise ConfigError(f"resolution must be between 10 and 2000 grid points, got {resolution}")
    low, high = points.min(axis=0), points.max(axis=0)
    pad = (high - low) * margin + 1e-9
    grid_x, grid_y = np.meshgrid(
        np.linspace(low[0] - pad[0], high[0] + pad[0], resolution),
        np.linspace(low[1] - pad[1], high[1] + pad[1], resolution),
    )
    grid = np.column_stack([grid_x.ravel(), grid_y.ravel()])
    outputs = model.predict(grid)
    figure = new_figure(5.6, 4.6)
    axes = figure.add_subplot()
    if _model_kind(model) == "classification":
        reader = model.training_config.reader
        labels = reader.labels(outputs).reshape(grid_x.shape)
        truth = None if y is None else true_labels(as_array(y, "y"))
        classes = max(2, int(labels.max()) + 1, 0 if truth is None else int(truth.max()) + 1)
        colors = [CLASS_COLORS[k % len(CLASS_COLORS)] for k in range(classes)]
        cmap = ListedColormap(colors)
        levels = np.arange(classes + 1) - 0.5
        norm = BoundaryNorm(levels, classes)
        axes.contourf(grid_x, grid_y, labels, levels=levels, cmap=cmap, norm=norm, alpha=0.3)
        if truth is None:
            axes.scatter(points[:, 0], points[:, 1], color="k", s=12)
        else:
            axes.legend(
                handles=_class_handles(np.unique(truth), colors, class_names),
                fontsize=8,
                loc="upper right",
                framealpha=0.8,
            )
            axes.scatter(
                points[:, 0], points[:, 1], c=truth, cmap=cmap, norm=norm, edgecolors="k", s=22
            )
    else:
        values = outputs.reshape(len(grid), -1)[:, 0].reshape(grid_x.shape)
        filled = axes.contourf(grid_x, grid_y, values, levels=20, cmap="RdBu_r", alpha=0.6)
        figure.colorbar(filled, ax=axes, label="model output")
        if values.min() < 0.5 < values.max():
            axes.contour(grid_x, grid_y, values, levels=[0.5], colors="k", linewidths=1.5)
        colour = None if y is None else as_array(y, "y").reshape(len(points), -1)[:, 0]
        axes.scatter(points[:, 0], points[:, 1], c=colour, cmap="RdBu_r", edgecolors="k", s=22)
    names = list(feature_names) if feature_names is not None else ["input 1", "input 2"]
    axes.set_xlabel(names[0])
    axes.set_ylabel(names[1])
    axes.set_title("Decision boundary: the model's answer everywhere on the plane", fontsize=10)
    return finish(figure, path)


def _class_handles(labels: np.ndarray, colors: list[str], class_names) -> list[Line2D]:
    """Legend entries: one coloured dot per class present in the data."""
    handles = []
    for label in labels:
        k = int(label)
        name = class_names[k] if class_names is not None and k < len(class_names) else k
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                color=colors[k],
                markeredgecolor="k",
                label=f"class {name}",
            )
        )
    return handles
