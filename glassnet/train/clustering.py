"""Clustering with an autoencoder: train it on ``(x, x)``, encode, run k-means on the codes.

The autoencoder's codes are a short description of each sample; k-means (scikit-learn's
``KMeans``, with a fixed number of restarts and ``random_state=seed``) groups them.
Two choices make the codes cluster better than the raw features (measured on the
digits, ``tests/train/test_clustering.py``): the autoencoder is *denoising* (each epoch
it rebuilds the clean sample from a copy with fresh Gaussian noise, so its code keeps
the shape of a sample rather than its pixel-level detail), and k-means runs on the
codes scaled to unit length (*cosine* k-means: the code's direction says which kind
of sample it is, its length mostly how much ink or signal it has).
``adjusted_rand_index`` scores a clustering against known labels (1 = the same
grouping, about 0 = chance), whatever the cluster numbers are.

Example:
    >>> import numpy as np
    >>> x = np.concatenate([np.zeros((10, 4)), np.ones((10, 4))]).astype("float32")
    >>> result = cluster(x, 2, epochs=2, seed=0)
    >>> sorted(np.bincount(result.labels).tolist())
    [10, 10]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet import backend
from glassnet.errors import ConfigError, DataError
from glassnet.nn.autoencoder import Autoencoder, dense_autoencoder

#: k-means restarts: fixed so the same seed always gives the same clusters.
N_INIT = 10


@dataclass
class ClusterResult:
    """What :func:`cluster` found.

    Attributes:
        labels: the cluster of each sample, 0 … k-1.
        codes: the autoencoder's code of each sample, (samples, code_size).
        autoencoder: the (trained) autoencoder that made the codes.
    """

    labels: np.ndarray
    codes: np.ndarray
    autoencoder: Autoencoder


def _check_k(k: Any, samples: int) -> int:
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 2:
        raise ConfigError(f"the number of clusters k must be an integer ≥ 2, got {k!r}")
    if k > samples:
        raise DataError(f"cannot make {k} clusters from {samples} samples (k must be ≤ samples)")
    return int(k)


def kmeans_labels(x: Any, k: int, seed: int = 0) -> np.ndarray:
    """scikit-learn's ``KMeans(k, n_init=10, random_state=seed)`` labels of ``x`` (samples first).

    Example:
        >>> kmeans_labels([[0.0], [0.1], [5.0], [5.1]], 2).tolist() in ([0, 0, 1, 1], [1, 1, 0, 0])
        True
    """
    from sklearn.cluster import KMeans

    array = np.asarray(backend.to_numpy(x), dtype=np.float64)
    array = array.reshape(len(array), -1)
    k = _check_k(k, len(array))
    return KMeans(n_clusters=k, n_init=N_INIT, random_state=seed).fit_predict(array)


def cluster(
    x: Any,
    k: int,
    autoencoder: Autoencoder | None = None,
    code_size: int = 8,
    hidden: tuple[int, ...] = (256, 128),
    epochs: int = 100,
    batch_size: int = 32,
    lr: float = 1e-3,
    noise: float = 0.3,
    normalize_codes: bool = True,
    train: bool = True,
    seed: int = 0,
) -> ClusterResult:
    """Cluster ``x`` into ``k`` groups by k-means on autoencoder codes.

    Args:
        x: samples first: a table (samples, features) or images (samples, C, H, W).
            For the default dense autoencoder, scale features to [0, 1] first.
        k: the number of clusters.
        autoencoder: an :class:`Autoencoder` to use; default a
            ``dense_autoencoder(features, code_size, hidden)`` seeded by ``seed``.
        code_size, hidden: the default autoencoder's shape.
        epochs, batch_size, lr: its training (Adam on the mean squared error).
        noise: the standard deviation of the Gaussian noise added to the inputs (not
            the targets) during training, relative to the data's range; 0 trains a
            plain autoencoder.
        normalize_codes: scale each code to unit length before k-means (cosine
            k-means); ``ClusterResult.codes`` are the codes as the encoder gives them.
        train: False to use ``autoencoder`` as it is (already trained).
        seed: seeds the weights, the shuffling and k-means.

    Returns:
        A :class:`ClusterResult` with the labels, the codes and the autoencoder.
    """
    array = np.asarray(backend.to_numpy(x), dtype=np.float32)
    if array.ndim < 2 or len(array) == 0:
        raise DataError(
            f"cluster expects samples first, (samples, features), got shape {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise DataError("cluster got missing or infinite values in x; fill or drop them first")
    k = _check_k(k, len(array))
    if autoencoder is None:
        if array.ndim != 2:
            raise DataError(
                f"the default dense autoencoder needs a table (samples, features), got shape "
                f"{array.shape}; pass autoencoder=conv_autoencoder(...) for images"
            )
        autoencoder = dense_autoencoder(
            array.shape[1], code_size=code_size, hidden=hidden, rng=seed
        )
    elif not isinstance(autoencoder, Autoencoder):
        raise ConfigError(
            f"autoencoder must be a glassnet Autoencoder (dense_autoencoder, conv_autoencoder), "
            f"got {type(autoencoder).__name__}"
        )
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not 0 <= noise < 1e6:
        raise ConfigError(f"noise must be a number ≥ 0, got {noise!r}")
    if train:
        _train_denoising(autoencoder, array, epochs, batch_size, lr, float(noise), seed)
    codes = autoencoder.encode(array)
    features = _unit_length(codes) if normalize_codes else codes
    return ClusterResult(kmeans_labels(features, k, seed=seed), codes, autoencoder)


def _train_denoising(
    autoencoder: Autoencoder,
    x: np.ndarray,
    epochs: int,
    batch_size: int,
    lr: float,
    noise: float,
    seed: int,
) -> None:
    """Adam on the mean squared error of rebuilding ``x`` from a noisy copy, new noise each epoch."""
    autoencoder.compile("adam", "mse", lr=lr)
    if noise == 0:
        autoencoder.fit(x, x, epochs=epochs, batch_size=batch_size, rng=seed, verbose=0)
        return
    rng = np.random.default_rng(seed)
    low, high = float(x.min()), float(x.max())
    scale = noise * ((high - low) or 1.0)
    for _ in range(epochs):
        noisy = np.clip(x + rng.normal(0.0, scale, size=x.shape), low, high).astype(x.dtype)
        autoencoder.fit(noisy, x, epochs=1, batch_size=batch_size, rng=rng, verbose=0)


def _unit_length(codes: np.ndarray) -> np.ndarray:
    lengths = np.linalg.norm(codes, axis=1, keepdims=True)
    return codes / np.where(lengths > 0, lengths, 1.0)


def adjusted_rand_index(labels_true: Any, labels_pred: Any) -> float:
    """How well two groupings agree: 1 identical, about 0 chance (scikit-learn's ARI).

    Example:
        >>> adjusted_rand_index([0, 0, 1, 1], [1, 1, 0, 0])
        1.0
    """
    from sklearn.metrics import adjusted_rand_score

    true, pred = np.asarray(labels_true).ravel(), np.asarray(labels_pred).ravel()
    if len(true) != len(pred):
        raise DataError(
            f"adjusted_rand_index needs one label per sample in both, got {len(true)} and "
            f"{len(pred)}"
        )
    return float(adjusted_rand_score(true, pred))
