"""The network as a diagram: neurons as circles, weights as coloured, thickened lines.

Example:
    >>> import glassnet as gn
    >>> from glassnet.inspect.plots import plot_network
    >>> model = gn.Sequential([gn.Dense(3, activation="relu", input_dim=2), gn.Dense(1)])
    >>> _ = model(gn.Tensor([[1.0, 0.5]]))  # builds the second layer
    >>> figure = plot_network(model)
    >>> len(figure.axes[0].collections[0].get_segments())  # 2·3 + 3·1 edges
    9
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from glassnet.errors import ConfigError
from glassnet.inspect.plots._figure import NEGATIVE, POSITIVE, finish, new_figure, require_built
from glassnet.nn.dense import Dense
from glassnet.nn.module import Module


def dense_layers(model: Module) -> list[Dense]:
    """The model's built Dense layers, in the order they run (for a Sequential)."""
    layers = [m for m in model.modules() if isinstance(m, Dense)]
    if not layers:
        raise ConfigError(
            f"{type(model).__name__} '{model.name}' has no Dense layer to draw; the "
            "diagram shows fully connected layers"
        )
    unbuilt = [layer.name for layer in layers if layer.kernel is None]
    if unbuilt:
        raise ConfigError(
            f"Dense layers {unbuilt} have no weights yet; train the model or call it once on data"
        )
    return layers


def shown_neurons(count: int, limit: int) -> list[int]:
    """Which neurons of a layer of ``count`` are drawn: all, or the first and last few.

    A layer wider than ``limit`` shows its first ``limit - limit // 3`` neurons and its
    last ``limit // 3`` with an ellipsis between, so both ends stay visible.
    """
    if count <= limit:
        return list(range(count))
    tail = max(1, limit // 3)
    head = limit - tail
    return list(range(head)) + list(range(count - tail, count))


def _positions(shown: list[int], count: int) -> dict[int, float]:
    """Vertical position of each drawn neuron, a gap (for the ellipsis) where some are hidden."""
    slots = len(shown) + (1 if len(shown) < count else 0)
    top = (slots - 1) / 2
    positions: dict[int, float] = {}
    slot = 0
    for k, neuron in enumerate(shown):
        if k > 0 and neuron != shown[k - 1] + 1:
            slot += 1  # the ellipsis takes this slot
        positions[neuron] = top - slot
        slot += 1
    return positions


def plot_network(
    model: Module,
    *,
    max_neurons: int = 10,
    input_names: Sequence[str] | None = None,
    output_names: Sequence[str] | None = None,
    path: str | Path | None = None,
) -> Figure:
    """Draw the fully connected layers: blue lines positive weights, red negative.

    A line's width grows with the weight's size (|w| / the largest |w| of its layer),
    so the connections that matter stand out.

    Args:
        model: a trained model with Dense layers (other layers are not drawn).
        max_neurons: at most this many neurons per layer; wider layers show their
            first and last neurons with "⋮" between.
        input_names, output_names: labels for the input and output neurons.
        path: save the picture there too (.png or .svg).

    Returns:
        The Figure; its first axes hold one LineCollection with one segment per edge.
    """
    require_built(model)
    if max_neurons < 2:
        raise ConfigError(f"max_neurons must be at least 2, got {max_neurons}")
    layers = dense_layers(model)
    sizes = [layers[0].kernel.shape[0], *(layer.units for layer in layers)]
    shown = [shown_neurons(size, max_neurons) for size in sizes]
    positions = [_positions(s, size) for s, size in zip(shown, sizes, strict=True)]

    height = max(3.0, 0.42 * max(len(s) + 1 for s in shown))
    figure = new_figure(1.9 * len(sizes) + 1.5, height)
    axes = figure.add_subplot()
    segments, colors, widths = [], [], []
    for column, layer in enumerate(layers):
        weights = layer.kernel.numpy().astype(np.float64)
        largest = float(np.abs(weights).max()) or 1.0
        for i in shown[column]:
            for j in shown[column + 1]:
                w = weights[i, j]
                segments.append(
                    [(column, positions[column][i]), (column + 1, positions[column + 1][j])]
                )
                colors.append(POSITIVE if w >= 0 else NEGATIVE)
                widths.append(0.2 + 3.0 * abs(w) / largest)
    axes.add_collection(
        LineCollection(segments, colors=colors, linewidths=widths, alpha=0.7, zorder=1)
    )

    for column, (size, drawn) in enumerate(zip(sizes, shown, strict=True)):
        ys = [positions[column][n] for n in drawn]
        axes.scatter([column] * len(ys), ys, s=260, c="white", edgecolors="#333333", zorder=2)
        if len(drawn) < size:
            gap = next(k for k in range(1, len(drawn)) if drawn[k] != drawn[k - 1] + 1)
            middle = (positions[column][drawn[gap - 1]] + positions[column][drawn[gap]]) / 2
            axes.text(column, middle, "⋮", ha="center", va="center", fontsize=16, zorder=3)
        title = "inputs" if column == 0 else layers[column - 1].name
        axes.text(column, max(ys) + 0.9, f"{title}\n{size} neurons", ha="center", fontsize=9)
    _label(axes, input_names, shown[0], positions[0], -0.18, "right")
    _label(axes, output_names, shown[-1], positions[-1], len(sizes) - 1 + 0.18, "left")

    axes.legend(
        handles=[
            Line2D([], [], color=POSITIVE, lw=2, label="positive weight"),
            Line2D([], [], color=NEGATIVE, lw=2, label="negative weight"),
        ],
        loc="lower center",
        bbox_to_anchor=(0.5, -0.08),
        ncol=2,
        frameon=False,
        fontsize=8,
    )
    axes.set_xlim(-1.0, len(sizes) - 0.0)
    lowest = min(min(p.values()) for p in positions)
    highest = max(max(p.values()) for p in positions)
    axes.set_ylim(lowest - 1.0, highest + 1.8)
    axes.set_axis_off()
    axes.set_title("The network: line colour = sign of the weight, width = its size", fontsize=10)
    return finish(figure, path)


def _label(axes, names, drawn, positions, x, align) -> None:
    if names is None:
        return
    for neuron in drawn:
        if neuron < len(names):
            text = str(names[neuron])
            axes.text(x, positions[neuron], text[:14], ha=align, va="center", fontsize=7)
