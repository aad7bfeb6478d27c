"""ONNX export: a trained glassnet model as a graph any ONNX runtime can run.

The graph takes the raw features (the ``input``, batch axis ``N`` of any size) and
gives what ``model.predict`` gives (``output``). A model trained by ``glassnet
train`` carries its scaler: its z-scores or min-max scaling become the graph's first
nodes, so the ONNX model takes the data in its own units, and a regression's target
scaling is undone by the last nodes, so outputs are in the target's units too.

The graph is built with the ``onnx`` package's helper API and checked with
``onnx.checker`` (the tests also run it in ``onnxruntime``).

Example:
    >>> import glassnet as gn, numpy as np, tempfile, os
    >>> model = gn.Sequential([gn.Dense(4, activation="relu", input_dim=3), gn.Dense(2)])
    >>> path = os.path.join(tempfile.mkdtemp(), "model.onnx")
    >>> [node.op_type for node in model.export_onnx(path).graph.node]
    ['Gemm', 'Relu', 'Gemm', 'Identity']
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from onnx import TensorProto

from glassnet.autograd.function import no_grad
from glassnet.autograd.tensor import Tensor
from glassnet.errors import ConfigError, DataError
from glassnet.io.atomic import write_atomic
from glassnet.io.onnx_layers import CONVERTERS, GraphBuilder
from glassnet.io.onnx_recurrent import RECURRENT_CONVERTERS
from glassnet.nn.module import Module

#: The ONNX operator set the graphs use (onnxruntime ≥ 1.12 runs it).
OPSET = 17


def export_onnx(
    model: Module,
    path: str | Path | None = None,
    input_shape: tuple[int, ...] | None = None,
    preprocessing: dict[str, Any] | None = None,
) -> Any:
    """Build, check and (when ``path`` is given) write the ONNX graph of ``model``.

    Args:
        model: a built model: a ``Sequential`` of supported layers, or one layer.
        path: the ``.onnx`` file to write (atomically); None only returns the graph.
        input_shape: one sample's shape, for a model that has not seen data yet.
        preprocessing: the scalers to fold in (default: ``model.preprocessing``).

    Returns:
        The checked ``onnx.ModelProto``.

    Raises:
        ConfigError: a layer has no ONNX export, or the model is not built.
    """
    import onnx
    from onnx import helper

    layers = list(getattr(model, "layers", None) or [model])
    shapes = _layer_input_shapes(model, layers, input_shape)
    dtype = (
        np.dtype(next(iter(model.parameters())).data.dtype)
        if model.parameters()
        else np.dtype(np.float32)
    )
    graph = GraphBuilder(dtype)
    preprocessing = getattr(model, "preprocessing", {}) if preprocessing is None else preprocessing
    x = _scale_inputs(graph, preprocessing.get("scaler"), "input")
    for layer, shape in zip(layers, shapes[:-1], strict=True):
        kind = type(layer).__name__
        converters = {**CONVERTERS, **RECURRENT_CONVERTERS}
        if kind not in converters:
            raise ConfigError(
                f"layer '{layer.name}' ({kind}) has no ONNX export; supported layers: "
                + ", ".join(sorted(converters))
            )
        x = converters[kind](graph, layer, x, shape)
    x = _unscale_outputs(graph, preprocessing.get("target_scaler"), x)
    output = graph.node("Identity", [x], "output")
    elem = helper.np_dtype_to_tensor_dtype(dtype)
    batch = ["N"]
    graph_proto = helper.make_graph(
        graph.nodes,
        f"glassnet_{model.name}",
        [helper.make_tensor_value_info("input", elem, batch + list(shapes[0][1:]))],
        [helper.make_tensor_value_info(output, elem, batch + list(shapes[-1][1:]))],
        graph.initializers,
    )
    proto = helper.make_model(
        graph_proto,
        producer_name="glassnet",
        opset_imports=[helper.make_opsetid("", OPSET)],
    )
    proto.ir_version = min(proto.ir_version, 8)  # readable by older runtimes too
    onnx.checker.check_model(proto, full_check=True)
    if path is not None:
        write_atomic(path, proto.SerializeToString())
    return proto


def _layer_input_shapes(
    model: Module, layers: list[Module], input_shape: tuple[int, ...] | None
) -> list[tuple[int, ...]]:
    """The shape entering each layer, then the model's output shape (one sample batch)."""
    if input_shape is not None:
        first = (1, *input_shape)
    elif model.input_shape is not None:
        first = (1, *model.input_shape[1:])
    elif layers[0].input_shape is not None:
        first = (1, *layers[0].input_shape[1:])
    elif type(layers[0]).__name__ == "Dense" and layers[0].kernel is not None:
        first = (1, layers[0].kernel.shape[0])  # built from input_dim, before any data
    else:
        raise ConfigError(
            f"model '{model.name}' has not seen data, so its input shape is unknown; "
            "pass input_shape=(features,) or call it once on data first"
        )
    shapes = [first]
    x = Tensor(np.zeros(first, dtype=np.float32), device=model.device)
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            for layer in layers:
                x = layer(x)
                shapes.append(tuple(x.shape))
    finally:
        model.train(was_training)
    return shapes


def _scale_inputs(graph: GraphBuilder, state: dict[str, Any] | None, x: str) -> str:
    """The scaler ``glassnet train`` fitted, as the graph's first nodes.

    Computed in float64, as the scaler computes it, then cast to the model's dtype:
    the exported graph then rounds exactly where glassnet does.
    """
    if state is None:
        return x
    kind = state.get("class")
    wide = graph.node("Cast", [x], "input_f64", to=TensorProto.DOUBLE)
    if kind == "StandardScaler":
        centered = graph.node("Sub", [wide, _double(graph, "scaler_mean", state["mean"])], "scaled")
        scaled = graph.node("Div", [centered, _double(graph, "scaler_std", state["std"])], "scaled")
    elif kind == "MinMaxScaler":
        low, high = state["feature_range"]
        data_min, data_max = np.asarray(state["data_min"]), np.asarray(state["data_max"])
        span = data_max - data_min
        span[span == 0] = 1.0  # a constant column maps to the low end, as the scaler does
        shifted = graph.node("Sub", [wide, _double(graph, "scaler_min", data_min)], "scaled")
        factor = _double(graph, "scaler_scale", (high - low) / span)
        scaled = graph.node("Mul", [shifted, factor], "scaled")
        scaled = graph.node("Add", [scaled, _double(graph, "scaler_low", low)], "scaled")
    else:
        raise DataError(
            f"cannot export the scaler {kind!r}: known are StandardScaler, MinMaxScaler"
        )
    return graph.node("Cast", [scaled], "scaled", to=_element_type(graph.dtype))


def _unscale_outputs(graph: GraphBuilder, state: dict[str, Any] | None, x: str) -> str:
    """A regression's target scaling, undone (in float64): outputs in the target's units."""
    if state is None:
        return x
    if state.get("class") != "StandardScaler":
        raise DataError(f"cannot export the target scaler {state.get('class')!r}")
    wide = graph.node("Cast", [x], "output_f64", to=TensorProto.DOUBLE)
    scaled = graph.node("Mul", [wide, _double(graph, "target_std", state["std"])], "unscaled")
    shifted = graph.node("Add", [scaled, _double(graph, "target_mean", state["mean"])], "unscaled")
    return graph.node("Cast", [shifted], "unscaled", to=_element_type(graph.dtype))


def _double(graph: GraphBuilder, name: str, value: Any) -> str:
    return graph.constant(name, value, dtype=np.float64)


def _element_type(dtype: np.dtype) -> int:
    from onnx import helper

    return helper.np_dtype_to_tensor_dtype(dtype)
