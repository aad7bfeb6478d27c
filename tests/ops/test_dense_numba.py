"""Tests for glassnet/ops/dense_numba.py: the fused loops equal the NumPy reference."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import DataError
from glassnet.inspect import gradcheck
from glassnet.ops import dense_numba


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_backward_with_bias_equals_where_and_sum(dtype):
    rng = np.random.default_rng(0)
    grad = rng.standard_normal((37, 19)).astype(dtype)
    out = np.maximum(rng.standard_normal((37, 19)), 0).astype(dtype)
    masked, bias_grad = dense_numba.relu_backward_with_bias(grad, out)
    expected = np.where(out > 0, grad, 0)
    np.testing.assert_array_equal(masked, expected)
    np.testing.assert_allclose(
        bias_grad, expected.sum(axis=0), rtol=1e-6 if dtype == np.float32 else 1e-14
    )
    assert masked.dtype == dtype and bias_grad.dtype == dtype


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_cross_entropy_rows_equal_the_numpy_formula(dtype):
    rng = np.random.default_rng(1)
    logits = (rng.standard_normal((50, 7)) * 30).astype(dtype)  # large logits: stability
    labels = rng.integers(0, 7, 50)
    probabilities, losses, bad_row = dense_numba.softmax_cross_entropy_rows(logits, labels)
    shifted = logits.astype(np.float64) - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    assert bad_row == -1
    np.testing.assert_allclose(probabilities, np.exp(log_p), rtol=tolerance, atol=1e-30)
    np.testing.assert_allclose(losses, -log_p[np.arange(50), labels], rtol=tolerance, atol=1e-6)
    assert probabilities.dtype == dtype and losses.dtype == dtype


@pytest.mark.parametrize("label", [-1, 3])
def test_an_out_of_range_label_is_reported_with_its_row(label):
    logits = np.zeros((4, 3), dtype=np.float32)
    labels = np.array([0, 1, label, 2])
    assert dense_numba.softmax_cross_entropy_rows(logits, labels)[2] == 2
    with pytest.raises(DataError, match=f"class label {label} in row 2"):
        gn.ops.softmax_cross_entropy(gn.Tensor(logits, requires_grad=True), labels)


def test_applies_only_to_contiguous_numpy_floats(monkeypatch):
    a = np.zeros((3, 4), dtype=np.float32)
    assert dense_numba.applies(a, a)
    assert not dense_numba.applies(a.T)
    assert not dense_numba.applies(a, a.astype(np.float64))
    assert not dense_numba.applies(a.astype(np.int64))
    monkeypatch.setenv("GLASSNET_NUMBA", "0")
    assert not dense_numba.applies(a)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("numba", ["1", "0"])
def test_dense_relu_and_softmax_cross_entropy_pass_gradcheck_on_both_paths(
    numba, reduction, monkeypatch
):
    monkeypatch.setenv("GLASSNET_NUMBA", numba)
    rng = np.random.default_rng(2)
    x = gn.Tensor(rng.standard_normal((6, 5)), requires_grad=True, dtype=np.float64)
    w = gn.Tensor(rng.standard_normal((5, 4)), requires_grad=True, dtype=np.float64)
    b = gn.Tensor(rng.standard_normal(4), requires_grad=True, dtype=np.float64)
    labels = rng.integers(0, 4, 6)

    def loss(x, w, b):
        logits = gn.ops.linear(x, w, b, "relu")
        return gn.ops.softmax_cross_entropy(logits, labels, reduction).sum()

    assert gradcheck(loss, x, w, b)


def test_both_paths_train_a_float32_network_to_the_same_numbers(monkeypatch):
    def trained(numba: str) -> list[np.ndarray]:
        monkeypatch.setenv("GLASSNET_NUMBA", numba)
        gn.seed(0)
        model = gn.Sequential([gn.Dense(16, activation="relu"), gn.Dense(3)])
        optimizer = gn.SGD(model, lr=0.1)
        rng = np.random.default_rng(3)
        for _ in range(5):
            x = rng.standard_normal((32, 8)).astype(np.float32)
            y = rng.integers(0, 3, 32)
            optimizer.zero_grad()
            gn.nn.get_loss("categorical_crossentropy")(model(gn.Tensor(x)), y).backward()
            optimizer.step()
        return [p.numpy().copy() for p in model.parameters()]

    for fused, reference in zip(trained("1"), trained("0"), strict=True):
        np.testing.assert_allclose(fused, reference, rtol=1e-5, atol=1e-6)
