"""Per-layer histograms of activations and of gradients: where signals die or vanish.

Activations piled up at zero mean dead ReLUs; gradients that shrink layer by layer
towards the input are the *vanishing gradient* problem. Each panel's title gives the
spread (standard deviation), so the shrinking can be read as numbers too.

Example:
    >>> import glassnet as gn, numpy as np
    >>> from glassnet.inspect.plots import plot_activation_histograms
    >>> model = gn.Sequential([gn.Dense(4, activation="relu", input_dim=2), gn.Dense(1)])
    >>> len(plot_activation_histograms(model, np.ones((5, 2))).axes)
    2
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from glassnet import backend
from glassnet.autograd.function import no_grad
from glassnet.autograd.tensor import Tensor
from glassnet.errors import ConfigError
from glassnet.inspect.plots._figure import as_array, finish, layers_with, new_figure, require_built
from glassnet.nn.losses import get_loss
from glassnet.nn.module import Module


def layer_activations(model: Module, x: Any) -> list[tuple[str, np.ndarray]]:
    """(layer name, its outputs) for each layer of a Sequential, in eval mode.

    Layers without weights and without an activation of their own (Flatten, Dropout,
    pooling) are skipped: they only reshape or copy what the previous layer computed.
    """
    require_built(model)
    inputs = as_array(x, "x")
    layers = getattr(model, "layers", [model])
    was_training = model.training
    model.eval()
    out: list[tuple[str, np.ndarray]] = []
    try:
        with no_grad():
            value: Any = Tensor(inputs, device=model.device)
            for layer in layers:
                value = layer(value)
                if layer._parameters or hasattr(layer, "activation"):
                    out.append((layer.name, value.numpy().astype(np.float64)))
    finally:
        model.train(was_training)
    return out


def layer_gradients(
    model: Module, x: Any, y: Any, loss: Any = None
) -> list[tuple[str, np.ndarray]]:
    """(layer name, ∂loss/∂kernel) for each layer with a kernel, on the batch ``x``, ``y``.

    The model runs in eval mode (no dropout noise); the gradients the parameters held
    before are put back afterwards, so an optimizer in the middle of a step is unaffected.
    """
    require_built(model)
    if loss is None:
        config = getattr(model, "training_config", None)
        if config is None:
            raise ConfigError(
                "gradients need a loss: compile the model or pass loss='mse' (or another name)"
            )
        loss_fn = config.loss
    else:
        loss_fn = get_loss(loss)
    parameters = model.parameters()
    saved = [p.grad for p in parameters]
    was_training = model.training
    model.eval()
    try:
        for p in parameters:
            p.grad = None
        value = loss_fn(model(Tensor(as_array(x, "x"), device=model.device)), as_array(y, "y"))
        value.backward()
        found = layers_with(model, "kernel")
        return [
            (layer.name, backend.host_copy(layer.kernel.grad).astype(np.float64))
            for _, layer in found
        ]
    finally:
        model.train(was_training)
        for p, grad in zip(parameters, saved, strict=True):
            p.grad = grad


def _histograms(rows: list[tuple[str, np.ndarray]], what: str, color: str, path) -> Figure:
    columns = min(4, len(rows))
    lines = math.ceil(len(rows) / columns)
    figure = new_figure(3.2 * columns, 2.6 * lines)
    grid = figure.subplots(lines, columns, squeeze=False)
    for axes in grid.flat[len(rows) :]:
        axes.remove()
    for axes, (name, values) in zip(grid.flat, rows, strict=False):
        flat = values.ravel()
        axes.hist(flat, bins=40, color=color, alpha=0.85)
        axes.set_title(f"{name}\nstd {flat.std():.3g}", fontsize=9)
        axes.set_xlabel(what, fontsize=8)
        axes.tick_params(labelsize=7)
    return finish(figure, path)


def plot_activation_histograms(model: Module, x: Any, *, path: str | Path | None = None) -> Figure:
    """One histogram per layer of the values its neurons output for the samples ``x``.

    Returns:
        The Figure, with one axes per recorded layer (unused grid cells are hidden).
    """
    rows = layer_activations(model, x)
    if not rows:
        raise ConfigError(f"{type(model).__name__} '{model.name}' has no layer outputs to show")
    return _histograms(rows, "activation", "#4393c3", path)


def plot_gradient_histograms(
    model: Module, x: Any, y: Any, *, loss: Any = None, path: str | Path | None = None
) -> Figure:
    """One histogram per layer of the loss gradients of its weights, on ``x``, ``y``.

    Returns:
        The Figure, with one axes per layer that has a kernel.
    """
    rows = layer_gradients(model, x, y, loss)
    if not rows:
        raise ConfigError(f"{type(model).__name__} '{model.name}' has no weights to show")
    return _histograms(rows, "gradient of the weights", "#d6604d", path)
