"""Weight matrices as heatmaps: one panel per layer, rows = inputs, columns = neurons.

Example:
    >>> import glassnet as gn
    >>> from glassnet.inspect.plots import plot_weights
    >>> model = gn.Sequential([gn.Dense(3, input_dim=2), gn.Dense(1)])
    >>> [image.get_array().shape for image in plot_weights(model).axes[0].images]
    [(2, 3)]
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from glassnet.errors import ConfigError
from glassnet.inspect.plots._figure import DIVERGING, finish, layers_with, new_figure, require_built
from glassnet.nn.module import Module


def _as_matrix(kernel: np.ndarray) -> np.ndarray:
    """A Dense kernel as it is; a convolution's (filters, C, kh, kw) as filters × the rest."""
    if kernel.ndim == 2:
        return kernel
    return kernel.reshape(kernel.shape[0], -1).T


def plot_weights(
    model: Module, *, layers: list[str] | None = None, path: str | Path | None = None
) -> Figure:
    """One heatmap per weight matrix; blue positive, red negative, white near zero.

    As in the articles, row i of a Dense kernel holds the connections *from* input i and
    column j those *to* neuron j. A convolution's kernel is shown with one column per
    filter and one row per (channel, kernel row, kernel column).

    Args:
        model: a trained (built) model.
        layers: names or paths of the layers to show (default: every layer with a kernel).
        path: save the picture there too (.png or .svg).

    Returns:
        The Figure: one axes with one image per layer, plus the colour bars.
    """
    require_built(model)
    found = layers_with(model, "kernel")
    if layers is not None:
        wanted = set(layers)
        found = [(p, m) for p, m in found if p in wanted or m.name in wanted]
        if len(found) != len(wanted):
            known = ", ".join(m.name for _, m in layers_with(model, "kernel"))
            raise ConfigError(
                f"plot_weights: layers {sorted(wanted)} not all found; layers with weights: {known}"
            )
    if not found:
        raise ConfigError(f"{type(model).__name__} '{model.name}' has no weight matrices to draw")
    columns = min(3, len(found))
    rows = math.ceil(len(found) / columns)
    figure = new_figure(4.2 * columns, 3.6 * rows)
    grid = figure.subplots(rows, columns, squeeze=False)
    for axes in grid.flat[len(found) :]:
        axes.remove()
    for axes, (_, layer) in zip(grid.flat, found, strict=False):
        kernel = layer.kernel.numpy().astype(np.float64)
        matrix = _as_matrix(kernel)
        limit = float(np.abs(matrix).max()) or 1.0
        image = axes.imshow(
            matrix, cmap=DIVERGING, vmin=-limit, vmax=limit, aspect="auto", interpolation="nearest"
        )
        axes.set_title(f"{layer.name} {tuple(layer.kernel.shape)}", fontsize=9)
        axes.set_xlabel("to neuron" if kernel.ndim == 2 else "filter", fontsize=8)
        axes.set_ylabel("from input", fontsize=8)
        figure.colorbar(image, ax=axes, shrink=0.8)
    return finish(figure, path)
