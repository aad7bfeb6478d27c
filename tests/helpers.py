"""Shared test helpers: random inputs that avoid kinks, and the standard checks every layer gets.

``check_layer`` gives a layer its four tests in one call (the design's "shared test
helper"): forward values and dtype, backward (``gn.gradcheck`` in float64 on inputs and
parameters), shapes over two batch sizes, and the ``state_dict`` / ``get_config``
round trip. Each check is also usable on its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import glassnet as gn

LayerFactory = Callable[[], gn.Module]


# -- inputs ------------------------------------------------------------------------------


def random_array(shape: Sequence[int], seed: int = 0, low: float = -1.0, high: float = 1.0):
    """A float64 array, uniform in [low, high), reproducible by ``seed``."""
    return np.random.default_rng(seed).uniform(low, high, size=tuple(shape))


def away_from(
    shape: Sequence[int],
    points: Sequence[float] = (0.0,),
    margin: float = 0.1,
    seed: int = 0,
    low: float = -2.0,
    high: float = 2.0,
):
    """A float64 array in [low, high) with every element at least ``margin`` from each point.

    Kinks (relu and abs at 0, clip bounds, Huber's delta) make central differences
    meaningless there; inputs built this way never come near them.
    """
    rng = np.random.default_rng(seed)
    values = rng.uniform(low, high, size=tuple(shape))
    for _ in range(1000):
        bad = np.zeros(values.shape, dtype=bool)
        for point in points:
            bad |= np.abs(values - point) < margin
        if not bad.any():
            return values
        values[bad] = rng.uniform(low, high, size=int(bad.sum()))
    raise AssertionError("could not draw values away from the given points")


def distinct_array(shape: Sequence[int], seed: int = 0, gap: float = 0.05):
    """A float64 array of all-distinct values at least ``gap`` apart (no ties for max/min)."""
    size = int(np.prod(shape))
    values = np.arange(size) * gap - size * gap / 2
    return np.random.default_rng(seed).permutation(values).reshape(tuple(shape))


# -- the four layer checks ---------------------------------------------------------------


def check_forward(make_layer: LayerFactory, x: np.ndarray, expected_shape: tuple[int, ...]):
    """A float32 layer gives a finite float32 output of ``expected_shape``; float64 likewise."""
    layer = make_layer()
    out = layer(gn.Tensor(x))
    assert isinstance(out, gn.Tensor)
    assert out.shape == expected_shape
    assert out.dtype == np.float32
    assert np.all(np.isfinite(out.numpy()))
    assert layer.input_shape == x.shape
    assert layer.output_shape == expected_shape
    with gn.default_dtype("float64"):
        layer64 = make_layer()
        out64 = layer64(gn.Tensor(x))
    assert out64.dtype == np.float64
    for _, parameter in layer64.named_parameters():
        assert parameter.dtype == np.float64
    return out


def check_shapes(make_layer: LayerFactory, x: np.ndarray, expected_shape: tuple[int, ...]):
    """The same layer accepts another batch size and keeps the non-batch axes of its output."""
    layer = make_layer()
    assert layer(gn.Tensor(x)).shape == expected_shape
    bigger = np.concatenate([x, x[:1]], axis=0)
    assert layer(gn.Tensor(bigger)).shape == (expected_shape[0] + 1, *expected_shape[1:])


def check_gradients(
    make_layer: LayerFactory,
    x: np.ndarray,
    fn: Callable[[gn.Module], Callable[[gn.Tensor], gn.Tensor]] | None = None,
    training: bool = True,
) -> gn.inspect.GradcheckReport:
    """``gn.gradcheck`` in float64 on the input and every parameter of the layer.

    Args:
        fn: given the built layer, returns the function to check (e.g. one that
            reseeds a dropout mask so every call is the same function).
        training: check the layer in training mode (True) or eval mode.
    """
    with gn.default_dtype("float64"):
        layer = make_layer()
        layer(gn.Tensor(x))  # build
    layer.train(training)
    target = fn(layer) if fn is not None else layer
    report = gn.gradcheck(target, x, params=list(layer.named_parameters()))
    assert report.ok
    names = [check.name for check in report.tensors]
    assert names == ["input 0", *(name for name, _ in layer.named_parameters())]
    return report


def check_state_roundtrip(make_layer: LayerFactory, x: np.ndarray) -> None:
    """``state_dict`` of one layer loaded into a fresh one gives identical outputs."""
    source, copy = make_layer(), make_layer()
    source(gn.Tensor(x))
    copy(gn.Tensor(x))
    state = source.state_dict()
    assert set(state) == {name for name, _ in source.named_parameters()} | {
        name for name, _ in source.named_buffers()
    }
    for value in state.values():
        assert isinstance(value, np.ndarray)
    copy.load_state_dict(state)
    for key, value in copy.state_dict().items():
        np.testing.assert_array_equal(value, state[key])
    source.eval()
    copy.eval()
    np.testing.assert_array_equal(source(gn.Tensor(x)).numpy(), copy(gn.Tensor(x)).numpy())
    # The state is a copy: changing it does not reach the layer.
    for value in state.values():
        value[...] = 123.0
    for key, value in source.state_dict().items():
        if value.size:
            assert not np.all(value == 123.0), key


def check_config_roundtrip(make_layer: LayerFactory) -> None:
    """``get_config`` is JSON-ready and rebuilds an equal configuration."""
    layer = make_layer()
    config = layer.get_config()
    assert json.loads(json.dumps(config)) == config
    clone = type(layer)(**config)
    assert clone.get_config() == config


def check_layer(
    make_layer: LayerFactory,
    input_shape: tuple[int, ...],
    output_shape: tuple[int, ...],
    x: np.ndarray | None = None,
    gradient_fn: Callable[[gn.Module], Callable[[gn.Tensor], gn.Tensor]] | None = None,
    config: bool = True,
) -> None:
    """Forward, backward, shape and save/load checks for one layer."""
    if x is None:
        x = random_array(input_shape, seed=1)
    assert x.shape == input_shape
    check_forward(make_layer, x, output_shape)
    check_shapes(make_layer, x, output_shape)
    check_gradients(make_layer, x, fn=gradient_fn)
    check_state_roundtrip(make_layer, x)
    if config:
        check_config_roundtrip(make_layer)


def numeric_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-6):
    """Central differences of a NumPy function: an independent reference in a few tests."""
    grad = np.zeros_like(x)
    flat, out = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + eps
        plus = f(x)
        flat[i] = original - eps
        minus = f(x)
        flat[i] = original
        out[i] = (plus - minus) / (2 * eps)
    return grad


def as_float64_tensor(value: Any, requires_grad: bool = True) -> gn.Tensor:
    return gn.Tensor(value, requires_grad=requires_grad, dtype=np.float64)


# -- devices -----------------------------------------------------------------------------
# The suite can run with another current device (GLASSNET_TEST_DEVICE=standin or gpu);
# tests read device arrays and write into them through these two.


def host(value: Any) -> np.ndarray:
    """``value`` (a Tensor, a device array, a NumPy array, a list) as a NumPy array."""
    if isinstance(value, gn.Tensor):
        return value.numpy()
    return gn.backend.to_numpy(value)


def set_values(tensor: gn.Tensor, values: Any) -> None:
    """Overwrite ``tensor``'s numbers in place with ``values``, on whatever device it lives."""
    array = np.asarray(values, dtype=tensor.dtype)
    tensor.data[...] = gn.backend.to_device_of(np.broadcast_to(array, tensor.shape), tensor.data)
