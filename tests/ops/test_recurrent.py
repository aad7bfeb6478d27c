"""The whole-sequence recurrence ops: gradients through time, a step-by-step reference, errors."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.ops import recurrent
from glassnet.ops.recurrent_kernels import numba_available, select_kernels
from tests.helpers import host

B, T, F_IN, H = 3, 4, 2, 3
LENGTHS = np.array([4, 2, 1])
MASK = np.arange(T)[None, :] < LENGTHS[:, None]


def _weights(gates: int, seed: int = 0, extra_bias: bool = False) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    out = [
        rng.uniform(-0.8, 0.8, (F_IN, gates * H)),
        rng.uniform(-0.8, 0.8, (H, gates * H)),
        rng.uniform(-0.3, 0.3, gates * H),
    ]
    if extra_bias:
        out.append(rng.uniform(-0.3, 0.3, gates * H))
    return out


CELLS = {
    "simple_rnn": (recurrent.simple_rnn, 1, False, 1),
    "lstm": (recurrent.lstm, 4, False, 2),
    "gru": (recurrent.gru, 3, True, 1),
}


def _all_outputs(outs: tuple[gn.Tensor, ...]) -> gn.Tensor:
    """Every output (sequence or last, and every final state) in one tensor, so all get checked."""
    return gn.ops.concatenate([o.reshape(B, -1) for o in outs], axis=1)


@pytest.mark.parametrize("cell", sorted(CELLS))
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_gradients_through_time(cell, return_sequences, reverse, masked):
    fn, gates, extra, n_states = CELLS[cell]
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, (B, T, F_IN))
    states = [rng.uniform(-0.5, 0.5, (B, H)) for _ in range(n_states)]
    names = ["h0", "c0"][:n_states]
    mask = MASK if masked else None

    def run(x, *args):
        weights, initial = args[: len(args) - n_states], args[len(args) - n_states :]
        options = dict(zip(names, initial, strict=True))
        outs = fn(
            x, *weights, mask=mask, reverse=reverse, return_sequences=return_sequences, **options
        )
        return _all_outputs(outs)

    report = gn.gradcheck(run, x, *_weights(gates, extra_bias=extra), *states)
    assert report.ok
    assert len(report.tensors) == 1 + 3 + extra + n_states  # x, weights and initial states


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_masked_steps_keep_the_state_and_output_zero(cell):
    fn, gates, extra, _ = CELLS[cell]
    x = np.random.default_rng(2).uniform(-1, 1, (B, T, F_IN)).astype(np.float32)
    weights = [w.astype(np.float32) for w in _weights(gates, extra_bias=extra)]
    outs = fn(x, *weights, mask=MASK, return_sequences=True)
    seq, h = outs[0].numpy(), outs[1].numpy()
    for b, length in enumerate(LENGTHS):
        alone = fn(x[b : b + 1, :length], *weights, return_sequences=True)
        np.testing.assert_allclose(seq[b, :length], alone[0].numpy()[0], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(h[b], alone[1].numpy()[0], rtol=1e-5, atol=1e-6)
        assert np.all(seq[b, length:] == 0)


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def test_lstm_matches_a_step_by_step_reference():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((B, T, F_IN))
    w, u, b = _weights(4, seed=4)
    h0, c0 = rng.standard_normal((B, H)), rng.standard_normal((B, H))
    h, c, outputs = h0, c0, []
    for t in range(T):  # the textbook equations, one step and one gate at a time
        a = x[:, t] @ w + h @ u + b
        i, f, g, o = (
            _sigmoid(a[:, :H]),
            _sigmoid(a[:, H : 2 * H]),
            np.tanh(a[:, 2 * H : 3 * H]),
            _sigmoid(a[:, 3 * H :]),
        )
        c = f * c + i * g
        h = o * np.tanh(c)
        outputs.append(h)
    for dtype, tol in ((np.float64, 1e-12), (np.float32, 2e-6)):
        cast = [gn.Tensor(v, dtype=dtype) for v in (x, w, u, b, h0, c0)]
        seq, h_last, c_last = recurrent.lstm(
            *cast[:4], h0=cast[4], c0=cast[5], return_sequences=True
        )
        assert seq.dtype == dtype
        np.testing.assert_allclose(seq.numpy(), np.stack(outputs, axis=1), atol=tol)
        np.testing.assert_allclose(h_last.numpy(), h, atol=tol)
        np.testing.assert_allclose(c_last.numpy(), c, atol=tol)


@pytest.mark.skipif(not numba_available(), reason="numba is not installed")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("cell", sorted(CELLS))
def test_numba_kernels_equal_the_numpy_reference(cell, dtype, monkeypatch):
    fn, gates, extra, _ = CELLS[cell]
    assert select_kernels(np).__name__.endswith("recurrent_numba")
    rng = np.random.default_rng(5)
    x = rng.uniform(-2, 2, (B, T, F_IN)).astype(dtype)
    weights = [gn.Tensor(w, requires_grad=True, dtype=dtype) for w in _weights(gates, 6, extra)]

    def run():
        outs = fn(
            gn.Tensor(x, requires_grad=True, dtype=dtype),
            *weights,
            mask=MASK,
            return_sequences=True,
        )
        (
            _all_outputs(outs)
            * gn.Tensor(np.linspace(-1, 1, _all_outputs(outs).size).reshape(B, -1).astype(dtype))
        ).sum().backward()
        values = [o.numpy().copy() for o in outs] + [host(w.grad).copy() for w in weights]
        for w in weights:
            w.grad = None
        return values

    fused = run()
    monkeypatch.setenv("GLASSNET_NUMBA", "0")
    assert select_kernels(np).__name__.endswith("recurrent_numpy")
    reference = run()
    tol = 1e-12 if dtype == np.float64 else 2e-5
    for a, b in zip(fused, reference, strict=True):
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def test_wrong_rank_and_mask_shape_are_clear_errors():
    w, u, b = _weights(4)
    with pytest.raises(gn.ShapeError, match=r"\(batch, time, features\), got shape \(3, 2\)"):
        recurrent.lstm(np.zeros((3, 2)), w, u, b)
    with pytest.raises(
        gn.ShapeError, match=r"mask must have shape \(batch, time\) = \(3, 4\), got \(3, 5\)"
    ):
        recurrent.lstm(np.zeros((B, T, F_IN)), w, u, b, mask=np.ones((3, 5)))
    with pytest.raises(gn.ShapeError, match="kernel"):
        recurrent.lstm(np.zeros((B, T, F_IN + 1)), w, u, b)
    with pytest.raises(gn.ShapeError, match="initial state h0"):
        recurrent.lstm(np.zeros((B, T, F_IN)), w, u, b, h0=np.zeros((B, H + 1)))
