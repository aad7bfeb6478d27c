"""The backward half of :mod:`glassnet.inspect.trace_step`: one layer's gradients in words.

``layer_step`` turns the gradients the engine left on a layer's tensors into a
:class:`LayerStep` and the lines that explain them (δ, the chain rule per weight,
the update).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet import backend
from glassnet.autograd.tensor import Tensor
from glassnet.inspect import _trace_format as tf
from glassnet.nn.dense import Dense
from glassnet.nn.losses import Loss
from glassnet.nn.module import Module

# How each loss is written in the trace's loss line; y = prediction, t = target.
_FORMULAS = {
    "QuadraticLoss": "½·Σ(y - t)²",
    "MSE": "mean((y - t)²)",
    "MAE": "mean(|y - t|)",
    "Huber": "Huber: ½(y - t)² near t, linear beyond",
    "ArctanError": "mean(arctan²(y - t))",
    "BinaryCrossEntropy": "-mean(t·log y + (1 - t)·log(1 - y))",
    "CategoricalCrossEntropy": "cross-entropy -log p(true class)",
}


@dataclass
class LayerStep:
    """One layer's part of the backward pass and the update of its weights.

    Attributes:
        output_grad: ∂L/∂(layer output). Arrays are the sample's, without the batch axis.
        delta: ∂L/∂z for a Dense layer (its neurons' error signals), else None.
        slope: the activation's derivative f'(z) per neuron (elementwise activations).
        parameters: ``{name: {"before", "gradient", "after"}}`` arrays.
    """

    index: int
    name: str
    type: str
    output_grad: np.ndarray | None
    delta: np.ndarray | None = None
    slope: np.ndarray | None = None
    input_grad: np.ndarray | None = None
    parameters: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        def listed(values: Any) -> Any:
            return None if values is None else tf.to_list(values)

        return {
            "index": self.index,
            "name": self.name,
            "type": self.type,
            "output_grad": listed(self.output_grad),
            "delta": listed(self.delta),
            "slope": listed(self.slope),
            "input_grad": listed(self.input_grad),
            "parameters": {
                key: {part: tf.to_list(values) for part, values in parts.items()}
                for key, parts in self.parameters.items()
            },
            "text": "\n".join(self.lines),
        }


def loss_lines(
    loss_fn: Loss, output: np.ndarray, target: np.ndarray, value: float, grad: np.ndarray
) -> list[str]:
    formula = _FORMULAS.get(type(loss_fn).__name__, type(loss_fn).__name__)
    lines = [
        f"loss ({formula}): prediction y = {tf.vector(output)}, target t = {tf.vector(target)}"
    ]
    if target.size == output.size:
        lines.append(f"  error y - t = {tf.vector(output.reshape(-1) - target.reshape(-1))}")
    lines.append(f"  L = {tf.fmt(value)}")
    lines.append(f"  ∂L/∂y = {tf.vector(grad)}")
    return lines


def _slope(fn: Any, options: dict[str, Any], z: Tensor) -> np.ndarray:
    """The activation's derivative at ``z``, from the engine's own backward of it."""
    point = Tensor(z.data.copy(), requires_grad=True, dtype=z.dtype)
    fn(point, **options).backward(np.ones(point.shape))
    return backend.host_copy(point.grad)


def layer_step(
    index: int,
    record: dict[str, Any],
    before: dict[int, np.ndarray],
    lr: float,
    max_neurons: int,
) -> LayerStep:
    layer: Module = record["layer"]
    output_grad = record["output"].grad
    step = LayerStep(
        index,
        layer.name,
        type(layer).__name__,
        None if output_grad is None else backend.host_copy(output_grad)[0],
    )
    if record["input"].grad is not None:
        step.input_grad = backend.host_copy(record["input"].grad)[0]
    for key, parameter in layer._parameters.items():
        step.parameters[key] = {
            "before": before[id(parameter)],
            "gradient": tf.host_grad(parameter),
            "after": tf.host(parameter),
        }
    activation = tf.activation_of(layer)
    if record["z"] is not None:
        _dense_lines(step, layer, record, activation, lr, max_neurons)
    elif activation is not None and tf.is_elementwise(activation[0]) and output_grad is not None:
        _activation_lines(step, layer, record, activation, max_neurons)
    else:
        _summary_lines(step, layer)
    return step


def _dense_lines(
    step: LayerStep,
    layer: Dense,
    record: dict[str, Any],
    activation: tuple[str, Any, dict[str, Any]],
    lr: float,
    max_neurons: int,
) -> None:
    name, fn, options = activation
    inputs, units = layer.kernel.shape
    step.lines.append(
        f"layer {step.index}: {tf.describe_layer(layer)} ({inputs} → {units}, {name})"
    )
    x = backend.to_numpy(record["input"].data)[0]
    delta = backend.to_numpy(record["z"].grad)[0]
    step.delta = delta.copy()
    elementwise = tf.is_elementwise(name)
    upstream = np.asarray(step.output_grad)
    if elementwise:
        step.slope = _slope(fn, options, record["z"])[0]
    else:
        step.lines.append(
            f"  δ = ∂L/∂z through {name} (it mixes the layer's sums) = {tf.vector(delta)}"
        )
    kernel, bias = step.parameters["kernel"], step.parameters.get("bias")
    for j in range(min(units, max_neurons)):
        if elementwise:
            step.lines.append(
                f"  neuron {j + 1}: δ = ∂L/∂out · f'(z) = {tf.factor(upstream[j])} · "
                f"{tf.factor(step.slope[j])} = {tf.fmt(delta[j])}"
            )
        else:
            step.lines.append(f"  neuron {j + 1}: δ = {tf.fmt(delta[j])}")
        for i in range(min(inputs, tf.MAX_TERMS)):
            step.lines.append(
                "    "
                + _weight_line(
                    f"w[{i + 1},{j + 1}]", f"x{i + 1}", x[i], delta[j], kernel, (i, j), lr
                )
            )
        if inputs > tf.MAX_TERMS:
            rest = kernel["gradient"][tf.MAX_TERMS :, j]
            step.lines.append(
                f"    … and {inputs - tf.MAX_TERMS} more weights (∂L/∂w {tf.stats_text(rest)})"
            )
        if bias is not None:
            step.lines.append("    " + _weight_line("b", None, 1.0, delta[j], bias, (j,), lr))
    if units > max_neurons:
        step.lines.append(
            f"  … and {tf.plural(units - max_neurons, 'more neuron')} (δ {tf.stats_text(delta[max_neurons:])}, "
            f"∂L/∂w {tf.stats_text(kernel['gradient'][:, max_neurons:])})"
        )
    if step.input_grad is not None:
        step.lines.append(
            f"  passed back to the layer below: ∂L/∂x = W·δ = {tf.vector(step.input_grad)}"
        )


def _weight_line(
    label: str,
    input_name: str | None,
    input_value: float,
    delta: float,
    parts: dict[str, np.ndarray],
    where: tuple[int, ...],
    lr: float,
) -> str:
    """``w[1,1] = 5: ∂L/∂w = x1 · δ = 2 · 4 = 8 → 5 - 0.1·8 = 4.2``."""
    old, grad, new = (float(parts[k][where]) for k in ("before", "gradient", "after"))
    symbol = "b" if input_name is None else "w"
    if input_name is None:
        chain = f"δ = {tf.fmt(grad)}" if np.isclose(grad, delta) else ""
    else:
        chain = f"{input_name} · δ = {tf.factor(input_value)} · {tf.factor(delta)} = {tf.fmt(grad)}"
    data_part = float(input_value) * float(delta)
    penalty = grad - data_part
    if not chain or not np.isclose(penalty, 0.0, atol=1e-6 * max(1.0, abs(grad))):
        chain = (
            f"{input_name or 1} · δ + penalty = {tf.fmt(data_part)} {tf.signed(penalty)} "
            f"= {tf.fmt(grad)}"
        )
    return (
        f"{label} = {tf.fmt(old)}: ∂L/∂{symbol} = {chain} → "
        f"{tf.fmt(old)} - {tf.fmt(lr)}·{tf.factor(grad)} = {tf.fmt(new)}"
    )


def _activation_lines(
    step: LayerStep,
    layer: Module,
    record: dict[str, Any],
    activation: tuple[str, Any, dict[str, Any]],
    max_neurons: int,
) -> None:
    name, fn, options = activation
    step.slope = _slope(fn, options, record["input"]).reshape(-1)
    upstream = np.asarray(step.output_grad).reshape(-1)
    step.lines.append(f"layer {step.index}: {tf.describe_layer(layer)} ({name})")
    shown = min(upstream.size, max_neurons)
    received = np.zeros_like(upstream) if step.input_grad is None else step.input_grad.reshape(-1)
    for i in range(shown):
        step.lines.append(
            f"  value {i + 1}: ∂L/∂in = ∂L/∂out · f'(in) = {tf.factor(upstream[i])} · "
            f"{tf.factor(step.slope[i])} = {tf.fmt(received[i])}"
        )
    if upstream.size > shown:
        step.lines.append(
            f"  … and {upstream.size - shown} more (∂L/∂in {tf.stats_text(received[shown:])})"
        )


def _summary_lines(step: LayerStep, layer: Module) -> None:
    grad = (
        "no gradient" if step.output_grad is None else f"∂L/∂out {tf.stats_text(step.output_grad)}"
    )
    step.lines.append(f"layer {step.index}: {tf.describe_layer(layer)}: {grad}")
    for key, parts in step.parameters.items():
        change = np.abs(parts["after"] - parts["before"]).max() if parts["after"].size else 0.0
        step.lines.append(
            f"  {key} {tuple(parts['gradient'].shape)}: ∂L/∂{key} {tf.stats_text(parts['gradient'])}; "
            f"largest change {tf.fmt(change)}"
        )
