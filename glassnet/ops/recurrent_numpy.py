"""The per-time-step elementwise work of SimpleRNN, LSTM and GRU, in plain array code.

These are the *reference* kernels: :mod:`glassnet.ops.recurrent_numba` computes the
same numbers in one fused pass per step, and the tests compare the two. They are also
what runs when numba is not installed or the arrays live on a GPU (they use
``xp = get_array_module(...)``, so CuPy arrays work unchanged).

Every kernel works on one time step of a batch: 2-d arrays (batch, ·) and a ``mask``
(batch,) of 0/1 (uint8) that marks the real (1) and padded (0) samples at this step.
A padded step keeps the state unchanged (Keras's semantics for masked steps).

Shapes and gate order (PyTorch's):

* LSTM: pre-activations and gates (B, 4H) in the order i, f, g, o (input, forget,
  cell candidate, output); c = f·c_prev + i·g, h = o·tanh(c).
* GRU: (B, 3H) in the order r, z, n (reset, update, new);
  n = tanh(x·W_in + b_in + r·(h_prev·W_hn + b_hn)) — the reset gate multiplies the
  *recurrent product plus its bias*, as in PyTorch (Keras's ``reset_after=True``);
  h = (1 − z)·n + z·h_prev.
* SimpleRNN: h = act(x·W + b + h_prev·U) with act tanh (``relu=False``) or ReLU.

Output arrays are written in place; arguments marked "in/out" are read then overwritten.
"""

from __future__ import annotations

from glassnet.backend import Array, get_array_module


def _sigmoid(xp, a: Array) -> Array:
    return 1.0 / (1.0 + xp.exp(-a))


def _rows(mask: Array, dtype) -> Array:
    """The mask as a (B, 1) column of 0.0 / 1.0 that broadcasts over units."""
    return mask.astype(dtype)[:, None]


# -- LSTM -----------------------------------------------------------------------------


def lstm_forward_step(a, rec, c_prev, h_prev, mask, c, tc, h) -> None:
    """One LSTM step.

    Args:
        a: in/out (B, 4H): the input projection x_t·W + b in; the gates i, f, g, o out.
        rec: (B, 4H) the recurrent product h_prev·U.
        c_prev, h_prev: (B, H) the state before the step.
        mask: (B,) uint8, 1 for a real step.
        c, tc, h: out (B, H): the cell, tanh(cell) and hidden state after the step.
    """
    xp = get_array_module(a)
    units = c.shape[1]
    pre = a + rec
    a[:, : 2 * units] = _sigmoid(xp, pre[:, : 2 * units])
    a[:, 2 * units : 3 * units] = xp.tanh(pre[:, 2 * units : 3 * units])
    a[:, 3 * units :] = _sigmoid(xp, pre[:, 3 * units :])
    i, f, g, o = (a[:, k * units : (k + 1) * units] for k in range(4))
    keep = _rows(mask, a.dtype)
    c[...] = keep * (f * c_prev + i * g) + (1 - keep) * c_prev
    tc[...] = xp.tanh(c)
    h[...] = keep * (o * tc) + (1 - keep) * h_prev


def lstm_backward_step(da, dh_gemm, dh_carry, dy, has_dy, dc, gates, c_prev, tc, mask) -> None:
    """The gradients of one LSTM step (backpropagation through time, one step back).

    Args:
        da: out (B, 4H): the gradient of the pre-activations (0 on padded rows).
        dh_gemm: (B, H) the gradient reaching h_t through the next step's product, da_{t+1}·Uᵀ.
        dh_carry: in/out (B, H): the rest of h_t's gradient (the final state's, or a padded
            step's pass-through); out: what passes to h_{t-1} directly (padded rows only).
        dy: (B, H) the gradient of this step's sequence output, read when ``has_dy``.
        dc: in/out (B, H): the gradient of c_t in, of c_{t-1} out.
        gates: (B, 4H) i, f, g, o of the step; c_prev: (B, H); tc: (B, H) tanh(c_t).
        mask: (B,) uint8.
    """
    units = dc.shape[1]
    keep = _rows(mask, da.dtype)
    dh = dh_gemm + dh_carry
    if has_dy:
        dh = dh + keep * dy
    i, f, g, o = (gates[:, k * units : (k + 1) * units] for k in range(4))
    dct = dc + dh * o * (1 - tc * tc)
    da[:, :units] = keep * (dct * g * i * (1 - i))
    da[:, units : 2 * units] = keep * (dct * c_prev * f * (1 - f))
    da[:, 2 * units : 3 * units] = keep * (dct * i * (1 - g * g))
    da[:, 3 * units :] = keep * (dh * tc * o * (1 - o))
    dc[...] = keep * (dct * f) + (1 - keep) * dc
    dh_carry[...] = (1 - keep) * dh


# -- GRU ------------------------------------------------------------------------------


def gru_forward_step(a, rec, b_hh, h_prev, mask, hn, h) -> None:
    """One GRU step (PyTorch's formulation).

    Args:
        a: in/out (B, 3H): x_t·W + b_ih in; the gates r, z, n out.
        rec: (B, 3H) h_prev·U (without its bias).
        b_hh: (3H,) the recurrent bias.
        h_prev: (B, H); mask: (B,) uint8.
        hn: out (B, H): h_prev·U_n + b_hn, which the reset gate multiplied (backward reads it).
        h: out (B, H): the state after the step.
    """
    xp = get_array_module(a)
    units = h.shape[1]
    rec_b = rec + b_hh
    a[:, : 2 * units] = _sigmoid(xp, a[:, : 2 * units] + rec_b[:, : 2 * units])
    hn[...] = rec_b[:, 2 * units :]
    r, z = a[:, :units], a[:, units : 2 * units]
    a[:, 2 * units :] = xp.tanh(a[:, 2 * units :] + r * hn)
    n = a[:, 2 * units :]
    keep = _rows(mask, a.dtype)
    h[...] = keep * ((1 - z) * n + z * h_prev) + (1 - keep) * h_prev


def gru_backward_step(dx, dr, dh_gemm, dh_carry, dy, has_dy, gates, hn, h_prev, mask) -> None:
    """The gradients of one GRU step.

    Args:
        dx: out (B, 3H): the gradient of the input-side pre-activations (x_t·W + b_ih).
        dr: out (B, 3H): the gradient of the recurrent-side ones (h_prev·U + b_hh).
        dh_gemm, dh_carry, dy, has_dy: as in :func:`lstm_backward_step`; ``dh_carry`` out
            is z·dh (the direct path h_prev → h) on real rows, dh on padded ones.
        gates: (B, 3H) r, z, n; hn: (B, H); h_prev: (B, H); mask: (B,) uint8.
    """
    units = hn.shape[1]
    keep = _rows(mask, dx.dtype)
    dh = dh_gemm + dh_carry
    if has_dy:
        dh = dh + keep * dy
    r, z, n = (gates[:, k * units : (k + 1) * units] for k in range(3))
    dn = keep * dh * (1 - z) * (1 - n * n)
    dx[:, :units] = dn * hn * r * (1 - r)
    dx[:, units : 2 * units] = keep * dh * (h_prev - n) * z * (1 - z)
    dx[:, 2 * units :] = dn
    dr[:, : 2 * units] = dx[:, : 2 * units]
    dr[:, 2 * units :] = dn * r
    dh_carry[...] = keep * (dh * z) + (1 - keep) * dh


# -- SimpleRNN ------------------------------------------------------------------------


def rnn_forward_step(a, rec, h_prev, mask, h, relu) -> None:
    """One SimpleRNN step: h = act(a + rec) on real rows, h_prev on padded ones.

    Args:
        a: (B, H) x_t·W + b; rec: (B, H) h_prev·U; h_prev: (B, H); mask: (B,) uint8.
        h: out (B, H).
        relu: ReLU if true, else tanh.
    """
    xp = get_array_module(a)
    pre = a + rec
    new = xp.maximum(pre, 0) if relu else xp.tanh(pre)
    keep = _rows(mask, a.dtype)
    h[...] = keep * new + (1 - keep) * h_prev


def rnn_backward_step(da, dh_gemm, dh_carry, dy, has_dy, h, mask, relu) -> None:
    """The gradients of one SimpleRNN step; the activation's derivative is read from h.

    Args:
        da: out (B, H): the gradient of the pre-activation.
        dh_gemm, dh_carry, dy, has_dy, mask: as in :func:`lstm_backward_step`.
        h: (B, H) the state after the step.
        relu: ReLU if true, else tanh.
    """
    keep = _rows(mask, da.dtype)
    dh = dh_gemm + dh_carry
    if has_dy:
        dh = dh + keep * dy
    slope = (h > 0).astype(da.dtype) if relu else 1 - h * h
    da[...] = keep * dh * slope
    dh_carry[...] = (1 - keep) * dh
