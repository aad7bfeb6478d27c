"""Tests of glassnet.train.clustering: cluster, kmeans_labels, adjusted_rand_index."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.nn.autoencoder import conv_autoencoder
from glassnet.train.clustering import adjusted_rand_index, cluster, kmeans_labels


def _blobs() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    centres = rng.uniform(0, 1, (3, 6))
    y = np.repeat(np.arange(3), 30)
    return (centres[y] + 0.03 * rng.standard_normal((90, 6))).astype(np.float32), y


def test_cluster_finds_separated_groups_and_is_seeded():
    x, y = _blobs()
    # normalize_codes=False: a 2-number code scaled to unit length keeps only an angle.
    options = {"code_size": 2, "hidden": (16,), "epochs": 20, "normalize_codes": False}
    first = cluster(x, 3, seed=0, **options)
    again = cluster(x, 3, seed=0, **options)
    assert first.codes.shape == (90, 2)
    assert adjusted_rand_index(y, first.labels) == 1.0
    np.testing.assert_array_equal(first.labels, again.labels)


def test_digits_autoencoder_kmeans_beats_kmeans_on_raw_pixels():
    """Both ARIs on the digits with the defaults and seed 0 (the README's numbers)."""
    digits = gn.data.load("digits")
    x = (digits.x / 16).astype(np.float32)
    raw = adjusted_rand_index(digits.y, kmeans_labels(x, 10, seed=0))
    coded = cluster(x, 10, seed=0)
    ae = adjusted_rand_index(digits.y, coded.labels)
    print(f"ARI raw pixels {raw:.3f}, denoising autoencoder + cosine k-means {ae:.3f}")
    assert raw == pytest.approx(0.666, abs=0.01)
    assert ae > raw + 0.05  # measured 0.750 against 0.666


def test_cluster_refuses_negative_noise():
    with pytest.raises(gn.ConfigError, match="noise must be a number ≥ 0, got -1"):
        cluster(np.zeros((4, 2), dtype=np.float32), 2, noise=-1)


def test_cluster_takes_a_trained_conv_autoencoder():
    images = gn.data.load("digits").images()[:60]
    ae = conv_autoencoder((1, 8, 8), code_size=4, filters=4, rng=0)
    result = cluster(images, 3, autoencoder=ae, train=False, seed=0)
    assert result.codes.shape == (60, 4)
    assert result.autoencoder is ae
    assert set(result.labels) == {0, 1, 2}


def test_cluster_errors():
    x, _ = _blobs()
    with pytest.raises(gn.ConfigError, match="k must be an integer ≥ 2, got 1"):
        cluster(x, 1)
    with pytest.raises(gn.DataError, match="cannot make 100 clusters from 90 samples"):
        cluster(x, 100)
    with pytest.raises(gn.DataError, match="missing or infinite"):
        cluster(np.full((4, 2), np.nan), 2)
    with pytest.raises(gn.DataError, match="conv_autoencoder"):
        cluster(np.zeros((4, 1, 2, 2)), 2)
    with pytest.raises(gn.ConfigError, match="got Dense"):
        cluster(x, 2, autoencoder=gn.Dense(2))
    with pytest.raises(gn.DataError, match="got 2 and 3"):
        adjusted_rand_index([0, 1], [0, 1, 1])
