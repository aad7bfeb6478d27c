"""Convolution filters and the feature maps they compute, as small grey pictures.

Example:
    >>> import glassnet as gn, numpy as np
    >>> from glassnet.inspect.plots import plot_filters
    >>> model = gn.Sequential([gn.Conv2D(4, 3, name="c1"), gn.Flatten(), gn.Dense(2)])
    >>> _ = model(gn.Tensor(np.zeros((1, 1, 8, 8))))
    >>> len(plot_filters(model, "c1").axes)
    4
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from glassnet.errors import ConfigError, ShapeError
from glassnet.inspect.plots._figure import DIVERGING, as_array, finish, new_figure, require_built
from glassnet.nn.conv import Conv2D, feature_maps
from glassnet.nn.module import Module


def _conv_layer(model: Module, layer: Any) -> Conv2D:
    convs = [(path, m) for path, m in model.named_modules() if isinstance(m, Conv2D)]
    if not convs:
        raise ConfigError(f"{type(model).__name__} '{model.name}' has no Conv2D layer")
    if layer is None:
        return convs[0][1]
    if isinstance(layer, Conv2D):
        return layer
    for index, (path, module) in enumerate(convs):
        if layer in (path, module.name, index):
            return module
    names = ", ".join(m.name for _, m in convs)
    raise ConfigError(f"no Conv2D layer {layer!r}; the convolutions are: {names}")


def _grid(figure: Figure, count: int, columns: int):
    columns = min(columns, count)
    rows = math.ceil(count / columns)
    grid = figure.subplots(rows, columns, squeeze=False)
    for axes in grid.flat[count:]:
        axes.remove()
    for axes in grid.flat[:count]:
        axes.set_xticks([])
        axes.set_yticks([])
    return list(grid.flat[:count])


def plot_filters(
    model: Module,
    layer: Any = None,
    *,
    channel: int | None = None,
    path: str | Path | None = None,
) -> Figure:
    """Each filter of a Conv2D as a small picture (blue positive, red negative weights).

    Args:
        model: a trained (built) model with a Conv2D.
        layer: the layer, its name or path, or its index among the convolutions
            (default: the first one).
        channel: show this input channel; default: the mean over the input channels.
        path: save the picture there too (.png or .svg).

    Returns:
        The Figure, one axes (one image) per filter.
    """
    require_built(model)
    conv = _conv_layer(model, layer)
    if conv.filters is None:
        raise ConfigError(f"Conv2D '{conv.name}' is not built yet; call the model on data first")
    kernels = conv.filters.astype(np.float64)  # (filters, channels, kh, kw)
    if channel is None:
        pictures = kernels.mean(axis=1)
    elif 0 <= channel < kernels.shape[1]:
        pictures = kernels[:, channel]
    else:
        raise ConfigError(f"channel must be in [0, {kernels.shape[1]}), got {channel}")
    limit = float(np.abs(pictures).max()) or 1.0
    count = len(pictures)
    columns = min(8, count)
    figure = new_figure(1.3 * columns + 0.4, 1.3 * math.ceil(count / columns) + 0.5)
    for k, axes in enumerate(_grid(figure, count, columns)):
        axes.imshow(pictures[k], cmap=DIVERGING, vmin=-limit, vmax=limit, interpolation="nearest")
        axes.set_title(f"filter {k}", fontsize=7)
    figure.suptitle(
        f"{conv.name}: {count} filters of {kernels.shape[2]}×{kernels.shape[3]}", fontsize=10
    )
    return finish(figure, path)


def plot_feature_maps(
    model: Module,
    x: Any,
    layer: Any = None,
    *,
    sample: int = 0,
    max_maps: int = 32,
    path: str | Path | None = None,
) -> Figure:
    """The maps a convolution (or pooling) layer computes for one sample, plus the input.

    Args:
        model: a trained model.
        x: inputs (N, C, H, W); only ``x[sample]`` is drawn.
        layer: the layer, its name, path or index (default: the first Conv2D).
        sample: which sample of ``x``.
        max_maps: draw at most this many maps.
        path: save the picture there too (.png or .svg).

    Returns:
        The Figure: the input picture first, then one axes per feature map.
    """
    require_built(model)
    images = as_array(x, "x")
    if images.ndim != 4:
        raise ShapeError(f"feature maps need images of shape (N, C, H, W), got {images.shape}")
    if not 0 <= sample < len(images):
        raise ConfigError(f"sample must be in [0, {len(images)}), got {sample}")
    target = _conv_layer(model, None) if layer is None else layer
    maps = feature_maps(model, images[sample : sample + 1], target)[0][:max_maps]
    count = len(maps) + 1
    columns = min(8, count)
    figure = new_figure(1.3 * columns + 0.4, 1.3 * math.ceil(count / columns) + 0.5)
    cells = _grid(figure, count, columns)
    cells[0].imshow(images[sample].mean(axis=0), cmap="gray_r", interpolation="nearest")
    cells[0].set_title("input", fontsize=7)
    for k, axes in enumerate(cells[1:]):
        axes.imshow(maps[k], cmap="magma", interpolation="nearest")
        axes.set_title(f"map {k}", fontsize=7)
    name = getattr(target, "name", target)
    figure.suptitle(f"What layer {name} sees in sample {sample}", fontsize=10)
    return finish(figure, path)
