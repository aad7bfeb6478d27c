"""Every op on every available device: the gradient check passes there, and the values
equal the CPU's. The ``device`` fixture (tests/conftest.py) gives the CPU, the
CuPy-strict stand-in and, where CuPy finds one, the GPU."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet import backend, ops
from tests.helpers import away_from, distinct_array, random_array

LABELS = np.array([2, 0, 1, 2])
ONE_HOT = np.eye(3)[LABELS]

# name -> (function of tensors, inputs as host arrays); inputs avoid kinks and ties.
CASES = {
    "abs": (ops.abs, [away_from((3, 4))]),
    "add": (ops.add, [random_array((3, 4)), random_array((4,), seed=1)]),
    "arctan": (ops.arctan, [random_array((3, 4))]),
    "avg_pool2d": (lambda x: ops.avg_pool2d(x, 2), [random_array((2, 2, 4, 4))]),
    "cast": (lambda x: ops.cast(x, "float32") * 2.0, [random_array((3, 4))]),
    "clip": (lambda x: ops.clip(x, -0.5, 0.5), [away_from((3, 4), points=(-0.5, 0.5))]),
    "concatenate": (
        lambda a, b: ops.concatenate([a, b], axis=1),
        [random_array((2, 3)), random_array((2, 2), seed=1)],
    ),
    "conv1d": (
        lambda x, k: ops.conv1d(x, k, padding="same"),
        [random_array((2, 3, 6)), random_array((4, 3, 3), seed=1)],
    ),
    "conv2d": (
        lambda x, k: ops.conv2d(x, k, stride=2, padding=1),
        [random_array((2, 3, 5, 5)), random_array((4, 3, 3, 3), seed=1)],
    ),
    "div": (ops.div, [random_array((3, 4)), random_array((3, 4), seed=1, low=1.0, high=2.0)]),
    "elu": (ops.elu, [away_from((3, 4))]),
    "exp": (ops.exp, [random_array((3, 4))]),
    "gelu": (ops.gelu, [random_array((3, 4))]),
    "getitem": (lambda x: ops.getitem(x, np.array([0, 2, 0])), [random_array((3, 4))]),
    "identity": (ops.identity, [random_array((3, 4))]),
    "leaky_relu": (lambda x: ops.leaky_relu(x, 0.1), [away_from((3, 4))]),
    "linear": (
        lambda x, w, b: ops.linear(x, w, b, activation="relu"),
        [random_array((4, 3)), random_array((3, 5), seed=1), random_array((5,), seed=2)],
    ),
    "log": (ops.log, [random_array((3, 4), low=0.5, high=2.0)]),
    "log_softmax": (ops.log_softmax, [random_array((3, 4))]),
    "matmul": (ops.matmul, [random_array((3, 4)), random_array((4, 2), seed=1)]),
    "max": (lambda x: ops.max(x, axis=1), [distinct_array((3, 4))]),
    "max_pool2d": (lambda x: ops.max_pool2d(x, 2), [distinct_array((2, 2, 4, 4))]),
    "maximum": (ops.maximum, [distinct_array((3, 4)), distinct_array((3, 4), seed=1) + 0.01]),
    "mean": (lambda x: ops.mean(x, axis=0), [random_array((3, 4))]),
    "min": (lambda x: ops.min(x, axis=0), [distinct_array((3, 4))]),
    "minimum": (ops.minimum, [distinct_array((3, 4)), distinct_array((3, 4), seed=1) + 0.01]),
    "mul": (ops.mul, [random_array((3, 4)), random_array((3, 1), seed=1)]),
    "neg": (ops.neg, [random_array((3, 4))]),
    "power": (lambda x: ops.power(x, 3.0), [random_array((3, 4))]),
    "relu": (ops.relu, [away_from((3, 4))]),
    "reshape": (lambda x: ops.reshape(x, (4, 3)), [random_array((3, 4))]),
    "sigmoid": (ops.sigmoid, [random_array((3, 4))]),
    "sigmoid_binary_cross_entropy": (
        lambda z: ops.sigmoid_binary_cross_entropy(z, (ONE_HOT > 0).astype(float)),
        [random_array((4, 3))],
    ),
    "softmax": (ops.softmax, [random_array((3, 4))]),
    "softmax_cross_entropy": (
        lambda z: ops.softmax_cross_entropy(z, LABELS),
        [random_array((4, 3))],
    ),
    "softplus": (ops.softplus, [random_array((3, 4))]),
    "sqrt": (ops.sqrt, [random_array((3, 4), low=0.5, high=2.0)]),
    "stack": (lambda a, b: ops.stack([a, b], axis=0), [random_array((2, 3)), random_array((2, 3))]),
    "step": (ops.step, [away_from((3, 4))]),
    "sub": (ops.sub, [random_array((3, 4)), random_array((3, 4), seed=1)]),
    "sum": (lambda x: ops.sum(x, axis=(0, 1)), [random_array((3, 4))]),
    "tanh": (ops.tanh, [random_array((3, 4))]),
    "to_device": (lambda x: ops.to_device(x, "cpu") * 2.0, [random_array((3, 4))]),
    "transpose": (lambda x: ops.transpose(x, (1, 0)), [random_array((3, 4))]),
    "where": (
        lambda a, b: ops.where(np.array([[True, False, True, False]]), a, b),
        [random_array((3, 4)), random_array((3, 4), seed=1)],
    ),
}


# A float32 result has float32 resolution: central differences need a wider step.
GRADCHECK_OPTIONS = {"cast": {"eps": 1e-2, "atol": 1e-4, "rtol": 1e-3}}


def test_every_public_op_has_a_device_case():
    public = {
        name
        for name, value in vars(ops).items()
        if callable(value) and not name.startswith("_") and not isinstance(value, type)
    }
    public -= {"recurrent", "windows"}  # the recurrent ops are checked through their layers
    assert public <= set(CASES), sorted(public - set(CASES))


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradient_check_passes_on_the_device(name, device):
    fn, inputs = CASES[name]
    with backend.using_device(device):
        report = gn.gradcheck(fn, *inputs, **GRADCHECK_OPTIONS.get(name, {}))
    assert report.ok


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_equal_the_cpu_values(name, device):
    fn, inputs = CASES[name]
    expected = fn(*[gn.Tensor(x) for x in inputs]).numpy()
    got = fn(*[gn.Tensor(x, device=device) for x in inputs])
    assert got.device == ("cpu" if name == "to_device" else backend.get_device_object(device).name)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5, atol=1e-6)
