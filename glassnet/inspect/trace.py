"""``trace``: a forward pass written out as the articles explain it, neuron by neuron.

Each Dense neuron's line is its weighted sum with the numbers filled in, the value
the engine computed, the activation and its output::

    neuron 1: 1·1 + 0.5·0.5 + 2 = 3.25 → relu → 3.25

Other layers (convolution, pooling, dropout, normalization, …) get one line: the
shape of their output and its smallest, mean and largest value.

Example:
    >>> import glassnet as gn, numpy as np
    >>> layer = gn.Dense(1, activation="relu", input_dim=2)
    >>> layer.kernel.data[:] = [[1.0], [0.5]]; layer.bias.data[:] = [2.0]
    >>> t = gn.inspect.trace(gn.Sequential([layer]), [1.0, 0.5], file=None)
    >>> "1·1 + 0.5·0.5 + 2 = 3.25 → relu → 3.25" in str(t)
    True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TextIO

import numpy as np

from glassnet import backend, ops
from glassnet.autograd.function import no_grad
from glassnet.autograd.tensor import Tensor
from glassnet.inspect import _trace_format as tf
from glassnet.nn.dense import Dense
from glassnet.nn.module import Module


@dataclass
class NeuronTrace:
    """One neuron's arithmetic: ``sum(inputs · weights) + bias = total → activation → output``."""

    index: int
    inputs: np.ndarray
    weights: np.ndarray
    bias: float | None
    total: float
    output: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "inputs": tf.to_list(self.inputs),
            "weights": tf.to_list(self.weights),
            "bias": self.bias,
            "sum": self.total,
            "output": self.output,
        }


@dataclass
class LayerTrace:
    """What one layer did to the sample.

    Attributes:
        kind: ``"dense"`` (neurons spelled out), ``"activation"`` (elementwise
            values shown) or ``"summary"`` (shape and min / mean / max only).
        pre_activation: a Dense layer's weighted sums for every neuron (else None).
        neurons: the neurons written out (at most ``max_neurons``).
    """

    index: int
    name: str
    type: str
    kind: str
    input: np.ndarray
    output: np.ndarray
    activation: str | None = None
    pre_activation: np.ndarray | None = None
    neurons: list[NeuronTrace] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "name": self.name,
            "type": self.type,
            "kind": self.kind,
            "activation": self.activation,
            "input_shape": list(self.input.shape),
            "output_shape": list(self.output.shape),
            "output": tf.to_list(self.output),
            "output_stats": tf.stats(self.output),
            "pre_activation": None
            if self.pre_activation is None
            else tf.to_list(self.pre_activation),
            "neurons": [neuron.to_dict() for neuron in self.neurons],
            "text": "\n".join(self.lines),
        }


@dataclass
class ForwardTrace:
    """A traced forward pass; ``str()`` is the printed text, ``to_dict()`` the data.

    Every array is the one sample's, without the batch axis: ``output`` of a model
    with 3 outputs has shape (3,).
    """

    input: np.ndarray
    output: np.ndarray
    layers: list[LayerTrace]
    text: str

    def __str__(self) -> str:
        return self.text

    def to_dict(self) -> dict[str, Any]:
        return {
            "input": tf.to_list(self.input),
            "output": tf.to_list(self.output),
            "layers": [layer.to_dict() for layer in self.layers],
            "text": self.text,
        }


def trace(
    model: Module, x: Any, *, max_neurons: int = 6, file: TextIO | None = tf.STDOUT
) -> ForwardTrace:
    """Run one sample through ``model`` and print every layer's arithmetic.

    Args:
        model: a Sequential (Dense and activation layers are written out neuron by
            neuron; any other layer gets a one-line summary) or any single layer.
        x: one sample, e.g. ``[1.0, 0.5]`` (or a batch holding one sample).
        max_neurons: how many neurons per layer are spelled out; the rest are summed up.
        file: where to print (default ``sys.stdout``); ``None`` prints nothing.

    Returns:
        A :class:`ForwardTrace` whose numbers are the ones the engine computed
        (in eval mode: dropout off, normalization with its running statistics).

    Raises:
        ShapeError: ``x`` holds several samples or does not fit the model.
        ConfigError: ``max_neurons`` is not a non-negative integer.
    """
    max_neurons = tf.check_count("max_neurons", max_neurons)
    sample = tf.one_sample(model, x)
    layers: list[LayerTrace] = []
    lines = [f"input: x = {tf.vector(tf.host(sample))}"]
    with tf.eval_mode(model), no_grad():
        if not all(layer.built for layer in tf.leaf_layers(model)):
            model(sample)  # lazy layers create their weights on the first call
        current = sample
        for index, layer in enumerate(tf.leaf_layers(model), start=1):
            layer_trace, current = trace_layer(index, layer, current, max_neurons)
            layers.append(layer_trace)
            lines.extend(layer_trace.lines)
    output = tf.host(current)[0]
    lines.append(f"output: {tf.vector(output)}")
    result = ForwardTrace(tf.host(sample)[0], output, layers, "\n".join(lines))
    tf.emit(result.text, file)
    return result


def dense_pieces(layer: Dense, x: Tensor) -> tuple[Tensor, Tensor]:
    """(weighted sums, outputs) of a Dense layer, computed as ``Dense.forward`` does."""
    layer.check_features(x, layer.kernel.shape[0])
    z = ops.linear(x, layer.kernel, layer.bias)
    return z, layer.activation_fn(z)


def trace_layer(
    index: int, layer: Module, x: Tensor, max_neurons: int
) -> tuple[LayerTrace, Tensor]:
    """The trace of one layer on ``x`` and the layer's output (the next layer's input)."""
    activation = tf.activation_of(layer)
    if isinstance(layer, Dense) and layer.built and x.ndim == 2:
        # The outputs are the layer's own (it may fuse its activation into the product);
        # the weighted sums are the same product without the activation.
        out = layer(x)
        z = ops.linear(x, layer.kernel, layer.bias)
        return _dense_trace(index, layer, x, z, out, activation[0], max_neurons), out
    out = layer(x)
    if activation is not None and x.shape == out.shape:
        return _activation_trace(index, layer, x, out, activation[0], max_neurons), out
    return summary_trace(index, layer, x, out), out


def _dense_trace(
    index: int,
    layer: Dense,
    x: Tensor,
    z: Tensor,
    out: Tensor,
    activation: str,
    max_neurons: int,
) -> LayerTrace:
    inputs, units = layer.kernel.shape
    lines = [
        f"layer {index}: {tf.describe_layer(layer)} "
        f"({inputs} input{'s' * (inputs != 1)} → {units} neuron{'s' * (units != 1)}, {activation})"
    ]
    kernel = backend.to_numpy(layer.kernel.data)
    bias = None if layer.bias is None else backend.to_numpy(layer.bias.data)
    row, sums, outputs = tf.host(x)[0], tf.host(z)[0], tf.host(out)[0]
    elementwise = tf.is_elementwise(activation)
    neurons = []
    for j in range(min(units, max_neurons)):
        b = None if bias is None else float(bias[j])
        neuron = NeuronTrace(
            j, row.copy(), kernel[:, j].copy(), b, float(sums[j]), float(outputs[j])
        )
        neurons.append(neuron)
        equation = tf.weighted_sum(row, kernel[:, j], b, sums[j])
        if elementwise and not tf.is_identity(activation):
            equation += f" → {activation} → {tf.fmt(outputs[j])}"
        lines.append(f"  neuron {j + 1}: {equation}")
    if units > max_neurons:
        lines.append(
            f"  … and {tf.plural(units - max_neurons, 'more neuron')} "
            f"(sums {tf.stats_text(sums[max_neurons:])})"
        )
    if not elementwise:
        lines.append(f"  {activation} over the {units} sums → {tf.vector(outputs)}")
    return LayerTrace(
        index,
        layer.name,
        type(layer).__name__,
        "dense",
        row,
        outputs,
        activation,
        sums,
        neurons,
        lines,
    )


def _activation_trace(
    index: int, layer: Module, x: Tensor, out: Tensor, activation: str, max_neurons: int
) -> LayerTrace:
    lines = [f"layer {index}: {tf.describe_layer(layer)} ({activation}, {x.size} values)"]
    inputs, outputs = tf.host(x), tf.host(out)
    before, after = inputs.reshape(-1), outputs.reshape(-1)
    if tf.is_elementwise(activation):
        shown = min(before.size, max_neurons)
        for i in range(shown):
            lines.append(f"  {tf.fmt(before[i])} → {activation} → {tf.fmt(after[i])}")
        if before.size > shown:
            lines.append(
                f"  … and {before.size - shown} more (outputs {tf.stats_text(after[shown:])})"
            )
    else:
        lines.append(f"  {activation}({tf.vector(before)}) = {tf.vector(after)}")
    return LayerTrace(
        index,
        layer.name,
        type(layer).__name__,
        "activation",
        inputs[0],
        outputs[0],
        activation,
        lines=lines,
    )


def summary_trace(index: int, layer: Module, x: Tensor, out: Any) -> LayerTrace:
    """One line for a layer whose arithmetic is not written out."""
    values = tf.host_values(out)[0]
    line = (
        f"layer {index}: {tf.describe_layer(layer)}: output shape {tuple(values.shape)}, "
        f"{tf.stats_text(values)}"
    )
    return LayerTrace(
        index,
        layer.name,
        type(layer).__name__,
        "summary",
        tf.host(x)[0],
        values,
        lines=[line],
    )
