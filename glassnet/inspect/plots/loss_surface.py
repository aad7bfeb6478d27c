"""The loss as a function of one or two chosen weights, with gradient descent's path on it.

Every other weight stays as trained; the chosen ones sweep a grid around their
values. The path starts at ``start`` and takes ``steps`` plain gradient-descent steps
(w ← w − lr · ∂loss/∂w, on the chosen weights only, the whole data as one batch),
each gradient computed by the engine's backward pass.

Example:
    >>> import glassnet as gn, numpy as np
    >>> from glassnet.inspect.plots import plot_loss_surface
    >>> model = gn.Sequential([gn.Dense(1, use_bias=False, input_dim=1)]).compile("sgd", "mse")
    >>> figure = plot_loss_surface(model, [[2.0]], [[6.0]], ["0.kernel[0,0]"], start=[5.0], steps=3, lr=0.05)
    >>> len(figure.axes[0].lines[-1].get_xdata())  # the start and 3 steps
    4
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from glassnet.autograd.function import no_grad
from glassnet.autograd.tensor import Tensor
from glassnet.errors import ConfigError
from glassnet.inspect.plots._figure import as_array, finish, new_figure, require_built
from glassnet.nn.losses import get_loss
from glassnet.nn.module import Module, Parameter

_SPEC = re.compile(r"^\s*(?P<name>[^\[\]]+?)\s*(\[(?P<index>[\d,\s]*)\])?\s*$")


def _parameters_by_name(model: Module) -> dict[str, Parameter]:
    """Each parameter by dotted path ("0.kernel") and by layer name ("hidden.kernel")."""
    found: dict[str, Parameter] = {}
    for path, module in model.named_modules():
        for key, parameter in module._parameters.items():
            found[f"{path}.{key}" if path else key] = parameter
            found.setdefault(f"{module.name}.{key}", parameter)
    return found


def resolve_weight(model: Module, spec: Any) -> tuple[str, Parameter, tuple[int, ...]]:
    """``"0.kernel[1,0]"`` or ``("0.kernel", (1, 0))`` → (label, parameter, index)."""
    if isinstance(spec, tuple):
        name, index = spec[0], tuple(int(i) for i in np.atleast_1d(spec[1]))
    else:
        match = _SPEC.match(str(spec))
        if match is None:
            raise ConfigError(f"a weight is named like '0.kernel[1,0]', got {spec!r}")
        name = match["name"]
        text = match["index"]
        index = tuple(int(i) for i in text.split(",") if i.strip()) if text else ()
    parameters = _parameters_by_name(model)
    if name not in parameters:
        raise ConfigError(f"the model has no parameter {name!r}; it has: {', '.join(parameters)}")
    parameter = parameters[name]
    if index == () and parameter.size == 1:
        index = (0,) * parameter.ndim
    if len(index) != parameter.ndim or any(
        not 0 <= i < n for i, n in zip(index, parameter.shape, strict=False)
    ):
        raise ConfigError(
            f"index {list(index)} does not fit parameter {name!r} of shape {parameter.shape}"
        )
    return f"{name}[{','.join(map(str, index))}]", parameter, index


def _loss_function(model: Module, loss: Any):
    if loss is not None:
        return get_loss(loss)
    config = getattr(model, "training_config", None)
    if config is None:
        raise ConfigError("a loss surface needs a loss: compile the model or pass loss='mse'")
    return config.loss


def plot_loss_surface(
    model: Module,
    x: Any,
    y: Any,
    weights: Sequence[Any] | None = None,
    *,
    loss: Any = None,
    start: Sequence[float] | None = None,
    steps: int = 20,
    lr: float = 0.1,
    span: float = 1.0,
    resolution: int = 31,
    path: str | Path | None = None,
) -> Figure:
    """Draw loss(w) for one weight (a curve) or two (contours), and the descent path.

    Args:
        model: a trained model.
        x, y: the data the loss is measured on (all of it, one batch).
        weights: one or two weights, each ``"0.kernel[i,j]"`` (path or layer name, then
            the index) or ``(name, (i, j))``; default: the first one or two entries of
            the first parameter.
        loss: a loss name or object; default: the model's compiled loss.
        start: where descent starts (one value per weight); default: the trained
            values moved by ``0.8 · span``, so the path walks back towards them.
        steps, lr: gradient-descent steps and learning rate for the path.
        span: the grid reaches this far around the trained values (and the path).
        resolution: grid points per weight.
        path: save the picture there too (.png or .svg).

    Returns:
        The Figure; the last line of its axes is the descent path (start + ``steps`` points).
        The model's weights and gradients are as they were.
    """
    require_built(model)
    inputs, targets = as_array(x, "x"), as_array(y, "y")
    loss_fn = _loss_function(model, loss)
    if weights is None:
        name, first = next(iter(_parameters_by_name(model).items()))
        flat = [np.unravel_index(k, first.shape) for k in range(min(2, first.size))]
        weights = [(name, index) for index in flat]
    chosen = [resolve_weight(model, spec) for spec in weights]
    if not 1 <= len(chosen) <= 2:
        raise ConfigError(f"a loss surface is drawn over 1 or 2 weights, got {len(chosen)}")
    if not (isinstance(steps, int) and steps >= 0) or not lr > 0 or not span > 0:
        raise ConfigError(
            f"steps must be ≥ 0, lr and span > 0; got steps={steps}, lr={lr}, span={span}"
        )
    trained = np.array([float(p.data[i]) for _, p, i in chosen], dtype=np.float64)
    begin = trained + 0.8 * span if start is None else np.asarray(start, dtype=np.float64)
    if begin.shape != trained.shape:
        raise ConfigError(f"start needs one value per weight ({len(chosen)}), got {list(begin)}")

    saved = [(p, p.data.copy(), p.grad) for p in model.parameters()]
    was_training = model.training
    model.eval()
    try:
        track = _descend(model, chosen, loss_fn, inputs, targets, begin, steps, lr)
        low = np.minimum(trained - span, track.min(axis=0)[:-1])
        high = np.maximum(trained + span, track.max(axis=0)[:-1])
        axes_values = [np.linspace(lo, hi, resolution) for lo, hi in zip(low, high, strict=True)]
        figure = new_figure(5.6, 4.4)
        axes = figure.add_subplot()
        if len(chosen) == 1:
            curve = [_loss_at(model, chosen, loss_fn, inputs, targets, [v]) for v in axes_values[0]]
            axes.plot(axes_values[0], curve, color="#2166ac", label="loss")
            axes.set_ylabel("loss")
            axes.plot(
                track[:, 0],
                track[:, 1],
                "o-",
                color="#b2182b",
                markersize=4,
                label="gradient descent",
            )
        else:
            grid_a, grid_b = np.meshgrid(*axes_values)
            surface = np.array(
                [
                    _loss_at(model, chosen, loss_fn, inputs, targets, [a, b])
                    for a, b in zip(grid_a.ravel(), grid_b.ravel(), strict=True)
                ]
            ).reshape(grid_a.shape)
            filled = axes.contourf(grid_a, grid_b, surface, levels=25, cmap="viridis")
            figure.colorbar(filled, ax=axes, label="loss")
            axes.set_ylabel(chosen[1][0])
            axes.plot(
                track[:, 0],
                track[:, 1],
                "o-",
                color="#ff5a36",
                markersize=3,
                label="gradient descent",
            )
        axes.set_xlabel(chosen[0][0])
        axes.legend(fontsize=8, loc="upper right")
        axes.set_title(f"Loss surface and {steps} gradient-descent steps (lr {lr:g})", fontsize=10)
    finally:
        model.train(was_training)
        for parameter, data, grad in saved:
            parameter.data[...] = data
            parameter.grad = grad
    return finish(figure, path)


def _set(chosen, values) -> None:
    for (_, parameter, index), value in zip(chosen, values, strict=True):
        parameter.data[index] = float(value)


def _loss_at(model, chosen, loss_fn, x, y, values) -> float:
    _set(chosen, values)
    with no_grad():
        return float(loss_fn(model(Tensor(x, device=model.device)), y).item())


def _descend(model, chosen, loss_fn, x, y, begin, steps, lr) -> np.ndarray:
    """Rows of (weight values..., loss) from ``begin`` through ``steps`` descent steps."""
    values = np.array(begin, dtype=np.float64)
    rows = []
    for step in range(steps + 1):
        _set(chosen, values)
        model.zero_grad()
        value = loss_fn(model(Tensor(x, device=model.device)), y)
        rows.append([*values, float(value.item())])
        if step == steps:
            break
        value.backward()
        gradient = np.array([float(p.grad[i]) for _, p, i in chosen], dtype=np.float64)
        values = values - lr * gradient
    return np.array(rows)
