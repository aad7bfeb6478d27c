"""Every layer type on every available device: the same numbers as on the CPU.

For each layer registered in ``LAYERS``, the same seeded layer runs forward and backward
on the CPU and on the device under test; outputs, input gradients and weight gradients
must agree within float32 tolerance, and the gradient check must pass on the device.
The ``device`` fixture (tests/conftest.py) gives the CPU, the CuPy-strict stand-in and,
where CuPy finds one, the GPU.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import glassnet as gn
from glassnet import backend
from glassnet.nn.layers_registry import LAYERS
from tests.nn._trees import feature_trees


def _images(shape=(2, 3, 6, 6)):
    return np.random.default_rng(1).uniform(-1, 1, shape)


def _sequence(shape=(3, 5, 4)):
    return np.random.default_rng(2).uniform(-1, 1, shape)


def _table(shape=(4, 6)):
    return np.random.default_rng(3).uniform(-1, 1, shape)


def _tokens():
    return np.array([[1, 2, 0, 0], [3, 1, 4, 0], [5, 5, 5, 2]])


def _tree_call(layer: gn.Module, _: Any) -> gn.Tensor:
    return layer(feature_trees(width=3, seed=4))


# name -> (factory, input, how to call). Factories are seeded: two calls give equal weights.
CASES: dict[str, tuple[Callable[[], gn.Module], Callable[[], np.ndarray], Any]] = {
    "activation": (lambda: gn.Activation("tanh"), _table, None),
    "autoencoder": (
        lambda: gn.Autoencoder(gn.Dense(3, "relu", rng=0), gn.Dense(6, rng=1)),
        _table,
        None,
    ),
    "avgpool2d": (lambda: gn.AvgPool2D(2), _images, None),
    "batchnorm": (lambda: gn.BatchNorm(), _table, None),
    "bidirectional": (lambda: gn.Bidirectional(gn.GRU(3, rng=0)), _sequence, None),
    "childsumtreelstm": (lambda: gn.ChildSumTreeLSTM(3, rng=0), None, _tree_call),
    "conv1d": (lambda: gn.Conv1D(3, 3, padding="same", rng=0), _sequence, None),
    "conv2d": (lambda: gn.Conv2D(4, 3, activation="relu", rng=0), _images, None),
    "dense": (lambda: gn.Dense(3, activation="sigmoid", rng=0), _table, None),
    "dropout": (lambda: gn.Dropout(0.5, rng=0), _table, None),
    "elu": (lambda: gn.ELU(), _table, None),
    "embedding": (lambda: gn.Embedding(6, 3, mask_zero=True, rng=0), _tokens, None),
    "flatten": (lambda: gn.Flatten(), _images, None),
    "gelu": (lambda: gn.GELU(), _table, None),
    "globalaveragepooling2d": (lambda: gn.GlobalAveragePooling2D(), _images, None),
    "gru": (lambda: gn.GRU(4, return_sequences=True, rng=0), _sequence, None),
    "layernorm": (lambda: gn.LayerNorm(), _table, None),
    "leakyrelu": (lambda: gn.LeakyReLU(0.1), _table, None),
    "logsoftmax": (lambda: gn.LogSoftmax(), _table, None),
    "lstm": (lambda: gn.LSTM(4, rng=0), _sequence, None),
    "masking": (lambda: gn.Masking(0.0), lambda: _sequence() * (_sequence() > -0.5), None),
    "maxpool2d": (lambda: gn.MaxPool2D(2), _images, None),
    "randomflip": (lambda: gn.RandomFlip("both", rng=0), _images, None),
    "randomshift": (lambda: gn.RandomShift(1, rng=0), _images, None),
    "relu": (lambda: gn.ReLU(), _table, None),
    "reshape": (lambda: gn.Reshape((2, 3)), _table, None),
    "sequential": (
        lambda: gn.Sequential(
            [gn.Dense(5, "relu", rng=0), gn.Dropout(0.2, rng=1), gn.Dense(2, rng=2)]
        ),
        _table,
        None,
    ),
    "sigmoid": (lambda: gn.Sigmoid(), _table, None),
    "simplernn": (lambda: gn.SimpleRNN(3, go_backwards=True, rng=0), _sequence, None),
    "softmax": (lambda: gn.Softmax(), _table, None),
    "softplus": (lambda: gn.Softplus(), _table, None),
    "step": (lambda: gn.Step(), _table, None),
    "tanh": (lambda: gn.Tanh(), _table, None),
    "treernn": (lambda: gn.TreeRNN(3, arity=None, rng=0), None, _tree_call),
    "upsampling2d": (lambda: gn.UpSampling2D(2), _images, None),
}


def test_every_registered_layer_has_a_device_case():
    assert sorted(CASES) == sorted(LAYERS.names())


def _run(name: str, device: str) -> dict[str, np.ndarray]:
    """Forward and backward of the case's layer on ``device``; every result on the host."""
    factory, make_input, call = CASES[name]
    layer = factory().to(device)
    if call is not None:
        out = call(layer, None)
        x = None
    else:
        host = make_input()
        floating = host.dtype.kind == "f"
        x = gn.Tensor(host, requires_grad=floating, device=device)
        out = layer(x)
    out = out[0] if isinstance(out, tuple) else out
    upstream = np.random.default_rng(5).standard_normal(out.shape)
    (out * gn.Tensor(upstream, device=device)).sum().backward()
    results = {"output": out.numpy()}
    if x is not None and x.requires_grad:
        results["input grad"] = x.grad
    for path, parameter in layer.named_parameters():
        assert parameter.device == backend.get_device_object(device).name
        results[f"{path} grad"] = parameter.grad
    return {key: backend.to_numpy(value) for key, value in results.items()}


@pytest.mark.parametrize("name", sorted(CASES))
def test_layer_gives_the_cpu_numbers_on_the_device(name, device):
    on_cpu = _run(name, "cpu")
    on_device = _run(name, device)
    assert on_device.keys() == on_cpu.keys()
    for key, expected in on_cpu.items():
        np.testing.assert_allclose(on_device[key], expected, rtol=1e-4, atol=1e-5, err_msg=key)


@pytest.mark.parametrize(
    "name", ["conv2d", "dense", "lstm", "gru", "batchnorm", "embedding", "maxpool2d"]
)
def test_gradient_check_passes_on_the_device(name, device):
    factory, make_input, _ = CASES[name]
    with gn.default_dtype("float64"), backend.using_device(device):
        layer = factory()
        host = make_input()
        report = gn.gradcheck(layer, host, max_elements=30)
    assert report.ok
