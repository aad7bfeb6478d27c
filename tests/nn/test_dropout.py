"""Dropout: inverted scaling in training, identity in eval, seeded masks, validation."""

from __future__ import annotations

import re

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError
from tests.helpers import check_layer, host, random_array


def _fixed_mask(layer):
    """The layer as a deterministic function: the mask generator is reseeded before each call."""

    def fn(x):
        layer.rng = np.random.default_rng(123)
        return layer(x)

    return fn


def test_dropout_layer_checks_with_a_fixed_mask():
    check_layer(lambda: gn.Dropout(0.4, rng=0), (6, 5), (6, 5), gradient_fn=_fixed_mask)


def test_gradient_is_the_mask_times_the_scale():
    layer = gn.Dropout(0.25, rng=np.random.default_rng(1))
    x = gn.Tensor(np.ones((50, 40)), requires_grad=True, dtype=np.float64)
    out = layer(x)
    out.sum().backward()
    np.testing.assert_array_equal(host(x.grad), out.numpy())  # x = 1, so the output is mask · scale
    assert set(np.unique(out.numpy())) == {0.0, 1 / 0.75}


def test_training_drops_about_rate_and_keeps_the_mean():
    x = gn.Tensor(np.ones((200, 100)))
    out = gn.Dropout(0.3, rng=2)(x).numpy()
    dropped = np.mean(out == 0)
    assert dropped == pytest.approx(0.3, abs=0.02)
    np.testing.assert_allclose(out[out != 0], 1 / 0.7, rtol=1e-6)
    assert out.mean() == pytest.approx(1.0, abs=0.03)


def test_eval_mode_and_rate_zero_pass_the_input_through():
    x = gn.Tensor(random_array((3, 4), seed=3))
    assert gn.Dropout(0.5).eval()(x) is x
    assert gn.Dropout(0.0)(x) is x
    layer = gn.Dropout(0.5)
    layer.train(False)
    np.testing.assert_array_equal(layer(x).numpy(), x.numpy())


def test_masks_are_new_each_call_but_reproducible_by_seed():
    x = gn.Tensor(np.ones((10, 10)))
    layer = gn.Dropout(0.5, rng=4)
    first, second = layer(x).numpy(), layer(x).numpy()
    assert not np.array_equal(first, second)
    again = gn.Dropout(0.5, rng=4)
    np.testing.assert_array_equal(again(x).numpy(), first)
    np.testing.assert_array_equal(again(x).numpy(), second)


def test_global_seed_controls_masks_without_a_layer_rng():
    x = gn.Tensor(np.ones((10, 10)))
    gn.seed(9)
    a = gn.Dropout(0.5)(x).numpy()
    gn.seed(9)
    b = gn.Dropout(0.5)(x).numpy()
    np.testing.assert_array_equal(a, b)


def test_output_keeps_the_input_dtype():
    x32 = gn.Tensor(np.ones((4, 4)), dtype=np.float32)
    with gn.default_dtype("float64"):
        assert gn.Dropout(0.5, rng=0)(x32).dtype == np.float32
    x64 = gn.Tensor(np.ones((4, 4)), dtype=np.float64)
    assert gn.Dropout(0.5, rng=0)(x64).dtype == np.float64


@pytest.mark.parametrize("rate", [1.5, 1.0, -0.1, "0.5", None])
def test_rate_must_lie_in_zero_one(rate):
    with pytest.raises(
        ConfigError, match=re.escape(f"Dropout rate must be in [0, 1), got {rate!r}")
    ):
        gn.Dropout(rate)


def test_config():
    layer = gn.Dropout(0.2, name="drop")
    assert layer.get_config() == {"rate": 0.2, "name": "drop"}
    assert layer.parameters() == []
