"""pad_sequences (as Keras's) and make_windows for time series."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.data.sequences import make_windows, pad_sequences

SEQS = [[1, 2, 3], [4], [5, 6, 7, 8, 9]]


def test_pad_sequences_like_keras():
    np.testing.assert_array_equal(
        pad_sequences(SEQS), [[0, 0, 1, 2, 3], [0, 0, 0, 0, 4], [5, 6, 7, 8, 9]]
    )
    np.testing.assert_array_equal(
        pad_sequences(SEQS, maxlen=3, padding="post"), [[1, 2, 3], [4, 0, 0], [7, 8, 9]]
    )
    np.testing.assert_array_equal(
        pad_sequences(SEQS, maxlen=2, truncating="post", value=-1), [[1, 2], [-1, 4], [5, 6]]
    )
    assert pad_sequences(SEQS).dtype == np.int32
    vectors = pad_sequences([np.ones((2, 3)), np.ones((1, 3))], dtype="float32", padding="post")
    assert vectors.shape == (2, 2, 3) and vectors[1, 1].sum() == 0


def test_pad_sequences_errors():
    with pytest.raises(gn.ConfigError, match="padding must be 'pre' or 'post'"):
        pad_sequences(SEQS, padding="middle")
    with pytest.raises(gn.ConfigError, match="maxlen"):
        pad_sequences(SEQS, maxlen=0)
    with pytest.raises(gn.DataError, match="sequence 1 has items of shape"):
        pad_sequences([np.ones((2, 3)), np.ones((1, 2))])


def test_make_windows():
    series = np.arange(10.0)
    X, y = make_windows(series, window=4, horizon=2)
    assert X.shape == (5, 4, 1) and y.shape == (5, 2)
    np.testing.assert_array_equal(X[2, :, 0], [2, 3, 4, 5])
    np.testing.assert_array_equal(y[2], [6, 7])
    table = np.stack([np.arange(6.0), -np.arange(6.0)], axis=1)
    X, y = make_windows(table, window=3, target=1)
    assert X.shape == (3, 3, 2)
    np.testing.assert_array_equal(y[:, 0], [-3, -4, -5])


def test_make_windows_errors():
    with pytest.raises(gn.DataError, match="too short for window 8 \\+ horizon 3"):
        make_windows(np.arange(10.0), window=8, horizon=3)
    with pytest.raises(gn.ConfigError, match="window must be a positive integer"):
        make_windows(np.arange(10.0), window=0)
    with pytest.raises(gn.DataError, match="target column 5 does not exist"):
        make_windows(np.ones((10, 2)), window=2, target=5)
