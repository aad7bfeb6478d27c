"""Pieces shared by :mod:`glassnet.inspect.trace` and :mod:`glassnet.inspect.trace_step`.

How numbers are written (``3.25``, ``(-0.5)``), the worked sum of one neuron, the
list of layers a trace walks through, and the preparation of one sample.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

import numpy as np

from glassnet import backend
from glassnet.autograd.tensor import Tensor
from glassnet.errors import ConfigError, ShapeError
from glassnet.nn.activations import ACTIVATIONS, Activation
from glassnet.nn.dense import Dense
from glassnet.nn.module import Module
from glassnet.nn.sequential import Sequential

# Activations applied to one number at a time: their derivative is one number per
# neuron. softmax and log_softmax mix the whole layer, so they are shown as vectors.
_NOT_ELEMENTWISE = ("softmax", "log_softmax")

# Inputs of one neuron spelled out in full up to this many; wider sums are shortened.
MAX_TERMS = 8


class _Stdout:
    """The default ``file``: ``sys.stdout`` as it is when the trace prints (pytest swaps it)."""

    def __repr__(self) -> str:
        return "sys.stdout"


STDOUT: Any = _Stdout()


def emit(text: str, file: TextIO | _Stdout | None) -> None:
    """Print ``text`` to ``file`` (``None``: nowhere)."""
    if file is None:
        return
    print(text, file=sys.stdout if isinstance(file, _Stdout) else file)


def fmt(value: Any, digits: int = 4) -> str:
    """A number as a person writes it: ``3.25``, ``0.5``, ``4.2``, ``-0.3``, ``1.2e-05``."""
    number = float(value)
    if number == 0:
        return "0"
    return f"{number:.{digits}g}"


def factor(value: Any) -> str:
    """A number inside a product: negative ones in parentheses, ``0.5·(-0.3)``."""
    text = fmt(value)
    return f"({text})" if text.startswith("-") else text


def signed(value: Any) -> str:
    """A number added to a sum: ``+ 2`` or ``- 0.3``."""
    text = fmt(value)
    return f"- {text[1:]}" if text.startswith("-") else f"+ {text}"


def vector(values: Any, limit: int = MAX_TERMS) -> str:
    """``[1, 0.5]``; longer vectors show their first and last values around ``…``."""
    flat = np.asarray(values).reshape(-1)
    if flat.size <= limit:
        return "[" + ", ".join(fmt(v) for v in flat) + "]"
    head = ", ".join(fmt(v) for v in flat[: limit - 2])
    return f"[{head}, …, {fmt(flat[-1])}] ({flat.size} values)"


def stats(values: Any) -> dict[str, float]:
    """min, mean and max of an array, as Python floats (JSON-ready)."""
    array = np.asarray(values, dtype=np.float64)
    if array.size == 0:
        return {"min": 0.0, "mean": 0.0, "max": 0.0}
    return {"min": float(array.min()), "mean": float(array.mean()), "max": float(array.max())}


def stats_text(values: Any) -> str:
    """``min -1, mean 0.5, max 2``; a single value is written alone."""
    if np.asarray(values).size == 1:
        return fmt(np.asarray(values).reshape(-1)[0])
    s = stats(values)
    return f"min {fmt(s['min'])}, mean {fmt(s['mean'])}, max {fmt(s['max'])}"


def plural(count: int, noun: str) -> str:
    """``1 more neuron``, ``3 more neurons``."""
    return f"{count} {noun}{'s' * (count != 1)}"


def weighted_sum(inputs: np.ndarray, weights: np.ndarray, bias: float | None, total: float) -> str:
    """``1·1 + 0.5·0.5 + 2 = 3.25``: one neuron's sum with the value the engine computed.

    With more than :data:`MAX_TERMS` inputs the first three products and the last
    one are written, and the number of products is said.
    """
    products = [f"{factor(x)}·{factor(w)}" for x, w in zip(inputs, weights, strict=True)]
    if len(products) > MAX_TERMS:
        shown = " + ".join(products[:3]) + " + … + " + products[-1]
        text = f"{shown} [{len(products)} products]"
    else:
        text = " + ".join(products) if products else "0"
    if bias is not None:
        text += f" {signed(bias)}"
    return f"{text} = {fmt(total)}"


def activation_of(layer: Module) -> tuple[str, Any, dict[str, Any]] | None:
    """(name, function, options) of a Dense layer's or an Activation layer's activation."""
    if isinstance(layer, Dense):
        return _name_of(layer.activation, layer.activation_fn), layer.activation_fn, {}
    if isinstance(layer, Activation):
        return _name_of(layer.activation, layer.fn), layer.fn, dict(layer.options)
    return None


def _name_of(spec: Any, fn: Any) -> str:
    if spec is None:
        return "linear"
    if isinstance(spec, str):
        return spec
    try:
        return ACTIVATIONS.name_of(fn)
    except ConfigError:
        return getattr(fn, "__name__", type(fn).__name__)


def is_elementwise(name: str) -> bool:
    return name not in _NOT_ELEMENTWISE and name in ACTIVATIONS.names()


def is_identity(name: str) -> bool:
    return name in ("linear", "identity")


def leaf_layers(model: Module) -> list[Module]:
    """The layers a sample passes through in order; nested Sequentials are opened.

    A Sequential subclass is opened only when it keeps Sequential's ``forward`` (one
    layer after another, as an Autoencoder does); a custom ``forward`` is one layer.
    """
    if isinstance(model, Sequential) and type(model).forward is Sequential.forward:
        layers: list[Module] = []
        for layer in model.layers:
            layers.extend(leaf_layers(layer))
        return layers
    return [model]


def describe_layer(layer: Module) -> str:
    return f"{type(layer).__name__} '{layer.name}'"


def model_dtype(model: Module) -> Any:
    parameters = model.parameters()
    return parameters[0].dtype if parameters else None


def one_sample(model: Module, x: Any, what: str = "trace") -> Tensor:
    """``x`` as a batch of one sample (batch axis added when ``x`` is one sample),
    on the model's device.

    Raises:
        ShapeError: ``x`` holds several samples or is empty.
    """
    try:
        array = np.asarray(host_values(x), dtype=np.float64)
    except (TypeError, ValueError):
        raise ShapeError(f"{what} needs numbers for the input, got {x!r}") from None
    if array.size == 0:
        raise ShapeError(f"{what} needs an input with at least one value, got shape {array.shape}")
    sample_shape = tuple(model.input_shape[1:]) if model.input_shape is not None else None
    if array.ndim == 0:
        array = array.reshape(1, 1)
    elif (sample_shape is not None and array.shape == sample_shape) or (
        sample_shape is None and array.ndim == 1
    ):
        array = array[None]
    if array.shape[0] != 1:
        raise ShapeError(
            f"{what} follows one sample, got a batch of {array.shape[0]} (shape {array.shape}); "
            "pass one row, e.g. x[0]"
        )
    return Tensor(array, dtype=model_dtype(model), device=model.device)


def host_values(x: Any) -> Any:
    """A Tensor's or a device array's numbers on the host; anything else as it is."""
    return backend.to_numpy(x.data if isinstance(x, Tensor) else x)


def host(tensor: Tensor) -> np.ndarray:
    """A NumPy copy of a tensor's numbers, wherever they live (a trace keeps its own copy)."""
    return backend.host_copy(tensor.data)


def host_grad(tensor: Tensor) -> np.ndarray:
    """A NumPy copy of a tensor's gradient (zeros where backward left none)."""
    if tensor.grad is None:
        return np.zeros(tensor.shape, tensor.dtype)
    return backend.host_copy(tensor.grad)


@contextmanager
def eval_mode(model: Module) -> Iterator[None]:
    """Every module in eval mode inside the block; each one's own mode restored after it."""
    modes = [(module, module.training) for module in model.modules()]
    model.eval()
    try:
        yield
    finally:
        for module, mode in modes:
            module.training = mode


def check_count(name: str, value: Any) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 0:
        raise ConfigError(f"{name} must be a non-negative integer, got {value!r}")
    return int(value)


def to_list(values: Any) -> Any:
    """An array as nested Python floats (JSON-serialisable)."""
    return np.asarray(values, dtype=np.float64).tolist()
