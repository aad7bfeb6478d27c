"""The fused LSTM step kernels against the NumPy reference, one step at a time.

The sequence-level test in ``test_recurrent.py`` uses 6 units, too few for the
vectorized loop bodies to run; here the widths cover the SIMD bodies and their scalar
remainders, padded rows, saturated pre-activations (beyond tanh's clamp) and ``has_dy``.
"""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.ops import recurrent_numpy
from glassnet.ops.recurrent_kernels import numba_available

pytestmark = pytest.mark.skipif(not numba_available(), reason="numba is not installed")

TOL = {np.float32: 2e-6, np.float64: 1e-12}


def _state(rng, batch, units, dtype):
    pre = rng.uniform(-4, 4, (batch, 4 * units)).astype(dtype)
    pre[0, :8] = [-30, 30, -9, 9, -7.9, 7.9, 0, 1e-4][: min(8, 4 * units)]
    rec = rng.uniform(-4, 4, (batch, 4 * units)).astype(dtype)
    c_prev = rng.uniform(-3, 3, (batch, units)).astype(dtype)
    h_prev = rng.uniform(-1, 1, (batch, units)).astype(dtype)
    mask = np.ones(batch, np.uint8)
    mask[1::3] = 0
    return pre, rec, c_prev, h_prev, mask


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("units", [1, 13, 64])
def test_lstm_forward_step_equals_the_reference(units, dtype):
    from glassnet.ops import recurrent_numba

    rng = np.random.default_rng(units)
    batch = 5
    pre, rec, c_prev, h_prev, mask = _state(rng, batch, units, dtype)
    results = []
    for kernels in (recurrent_numba, recurrent_numpy):
        a = pre.copy()
        c, tc, h = (np.full((batch, units), np.nan, dtype) for _ in range(3))
        kernels.lstm_forward_step(a, rec, c_prev, h_prev, mask, c, tc, h)
        results.append((a, c, tc, h))
    for fused, reference in zip(*results, strict=True):
        assert fused.dtype == dtype
        np.testing.assert_allclose(fused, reference, rtol=TOL[dtype], atol=TOL[dtype])
    # Padded rows keep the state.
    np.testing.assert_array_equal(results[0][1][mask == 0], c_prev[mask == 0])
    np.testing.assert_array_equal(results[0][3][mask == 0], h_prev[mask == 0])


@pytest.mark.parametrize("has_dy", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("units", [1, 13, 64])
def test_lstm_backward_step_equals_the_reference(units, dtype, has_dy):
    from glassnet.ops import recurrent_numba

    rng = np.random.default_rng(100 + units)
    batch = 5
    pre, rec, c_prev, h_prev, mask = _state(rng, batch, units, dtype)
    gates = pre.copy()
    c, tc, h = (np.empty((batch, units), dtype) for _ in range(3))
    recurrent_numpy.lstm_forward_step(gates, rec, c_prev, h_prev, mask, c, tc, h)
    dh_gemm, carry, dy, dc = (rng.uniform(-1, 1, (batch, units)).astype(dtype) for _ in range(4))
    results = []
    for kernels in (recurrent_numba, recurrent_numpy):
        da = np.full((batch, 4 * units), np.nan, dtype)
        carry_k, dc_k = carry.copy(), dc.copy()
        kernels.lstm_backward_step(da, dh_gemm, carry_k, dy, has_dy, dc_k, gates, c_prev, tc, mask)
        results.append((da, carry_k, dc_k))
    for fused, reference in zip(*results, strict=True):
        np.testing.assert_allclose(fused, reference, rtol=TOL[dtype], atol=TOL[dtype])
    assert not results[0][0][mask == 0].any()  # padded rows have no gate gradient
