"""Tests of glassnet.nn.autoencoder: Reshape, UpSampling2D and the two autoencoders."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.nn.autoencoder import (
    Autoencoder,
    Reshape,
    UpSampling2D,
    conv_autoencoder,
    dense_autoencoder,
)
from tests.helpers import check_layer, random_array


def test_reshape_layer_checks():
    check_layer(lambda: Reshape((2, 3)), (4, 6), (4, 2, 3))


def test_upsampling_layer_checks_and_values():
    check_layer(lambda: UpSampling2D(2), (2, 3, 2, 3), (2, 3, 4, 6))
    x = random_array((1, 1, 2, 2), seed=3)
    out = UpSampling2D(2)(gn.Tensor(x, dtype=np.float64)).numpy()
    np.testing.assert_array_equal(out[0, 0], np.kron(x[0, 0], np.ones((2, 2))))


def test_layer_errors_say_what_and_got():
    with pytest.raises(gn.ShapeError, match=r"Reshape .* 6 values .* got shape \(4, 5\)"):
        Reshape((2, 3))(gn.Tensor(np.zeros((4, 5))))
    with pytest.raises(gn.ShapeError, match=r"UpSampling2D .* got shape \(4, 5\)"):
        UpSampling2D(2)(gn.Tensor(np.zeros((4, 5))))
    with pytest.raises(gn.ConfigError, match="size must be a positive integer, got 0"):
        UpSampling2D(0)


def test_dense_autoencoder_shapes_and_parts():
    ae = dense_autoencoder(64, code_size=5, hidden=(16,), rng=0)
    x = random_array((7, 64), seed=0)
    assert isinstance(ae.encoder, gn.Sequential) and isinstance(ae.decoder, gn.Sequential)
    assert ae.model is ae
    assert ae.encode(x).shape == (7, 5)
    assert ae.decode(np.zeros((7, 5), dtype=np.float32)).shape == (7, 64)
    assert ae.reconstruct(x).shape == (7, 64)


def test_conv_autoencoder_shapes():
    ae = conv_autoencoder((1, 8, 8), code_size=6, filters=4, rng=0)
    x = random_array((3, 1, 8, 8), seed=0, low=0.0)
    assert ae.encode(x).shape == (3, 6)
    out = ae.reconstruct(x)
    assert out.shape == (3, 1, 8, 8)
    assert np.all((out > 0) & (out < 1))  # sigmoid output, like the images
    with pytest.raises(gn.ConfigError, match=r"even height and width.*got 7×8"):
        conv_autoencoder((1, 7, 8))


def _digits() -> np.ndarray:
    return gn.data.load("digits").images()[:300]


@pytest.mark.parametrize("kind", ["dense", "conv"])
def test_training_improves_the_round_trip(kind):
    images = _digits()
    if kind == "dense":
        x = images.reshape(len(images), -1)
        ae = dense_autoencoder(64, code_size=8, hidden=(32,), rng=0)
    else:
        x = images
        ae = conv_autoencoder((1, 8, 8), code_size=8, filters=4, rng=0)
    before = float(np.mean((ae.reconstruct(x) - x) ** 2))
    ae.compile("adam", "mse", lr=3e-3)
    ae.fit(x, x, epochs=5, batch_size=32, rng=0, verbose=0)
    after = float(np.mean((ae.reconstruct(x) - x) ** 2))
    assert after < 0.6 * before


def test_save_and_load_round_trip(tmp_path):
    ae = conv_autoencoder((1, 8, 8), code_size=4, filters=4, rng=1)
    x = _digits()[:20]
    ae.compile("adam", "mse")
    ae.fit(x, x, epochs=1, rng=0, verbose=0)
    ae.save(tmp_path / "ae")
    loaded = gn.load(tmp_path / "ae")
    assert isinstance(loaded, Autoencoder)
    np.testing.assert_allclose(loaded.encode(x), ae.encode(x), rtol=1e-6)
    np.testing.assert_allclose(loaded.reconstruct(x), ae.reconstruct(x), rtol=1e-6)


def test_autoencoder_needs_two_modules():
    with pytest.raises(gn.ConfigError, match="two parts"):
        Autoencoder([gn.Dense(2)])
    with pytest.raises(gn.ConfigError, match="encoder and a decoder"):
        Autoencoder(gn.Dense(2), "dense")
