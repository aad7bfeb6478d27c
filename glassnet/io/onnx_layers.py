"""One ONNX converter per glassnet layer: the nodes that compute what its forward computes.

Each converter gets a :class:`GraphBuilder`, the layer, the name of its input tensor
and the input's shape (batch axis included, as glassnet saw it on a sample batch),
and returns the name of its output tensor. Layers that do nothing at inference
(dropout, augmentation) become nothing. Inference mode is what is exported: batch
norm uses its running statistics.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from glassnet import backend
from glassnet.errors import ConfigError
from glassnet.nn.activations import activation_name
from glassnet.ops.windows import resolve_padding


class GraphBuilder:
    """Collects nodes and weights (initializers), naming tensors uniquely."""

    def __init__(self, dtype: np.dtype) -> None:
        from onnx import helper, numpy_helper

        self.helper, self.numpy_helper = helper, numpy_helper
        self.dtype = dtype
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self._count = 0

    def name(self, base: str) -> str:
        self._count += 1
        return f"{base}_{self._count}"

    def constant(self, base: str, value: Any, dtype: Any = None) -> str:
        """A weight or constant as an initializer; returns its name."""
        name = self.name(base)
        array = np.asarray(value, dtype=dtype or self.dtype)
        self.initializers.append(self.numpy_helper.from_array(array, name))
        return name

    def node(self, op: str, inputs: list[str], base: str, **attributes: Any) -> str:
        """Add one node with one output; returns the output's name."""
        out = self.name(base)
        self.nodes.append(self.helper.make_node(op, inputs, [out], name=out, **attributes))
        return out


def activation(graph: GraphBuilder, name: str, x: str, options: dict[str, Any], where: str) -> str:
    """The nodes of the activation registered as ``name``."""
    if name in ("linear", "identity"):
        return x
    simple = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu", "softplus": "Softplus"}
    if name in simple:
        return graph.node(simple[name], [x], f"{where}_{name}")
    if name == "leaky_relu":
        alpha = float(options.get("alpha", 0.01))
        return graph.node("LeakyRelu", [x], f"{where}_leaky_relu", alpha=alpha)
    if name == "elu":
        return graph.node("Elu", [x], f"{where}_elu", alpha=float(options.get("alpha", 1.0)))
    if name in ("softmax", "log_softmax"):
        op = "Softmax" if name == "softmax" else "LogSoftmax"
        return graph.node(op, [x], f"{where}_{name}", axis=int(options.get("axis", -1)))
    if name == "step":
        # Heaviside: 1 where x >= 0 (glassnet's convention), as the input's float type.
        zero = graph.constant(f"{where}_zero", 0.0)
        below = graph.node("Less", [x, zero], f"{where}_below")
        return graph.node(
            "Cast",
            [graph.node("Not", [below], f"{where}_ge")],
            f"{where}_step",
            to=_onnx_type(graph),
        )
    if name == "gelu":
        # The tanh form glassnet computes: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
        cube = graph.node("Mul", [x, graph.node("Mul", [x, x], f"{where}_sq")], f"{where}_cube")
        inner = graph.node(
            "Add", [x, graph.node("Mul", [cube, graph.constant("c", 0.044715)], "t")], "t"
        )
        t = graph.node(
            "Tanh",
            [graph.node("Mul", [inner, graph.constant("c", math.sqrt(2 / math.pi))], "t")],
            "t",
        )
        half = graph.node("Mul", [x, graph.constant("half", 0.5)], f"{where}_half")
        return graph.node(
            "Mul", [half, graph.node("Add", [t, graph.constant("one", 1.0)], "t")], f"{where}_gelu"
        )
    raise ConfigError(f"{where}: the activation {name!r} has no ONNX export")


def _onnx_type(graph: GraphBuilder) -> int:
    from onnx import TensorProto

    return TensorProto.DOUBLE if graph.dtype == np.float64 else TensorProto.FLOAT


def _weights(graph: GraphBuilder, layer: Any, attribute: str) -> str | None:
    tensor = getattr(layer, attribute, None)
    if tensor is None:
        return None
    return graph.constant(f"{layer.name}_{attribute}", backend.to_numpy(tensor.data))


def dense(graph: GraphBuilder, layer: Any, x: str, shape: tuple[int, ...]) -> str:
    kernel = _weights(graph, layer, "kernel")
    if len(shape) == 2 and layer.bias is not None:
        out = graph.node("Gemm", [x, kernel, _weights(graph, layer, "bias")], layer.name)
    else:  # (..., features): MatMul broadcasts over the leading axes, as Dense does
        out = graph.node("MatMul", [x, kernel], layer.name)
        if layer.bias is not None:
            out = graph.node("Add", [out, _weights(graph, layer, "bias")], layer.name)
    return activation(graph, activation_name(layer.activation), out, {}, layer.name)


def conv2d(graph: GraphBuilder, layer: Any, x: str, shape: tuple[int, ...]) -> str:
    (top, bottom), (left, right) = resolve_padding(
        layer.padding, layer.kernel_size, layer.stride, layer.dilation, shape[2:]
    )
    inputs = [x, _weights(graph, layer, "kernel")]
    if layer.bias is not None:
        inputs.append(_weights(graph, layer, "bias"))
    out = graph.node(
        "Conv",
        inputs,
        layer.name,
        kernel_shape=list(layer.kernel_size),
        strides=list(layer.stride),
        dilations=list(layer.dilation),
        pads=[top, left, bottom, right],
    )
    return activation(graph, activation_name(layer.activation), out, {}, layer.name)


def pool2d(graph: GraphBuilder, layer: Any, x: str, shape: tuple[int, ...]) -> str:
    (top, bottom), (left, right) = resolve_padding(
        layer.padding, layer.pool_size, layer.stride, (1, 1), shape[2:]
    )
    op = "MaxPool" if type(layer).__name__ == "MaxPool2D" else "AveragePool"
    # AveragePool's default count_include_pad=0: padding is not counted, as in glassnet.
    return graph.node(
        op,
        [x],
        layer.name,
        kernel_shape=list(layer.pool_size),
        strides=list(layer.stride),
        pads=[top, left, bottom, right],
    )


def global_average_pool(graph: GraphBuilder, layer: Any, x: str, shape: tuple[int, ...]) -> str:
    pooled = graph.node("GlobalAveragePool", [x], layer.name)
    return graph.node("Flatten", [pooled], layer.name, axis=1)


def batch_norm(graph: GraphBuilder, layer: Any, x: str, shape: tuple[int, ...]) -> str:
    inputs = [x] + [
        _weights(graph, layer, key) for key in ("gamma", "beta", "running_mean", "running_var")
    ]
    return graph.node("BatchNormalization", inputs, layer.name, epsilon=float(layer.epsilon))


def flatten(graph: GraphBuilder, layer: Any, x: str, shape: tuple[int, ...]) -> str:
    return graph.node("Flatten", [x], layer.name, axis=1)


def identity(graph: GraphBuilder, layer: Any, x: str, shape: tuple[int, ...]) -> str:
    return x  # inference: dropout and augmentation pass their input through


def activation_layer(graph: GraphBuilder, layer: Any, x: str, shape: tuple[int, ...]) -> str:
    return activation(graph, activation_name(layer.activation), x, layer.options, layer.name)


Converter = Callable[[GraphBuilder, Any, str, tuple[int, ...]], str]

#: Layer class name → converter. Recurrent layers add themselves (onnx_recurrent).
CONVERTERS: dict[str, Converter] = {
    "Dense": dense,
    "Conv2D": conv2d,
    "MaxPool2D": pool2d,
    "AvgPool2D": pool2d,
    "GlobalAveragePooling2D": global_average_pool,
    "BatchNorm": batch_norm,
    "Flatten": flatten,
    "Dropout": identity,
    "RandomShift": identity,
    "RandomFlip": identity,
    **{
        name: activation_layer
        for name in (
            "Activation",
            "ReLU",
            "LeakyReLU",
            "ELU",
            "Sigmoid",
            "Tanh",
            "GELU",
            "Softplus",
            "Softmax",
            "LogSoftmax",
            "Step",
        )
    },
}
