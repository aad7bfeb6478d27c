"""The activation functions and their derivatives, as the engine computes them.

The derivative curves come from the engine's own backward pass (not from formulas
typed again here), so the picture shows exactly what backpropagation multiplies by.

Example:
    >>> from glassnet.inspect.plots import plot_activation_functions
    >>> figure = plot_activation_functions(["relu", "sigmoid"])
    >>> [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    ['relu', 'derivative']
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from glassnet import backend
from glassnet.autograd.tensor import Tensor
from glassnet.errors import ConfigError
from glassnet.inspect.plots._figure import finish, new_figure
from glassnet.nn.activations import ACTIVATIONS, activation_name
from glassnet.nn.module import Module

DEFAULT = ("step", "linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "softplus")
# Softmax and log-softmax mix a whole row of values; they have no curve of one variable.
_VECTOR_FUNCTIONS = {"softmax", "log_softmax"}


def model_activations(model: Module) -> list[str]:
    """The names of the elementwise activations a model uses, in order, each once."""
    names: list[str] = []
    for module in model.modules():
        spec = getattr(module, "activation", None)
        if spec is None and not hasattr(module, "activation"):
            continue
        try:
            name = activation_name(spec)
        except ConfigError:
            continue  # a custom function: nothing registered to draw
        if name not in names and name not in _VECTOR_FUNCTIONS:
            names.append(name)
    return names


def curve(name: str, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(f(x), f'(x)) from the engine: the forward values and the backward gradient."""
    fn = ACTIVATIONS.get(name)
    inputs = Tensor(x, requires_grad=True, dtype=np.float64)
    outputs = fn(inputs)
    outputs.sum().backward()
    return outputs.numpy().astype(np.float64), backend.to_numpy(inputs.grad).astype(np.float64)


def plot_activation_functions(
    functions: Module | Sequence[str] | None = None,
    *,
    x_range: tuple[float, float] = (-4.0, 4.0),
    path: str | Path | None = None,
) -> Figure:
    """One panel per activation: the function (solid) and its derivative (dashed).

    Args:
        functions: a model (draws the activations it uses), a list of names, or None
            for the common ones (step, linear, sigmoid, tanh, relu, leaky_relu, elu,
            gelu, softplus).
        x_range: the inputs drawn.
        path: save the picture there too (.png or .svg).

    Returns:
        The Figure, one axes per function, each with two lines.
    """
    if functions is None:
        names: list[str] = list(DEFAULT)
    elif isinstance(functions, Module):
        names = model_activations(functions) or ["linear"]
    elif isinstance(functions, str):
        names = [functions]
    else:
        names = [str(name) for name in functions]
    for name in names:
        if name in _VECTOR_FUNCTIONS:
            raise ConfigError(f"{name} mixes a whole row of values; it has no curve of one input")
        ACTIVATIONS.get(name)  # an unknown name fails here, listing the valid ones
    low, high = x_range
    if not low < high:
        raise ConfigError(f"x_range must be (low, high) with low < high, got {x_range}")
    x = np.linspace(low, high, 401)
    columns = min(3, len(names))
    rows = math.ceil(len(names) / columns)
    figure = new_figure(3.4 * columns, 2.6 * rows)
    grid = figure.subplots(rows, columns, squeeze=False)
    for axes in grid.flat[len(names) :]:
        axes.remove()
    for axes, name in zip(grid.flat, names, strict=False):
        values, slopes = curve(name, x)
        axes.plot(x, values, color="#2166ac", label=name)
        axes.plot(x, slopes, color="#e08214", linestyle="--", label="derivative")
        axes.axhline(0, color="#999999", linewidth=0.6)
        axes.axvline(0, color="#999999", linewidth=0.6)
        axes.set_title(name, fontsize=10)
        axes.legend(fontsize=7, loc="upper left")
        axes.tick_params(labelsize=7)
    return finish(figure, path)
