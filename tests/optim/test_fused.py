"""The Numba-fused Adam update against the NumPy reference path it replaces."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.optim import Adam, AdamW, _fused
from tests.helpers import host


def _run(optimizer_cls, fused: bool, dtype, steps: int = 5, **options) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    params = [
        gn.Tensor(rng.standard_normal(shape), requires_grad=True, dtype=dtype)
        for shape in ((7, 5), (5,), (3, 4, 2))
    ]
    grads = [[rng.standard_normal(p.shape).astype(dtype) for p in params] for _ in range(steps)]
    optimizer = optimizer_cls(params, lr=0.01, **options)
    before = _fused.ENABLED
    _fused.ENABLED = fused
    try:
        for step_grads in grads:
            for p, g in zip(params, step_grads, strict=True):
                p.grad = g
            optimizer.step()
    finally:
        _fused.ENABLED = before
    slots = [slot for p in params for slot in optimizer.state[p].slots.values()]
    return [host(p) for p in params] + [host(slot) for slot in slots]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    ("optimizer_cls", "options"),
    [
        (Adam, {}),
        (Adam, {"weight_decay": 0.1}),
        (Adam, {"amsgrad": True}),
        (AdamW, {"weight_decay": 0.05}),
        (AdamW, {"weight_decay": 0.05, "amsgrad": True}),
    ],
)
def test_fused_adam_equals_numpy_reference(optimizer_cls, options, dtype):
    fused = _run(optimizer_cls, True, dtype, **options)
    reference = _run(optimizer_cls, False, dtype, **options)
    tolerance = 2e-6 if dtype == np.float32 else 1e-13
    for got, expected in zip(fused, reference, strict=True):
        assert got.dtype == np.dtype(dtype)
        np.testing.assert_allclose(got, expected, rtol=tolerance, atol=tolerance)


def test_fused_adam_is_used_for_contiguous_numpy_arrays():
    a = np.zeros((3, 2), dtype=np.float32)
    assert _fused.fusable(a, a.copy())
    assert not _fused.fusable(a, a.T)  # not C-contiguous
    assert not _fused.fusable(a, a.astype(np.float64))  # mixed dtypes
    assert not _fused.fusable(np.zeros(3, dtype=np.int64))


def test_non_contiguous_gradient_falls_back_to_numpy():
    w = gn.Tensor(np.ones((3, 2)), requires_grad=True)
    optimizer = Adam([w], lr=0.1)
    w.grad = np.ones((2, 3), dtype=np.float32).T  # a transposed view
    optimizer.step()
    np.testing.assert_allclose(host(w), np.full((3, 2), 0.9), rtol=1e-6)
