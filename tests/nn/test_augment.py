"""RandomShift and RandomFlip: images change in training, pass unchanged in eval."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError, ShapeError
from glassnet.nn.augment import RandomFlip, RandomShift, Shift
from tests.helpers import check_config_roundtrip, random_array


def images(n: int = 6) -> np.ndarray:
    return np.arange(n * 2 * 4 * 5, dtype=np.float64).reshape(n, 2, 4, 5)


def test_shift_moves_each_image_by_its_offset_with_zeros_coming_in():
    x = images(2)
    out = Shift(np.array([[1, 0], [0, -2]]))(x).numpy()
    np.testing.assert_array_equal(out[0, :, 1:, :], x[0, :, :-1, :])  # one row down
    np.testing.assert_array_equal(out[0, :, 0, :], 0)
    np.testing.assert_array_equal(out[1, :, :, :-2], x[1, :, :, 2:])  # two columns left
    np.testing.assert_array_equal(out[1, :, :, -2:], 0)


def test_shift_backward_passes_the_gradient_check():
    offsets = np.array([[1, -1], [0, 0], [-1, 1]])
    gn.gradcheck(lambda t: Shift(offsets)(t), random_array((3, 2, 4, 5)))


def test_random_shift_changes_images_in_training_only():
    x = images()
    layer = RandomShift(1, rng=0)
    shifted = layer(x).numpy()
    assert not np.array_equal(shifted, x)
    assert np.array_equal(layer.eval()(x).numpy(), x)


def test_random_flip_mirrors_about_half_of_the_images_left_to_right():
    x = np.random.default_rng(0).normal(size=(400, 1, 3, 3)).astype(np.float32)
    out = RandomFlip("horizontal", rng=1)(x).numpy()
    flipped = [np.array_equal(o, s[..., ::-1]) for o, s in zip(out, x, strict=True)]
    kept = [np.array_equal(o, s) for o, s in zip(out, x, strict=True)]
    assert all(f or k for f, k in zip(flipped, kept, strict=True))
    assert 160 < sum(flipped) < 240


def test_random_flip_vertical_and_eval():
    x = np.random.default_rng(0).normal(size=(50, 1, 3, 3)).astype(np.float32)
    out = RandomFlip("vertical", rng=2)(x).numpy()
    assert all(
        np.array_equal(o, s) or np.array_equal(o, s[..., ::-1, :])
        for o, s in zip(out, x, strict=True)
    )
    assert np.array_equal(RandomFlip("both").eval()(x).numpy(), x)


def test_random_flip_passes_the_gradient_check_with_a_fixed_generator():
    x = random_array((4, 1, 3, 3))
    gn.gradcheck(lambda t: RandomFlip("both", rng=5)(t), x)


def test_configs_round_trip():
    check_config_roundtrip(lambda: RandomShift(2))
    check_config_roundtrip(lambda: RandomFlip("vertical"))


def test_bad_settings_and_inputs_are_refused():
    with pytest.raises(ConfigError, match="max_shift"):
        RandomShift(-1)
    with pytest.raises(ConfigError, match="mode"):
        RandomFlip("diagonal")
    with pytest.raises(ShapeError, match=r"\(N, C, H, W\)"):
        RandomShift(1)(np.zeros((2, 8)))
