"""Embedding (lookup, gradient, mask, errors) and the Masking layer."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.nn.masking import get_mask
from tests.helpers import check_config_roundtrip, check_state_roundtrip, host

IDS = np.array([[1, 3, 3, 0], [4, 2, 0, 0]])


def test_lookup_returns_the_rows():
    layer = gn.Embedding(5, 3)
    out = layer(IDS)
    assert out.shape == (2, 4, 3) and out.dtype == np.float32
    np.testing.assert_array_equal(out.numpy()[0, 1], layer.embeddings.numpy()[3])


def test_gradient_accumulates_repeated_ids():
    with gn.default_dtype("float64"):
        layer = gn.Embedding(5, 3, rng=0)
    report = gn.gradcheck(lambda: layer(IDS), params=list(layer.named_parameters()))
    assert report.ok
    layer.embeddings.grad = None
    layer(IDS).sum().backward()
    counts = np.bincount(IDS.ravel(), minlength=5)
    np.testing.assert_array_equal(host(layer.embeddings.grad)[:, 0], counts)


def test_mask_zero_attaches_the_padding_mask():
    out = gn.Embedding(5, 2, mask_zero=True)(IDS)
    np.testing.assert_array_equal(host(get_mask(out)), IDS != 0)
    assert get_mask(gn.Embedding(5, 2)(IDS)) is None


def test_out_of_range_and_float_ids_are_clear_errors():
    layer = gn.Embedding(5, 2, name="tokens")
    with pytest.raises(
        gn.DataError, match=r"token id 7 is out of range for a vocabulary of size 5"
    ):
        layer(np.array([[1, 7]]))
    with pytest.raises(gn.DataError, match=r"token id -1 is out of range"):
        layer(np.array([[-1, 2]]))
    with pytest.raises(gn.DataError, match="integer token ids"):
        layer(np.array([[0.5, 1.0]]))
    with pytest.raises(gn.ConfigError, match="input_dim must be a positive integer"):
        gn.Embedding(0, 2)


def test_save_load_roundtrips():
    check_state_roundtrip(lambda: gn.Embedding(5, 3, mask_zero=True), IDS)
    check_config_roundtrip(lambda: gn.Embedding(5, 3, mask_zero=True, embeddings_regularizer="l2"))
    check_config_roundtrip(lambda: gn.Masking(-1.0))


def test_masking_zeroes_and_marks_padded_steps():
    x = np.array([[[1.0, 2.0], [-1.0, -1.0], [3.0, -1.0]]])
    out = gn.Masking(-1.0)(gn.Tensor(x))
    np.testing.assert_array_equal(host(get_mask(out)), [[True, False, True]])
    np.testing.assert_array_equal(out.numpy()[0, 1], 0.0)
    # The gradient flows through real steps only (a central difference is meaningless
    # here: nudging a padded value makes the step real).
    xt = gn.Tensor(x, requires_grad=True)
    gn.Masking(-1.0)(xt).sum().backward()
    np.testing.assert_array_equal(host(xt.grad)[0, :, 0], [1.0, 0.0, 1.0])
    with pytest.raises(gn.ShapeError, match=r"\(batch, time, features\)"):
        gn.Masking()(gn.Tensor(np.zeros((2, 3))))
