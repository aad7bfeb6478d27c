"""ONNX converters for the recurrent layers: SimpleRNN, LSTM and GRU.

glassnet is batch-first (batch, time, features); the ONNX ops are time-first, so the
input is transposed in and the output out (onnxruntime does not run ``layout=1``).
Weights are re-ordered to ONNX's gate order (LSTM i, o, f, c from glassnet's
i, f, g, o; GRU z, r, h from r, z, n) and transposed (ONNX keeps gates × inputs).
The GRU exports with ``linear_before_reset=1``: the reset gate multiplies the
recurrent product and its bias, as in glassnet (and PyTorch).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import backend
from glassnet.errors import ConfigError
from glassnet.io.onnx_layers import GraphBuilder

#: ONNX's gate blocks, as indices into glassnet's blocks.
_ORDER = {"LSTM": (0, 3, 1, 2), "GRU": (1, 0, 2), "SimpleRNN": (0,)}


def _blocks(array: np.ndarray, order: tuple[int, ...], units: int) -> np.ndarray:
    """Re-order the gate blocks along the last axis."""
    return np.concatenate([array[..., g * units : (g + 1) * units] for g in order], axis=-1)


def recurrent(graph: GraphBuilder, layer: Any, x: str, shape: tuple[int, ...]) -> str:
    kind = type(layer).__name__
    if layer.return_state:
        raise ConfigError(
            f"{kind} '{layer.name}': return_state=True gives several outputs; export a "
            "model whose recurrent layers return one"
        )
    units, order = layer.units, _ORDER[kind]
    kernel = _blocks(backend.to_numpy(layer.kernel.data), order, units)
    recurrent_kernel = _blocks(backend.to_numpy(layer.recurrent_kernel.data), order, units)
    bias = _blocks(backend.to_numpy(layer.bias.data), order, units)
    if kind == "GRU":
        second = _blocks(backend.to_numpy(layer.recurrent_bias.data), order, units)
    else:
        second = np.zeros_like(bias)  # glassnet has one bias; ONNX adds Wb + Rb
    w = graph.constant(f"{layer.name}_W", kernel.T[None])
    r = graph.constant(f"{layer.name}_R", recurrent_kernel.T[None])
    b = graph.constant(f"{layer.name}_B", np.concatenate([bias, second])[None])
    attributes: dict[str, Any] = {
        "hidden_size": units,
        "direction": "reverse" if layer.go_backwards else "forward",
    }
    if kind == "GRU":
        attributes["linear_before_reset"] = 1
    if kind == "SimpleRNN":
        attributes["activations"] = ["Tanh" if layer.activation == "tanh" else "Relu"]
    op = {"LSTM": "LSTM", "GRU": "GRU", "SimpleRNN": "RNN"}[kind]
    time_first = graph.node("Transpose", [x], f"{layer.name}_time_first", perm=[1, 0, 2])
    sequence, last = graph.name(f"{layer.name}_Y"), graph.name(f"{layer.name}_Y_h")
    graph.nodes.append(
        graph.helper.make_node(
            op, [time_first, w, r, b], [sequence, last], name=graph.name(op), **attributes
        )
    )
    if not layer.return_sequences:
        axis = graph.constant(f"{layer.name}_axis", [0], dtype=np.int64)
        return graph.node("Squeeze", [last, axis], layer.name)  # (1, batch, H) → (batch, H)
    axis = graph.constant(f"{layer.name}_axis", [1], dtype=np.int64)
    squeezed = graph.node("Squeeze", [sequence, axis], f"{layer.name}_seq")  # (T, batch, H)
    return graph.node("Transpose", [squeezed], layer.name, perm=[1, 0, 2])


RECURRENT_CONVERTERS = {"LSTM": recurrent, "GRU": recurrent, "SimpleRNN": recurrent}
