"""The per-time-step elementwise work of SimpleRNN, LSTM and GRU, fused with numba.

The same kernels as :mod:`glassnet.ops.recurrent_numpy` (see it for shapes, gate order
and masking), each a single pass over a step's numbers instead of ~25 NumPy calls:
a NumPy engine spends most of an LSTM step on call overhead, not arithmetic.

How they stay fast without ``fastmath``:

* ``error_model="numpy"``: a float division cannot raise, so loops have no exception
  branch and LLVM vectorizes them (10× faster here than Python's error model);
* float32 uses a rational approximation of tanh (Eigen's ``ptanh_float``: max error
  3.5e-7, i.e. a few float32 ulps) made of multiplications and one division, which
  vectorizes; libm's ``tanhf``/``expf`` are opaque calls that LLVM cannot vectorize
  (an LSTM step was 30× slower than the recurrent GEMM with them). The sigmoid is
  ``0.5 + 0.5·tanh(x/2)``, exact in real arithmetic;
* float64 (gradient checks, precision work) uses libm's exact ``math.tanh`` / ``math.exp``.
* every loop runs over ``range(n)`` with any offset inside the index (``a[b, 2 * units + j]``):
  LLVM left a loop over ``range(2 * units, 3 * units)`` scalar (6× slower), and 2-d
  indexing instead of per-row views avoids reference counting per row.

The choice between the two is made per dtype at compile time (``numba.extending.overload``),
and compiled kernels are cached on disk (``cache=True``) so a new process does not pay
the compile time again.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, types
from numba.extending import overload

_JIT = {"cache": True, "error_model": "numpy", "nogil": True}

# Eigen's ptanh_float: tanh(x) ≈ x·P(x²)/Q(x²) on [-7.905, 7.905], ±1 beyond.
_CLAMP = np.float32(7.90531110763549805)
_ALPHA = tuple(
    np.float32(v)
    for v in (
        -2.76076847742355e-16,
        2.00018790482477e-13,
        -8.60467152213735e-11,
        5.12229709037114e-08,
        1.48572235717979e-05,
        6.37261928875436e-04,
        4.89352455891786e-03,
    )
)
_A13, _A11, _A9, _A7, _A5, _A3, _A1 = _ALPHA
_B6, _B4, _B2, _B0 = (
    np.float32(v)
    for v in (
        1.19825839466702e-06,
        1.18534705686654e-04,
        2.26843463243900e-03,
        4.89352518554385e-03,
    )
)
_HALF = np.float32(0.5)
# Constants as float32, so that float32 arithmetic is not promoted to float64 (which
# would halve the SIMD width); they promote exactly in float64 kernels.
_ONE = np.float32(1.0)
_ZERO = np.float32(0.0)


def _tanh(x):  # pragma: no cover - replaced by the overload inside jitted code
    return np.tanh(x)


def _sigmoid(x):  # pragma: no cover - replaced by the overload inside jitted code
    return 1.0 / (1.0 + np.exp(-x))


def _tanh_f32(x):
    y = _CLAMP if x > _CLAMP else x
    y = -_CLAMP if y < -_CLAMP else y
    y2 = y * y
    p = ((((((_A13 * y2 + _A11) * y2 + _A9) * y2 + _A7) * y2 + _A5) * y2 + _A3) * y2 + _A1) * y
    q = ((_B6 * y2 + _B4) * y2 + _B2) * y2 + _B0
    return p / q


def _tanh_exact(x):
    return math.tanh(x)


def _sigmoid_f32(x):
    return _HALF + _HALF * _tanh(_HALF * x)


def _sigmoid_exact(x):
    return 1.0 / (1.0 + math.exp(-x))


def _is_f32(x) -> bool:
    return isinstance(x, types.Float) and x.bitwidth == 32


@overload(_tanh, jit_options=_JIT)
def _tanh_overload(x):
    return _tanh_f32 if _is_f32(x) else _tanh_exact


@overload(_sigmoid, jit_options=_JIT)
def _sigmoid_overload(x):
    return _sigmoid_f32 if _is_f32(x) else _sigmoid_exact


# -- LSTM -----------------------------------------------------------------------------


@njit(**_JIT)
def lstm_forward_step(a, rec, c_prev, h_prev, mask, c, tc, h):
    # Short loops over few arrays each (a row stays in L1): LLVM vectorizes these, but
    # not one loop over eight arrays (too many possible overlaps to check at run time).
    # Every loop runs over range(n) with the offset in the index: a loop over
    # range(start, stop) with start > 0 was left scalar (6x slower), and 2-d indexing
    # instead of row views avoids reference counting per row.
    batch, units = c.shape
    for b in range(batch):
        for j in range(2 * units):
            a[b, j] = _sigmoid(a[b, j] + rec[b, j])
        for j in range(units):
            k = 2 * units + j
            a[b, k] = _tanh(a[b, k] + rec[b, k])
        for j in range(units):
            k = 3 * units + j
            a[b, k] = _sigmoid(a[b, k] + rec[b, k])
        if mask[b] == 0:
            for j in range(units):
                c[b, j] = c_prev[b, j]
                h[b, j] = h_prev[b, j]
            for j in range(units):
                tc[b, j] = _tanh(c[b, j])
            continue
        for j in range(units):
            c[b, j] = a[b, units + j] * c_prev[b, j] + a[b, j] * a[b, 2 * units + j]
        for j in range(units):
            tc[b, j] = _tanh(c[b, j])
        for j in range(units):
            h[b, j] = a[b, 3 * units + j] * tc[b, j]


@njit(**_JIT)
def lstm_backward_step(da, dh_gemm, dh_carry, dy, has_dy, dc, gates, c_prev, tc, mask):
    batch, units = dc.shape
    for b in range(batch):
        if mask[b] == 0:
            for j in range(units):
                dh_carry[b, j] = dh_gemm[b, j] + dh_carry[b, j]
            for j in range(4 * units):
                da[b, j] = _ZERO
            continue
        # dh_carry becomes dh, then the output gate's gradient and dc_t use it.
        for j in range(units):
            dh_carry[b, j] = dh_gemm[b, j] + dh_carry[b, j]
        if has_dy:
            for j in range(units):
                dh_carry[b, j] += dy[b, j]
        for j in range(units):
            o = gates[b, 3 * units + j]
            t = tc[b, j]
            dh = dh_carry[b, j]
            da[b, 3 * units + j] = dh * t * o * (_ONE - o)
            dc[b, j] = dc[b, j] + dh * o * (_ONE - t * t)
        for j in range(units):
            i = gates[b, j]
            f = gates[b, units + j]
            g = gates[b, 2 * units + j]
            dct = dc[b, j]
            da[b, j] = dct * g * i * (_ONE - i)
            da[b, units + j] = dct * c_prev[b, j] * f * (_ONE - f)
            da[b, 2 * units + j] = dct * i * (_ONE - g * g)
            dc[b, j] = dct * f
        for j in range(units):
            dh_carry[b, j] = _ZERO


# -- GRU ------------------------------------------------------------------------------


@njit(**_JIT)
def gru_forward_step(a, rec, b_hh, h_prev, mask, hn, h):
    batch, units = h.shape
    for b in range(batch):
        ab, rb, hnb, hb, hp = a[b], rec[b], hn[b], h[b], h_prev[b]
        for j in range(units):
            r = _sigmoid(ab[j] + rb[j] + b_hh[j])
            z = _sigmoid(ab[units + j] + rb[units + j] + b_hh[units + j])
            nrec = rb[2 * units + j] + b_hh[2 * units + j]
            n = _tanh(ab[2 * units + j] + r * nrec)
            ab[j] = r
            ab[units + j] = z
            ab[2 * units + j] = n
            hnb[j] = nrec
            hb[j] = (_ONE - z) * n + z * hp[j] if mask[b] else hp[j]


@njit(**_JIT)
def gru_backward_step(dx, dr, dh_gemm, dh_carry, dy, has_dy, gates, hn, h_prev, mask):
    batch, units = hn.shape
    for b in range(batch):
        dxb, drb, carry, dg = dx[b], dr[b], dh_carry[b], dh_gemm[b]
        if mask[b] == 0:
            for j in range(units):
                carry[j] = dg[j] + carry[j]
            dxb[:] = 0
            drb[:] = 0
            continue
        gb, hnb, hp, dyb = gates[b], hn[b], h_prev[b], dy[b]
        for j in range(units):
            dh = dg[j] + carry[j]
            if has_dy:
                dh += dyb[j]
            r = gb[j]
            z = gb[units + j]
            n = gb[2 * units + j]
            dn = dh * (_ONE - z) * (_ONE - n * n)
            d_r = dn * hnb[j] * r * (_ONE - r)
            d_z = dh * (hp[j] - n) * z * (_ONE - z)
            dxb[j] = d_r
            dxb[units + j] = d_z
            dxb[2 * units + j] = dn
            drb[j] = d_r
            drb[units + j] = d_z
            drb[2 * units + j] = dn * r
            carry[j] = dh * z


# -- SimpleRNN ------------------------------------------------------------------------


@njit(**_JIT)
def rnn_forward_step(a, rec, h_prev, mask, h, relu):
    batch, units = h.shape
    for b in range(batch):
        ab, rb, hb, hp = a[b], rec[b], h[b], h_prev[b]
        if mask[b] == 0:
            hb[:] = hp
        elif relu:
            for j in range(units):
                hb[j] = max(ab[j] + rb[j], _ZERO)
        else:
            for j in range(units):
                hb[j] = _tanh(ab[j] + rb[j])


@njit(**_JIT)
def rnn_backward_step(da, dh_gemm, dh_carry, dy, has_dy, h, mask, relu):
    batch, units = h.shape
    for b in range(batch):
        dab, carry, dg, hb, dyb = da[b], dh_carry[b], dh_gemm[b], h[b], dy[b]
        if mask[b] == 0:
            for j in range(units):
                carry[j] = dg[j] + carry[j]
            dab[:] = 0
            continue
        for j in range(units):
            dh = dg[j] + carry[j]
            if has_dy:
                dh += dyb[j]
            if relu:
                dab[j] = dh if hb[j] > 0 else _ZERO
            else:
                dab[j] = dh * (_ONE - hb[j] * hb[j])
            carry[j] = 0
