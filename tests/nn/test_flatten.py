"""Flatten: (samples, d1, d2, …) → (samples, d1·d2·…) in NumPy's (row-major) order."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from tests.helpers import check_layer, random_array


@pytest.mark.parametrize(
    ("input_shape", "output_shape"),
    [((2, 1, 8, 8), (2, 64)), ((3, 4, 5), (3, 20)), ((4, 6), (4, 6))],
)
def test_flatten_layer_checks(input_shape, output_shape):
    check_layer(lambda: gn.Flatten(), input_shape, output_shape)


def test_flatten_keeps_numpy_order():
    x = random_array((2, 3, 4), seed=1)
    np.testing.assert_array_equal(
        gn.Flatten()(gn.Tensor(x, dtype=np.float64)).numpy(), x.reshape(2, 12)
    )


def test_flatten_then_dense_trains_end_to_end():
    with gn.default_dtype("float64"):
        model = gn.Sequential([gn.Flatten(), gn.Dense(2, activation="tanh")])
    gn.gradcheck(model, random_array((3, 2, 2, 2), seed=2))
    assert model[1].kernel.shape == (8, 2)


def test_flatten_config():
    assert gn.Flatten(name="flat").get_config() == {"name": "flat"}
