"""Whole-sequence recurrences — ``simple_rnn``, ``lstm``, ``gru`` — each one Function.

A recurrent layer is one op over the whole sequence, forward in time and back through
time (BPTT) in its hand-written backward, not a graph of per-step primitives: a graph
would cost ~25 small array calls per step, which is what makes a plain NumPy LSTM half
as fast as PyTorch (PERFORMANCE-NOTES.md). The work is laid out as:

1. the input projections of **all** time steps in one matrix product,
   (T·B, I) @ (I, G·H) (+ bias), G = 1, 3, 4 gates;
2. per step, the recurrent product h_{t-1} @ U (B, H) @ (H, G·H) and **one** fused kernel
   for the gates and state update (:mod:`glassnet.ops.recurrent_kernels`);
3. backward per step, one kernel and one product (da_t @ Uᵀ), and after the loop the
   weight gradients as three more large products over all steps at once.

Weights (glassnet's (inputs, outputs) convention, gate blocks side by side along the
columns, PyTorch's gate order — see :mod:`glassnet.ops.recurrent_numpy`):
``kernel`` (I, G·H), ``recurrent_kernel`` (H, G·H), ``bias`` (G·H,), and for the GRU
also ``recurrent_bias`` (G·H,) (PyTorch's b_hh; the reset gate multiplies h·U_n + b_hn).
PyTorch's ``weight_ih_l0`` is ``kernel.T``, ``weight_hh_l0`` is ``recurrent_kernel.T``.

Inputs are batch-first (B, T, I), as in Keras; ``mask`` (B, T) marks real steps (1) and
padding (0): a padded step leaves the state unchanged and its sequence output is 0.
``reverse`` reads the sequence from the last step to the first; the sequence output
stays aligned with the input (``out[:, t]`` is the state after reading step t).

Example:
    >>> import numpy as np, glassnet as gn
    >>> x = np.ones((2, 5, 3), dtype=np.float32)
    >>> w, u, b = np.zeros((3, 8), np.float32), np.zeros((2, 8), np.float32), np.zeros(8, np.float32)
    >>> out, h, c = lstm(x, w, u, b)
    >>> out.shape, c.shape
    ((2, 2), (2, 2))
"""

from __future__ import annotations

from typing import Any

from glassnet.autograd.tensor import Tensor, as_tensor
from glassnet.backend import Array, get_array_module, to_device_of
from glassnet.errors import ShapeError
from glassnet.ops.recurrent_sequence import (
    GRUSequence,
    LSTMSequence,
    SimpleRNNSequence,
    StateOutput,
    _Recurrence,
)

# -- the public functions ---------------------------------------------------------------


def _check(name: str, x: Any, kernel: Any, recurrent: Any, gates: int, mask: Any) -> None:
    x_shape = tuple(getattr(x, "shape", ()))
    k_shape, u_shape = tuple(kernel.shape), tuple(recurrent.shape)
    if len(x_shape) != 3:
        raise ShapeError(f"{name} expects inputs (batch, time, features), got shape {x_shape}")
    units = u_shape[0]
    if k_shape != (x_shape[2], gates * units) or u_shape != (units, gates * units):
        raise ShapeError(
            f"{name}: inputs with {x_shape[2]} features and {units} units need a kernel "
            f"{(x_shape[2], gates * units)} and a recurrent kernel {(units, gates * units)}, "
            f"got {k_shape} and {u_shape}"
        )
    if mask is not None and tuple(mask.shape) != x_shape[:2]:
        raise ShapeError(
            f"{name}: the mask must have shape (batch, time) = {x_shape[:2]}, got {tuple(mask.shape)}"
        )


def _state(value: Any, like: Any, batch: int, units: int, name: str) -> Any:
    xp = get_array_module(getattr(like, "data", like))
    if value is None:
        return xp.zeros((batch, units), dtype=like.dtype)
    if tuple(value.shape) != (batch, units):
        raise ShapeError(
            f"the initial state {name} must have shape {(batch, units)}, got {tuple(value.shape)}"
        )
    return value


def _mask_array(mask: Any, x: Tensor) -> Array | None:
    """The mask as an array on the device of ``x``."""
    if mask is None:
        return None
    return to_device_of(mask.data if isinstance(mask, Tensor) else mask, x.data)


def _outputs(fn: _Recurrence, main: Tensor) -> tuple[Tensor, ...]:
    if fn.return_sequences:
        finals = [StateOutput(fn, k)(main) for k in range(fn.states)]
    else:  # the main output is the final h itself
        finals = [main] + [StateOutput(fn, k)(main) for k in range(1, fn.states)]
    return (main, *finals)


def simple_rnn(
    x,
    kernel,
    recurrent_kernel,
    bias,
    h0=None,
    mask=None,
    reverse=False,
    return_sequences=False,
    activation: str = "tanh",
) -> tuple[Tensor, Tensor]:
    """A simple (Elman) RNN over ``x`` (B, T, I); returns (output, final h).

    Args:
        kernel: (I, H); recurrent_kernel: (H, H); bias: (H,); h0: (B, H) or None (zeros).
        mask: (B, T) of 0/1 or bools, or None; reverse: read the sequence backwards.
        return_sequences: output (B, T, H) (every step) instead of the final state (B, H).
        activation: ``"tanh"`` or ``"relu"``.
    """
    _check("simple_rnn", x, kernel, recurrent_kernel, 1, mask)
    x = as_tensor(x)  # on the current device when given as a host array, like the weights
    mask = _mask_array(mask, x)
    h0 = _state(h0, kernel, x.shape[0], recurrent_kernel.shape[0], "h0")
    fn = SimpleRNNSequence(mask, reverse, return_sequences, relu=activation == "relu")
    return _outputs(fn, fn(x, kernel, recurrent_kernel, bias, h0))


def lstm(
    x,
    kernel,
    recurrent_kernel,
    bias,
    h0=None,
    c0=None,
    mask=None,
    reverse=False,
    return_sequences=False,
) -> tuple[Tensor, Tensor, Tensor]:
    """An LSTM over ``x`` (B, T, I); returns (output, final h, final c).

    Args:
        kernel: (I, 4H), recurrent_kernel: (H, 4H), bias: (4H,), gate blocks i, f, g, o.
        h0, c0: (B, H) initial states or None (zeros).
        mask, reverse, return_sequences: as in :func:`simple_rnn`.
    """
    _check("lstm", x, kernel, recurrent_kernel, 4, mask)
    x = as_tensor(x)  # on the current device when given as a host array, like the weights
    mask = _mask_array(mask, x)
    units = recurrent_kernel.shape[0]
    h0 = _state(h0, kernel, x.shape[0], units, "h0")
    c0 = _state(c0, kernel, x.shape[0], units, "c0")
    fn = LSTMSequence(mask, reverse, return_sequences)
    return _outputs(fn, fn(x, kernel, recurrent_kernel, bias, h0, c0))


def gru(
    x,
    kernel,
    recurrent_kernel,
    bias,
    recurrent_bias,
    h0=None,
    mask=None,
    reverse=False,
    return_sequences=False,
) -> tuple[Tensor, Tensor]:
    """A GRU (PyTorch's formulation) over ``x`` (B, T, I); returns (output, final h).

    Args:
        kernel: (I, 3H), recurrent_kernel: (H, 3H), bias and recurrent_bias: (3H,), gate
            blocks r, z, n.
        h0, mask, reverse, return_sequences: as in :func:`simple_rnn`.
    """
    _check("gru", x, kernel, recurrent_kernel, 3, mask)
    x = as_tensor(x)  # on the current device when given as a host array, like the weights
    mask = _mask_array(mask, x)
    h0 = _state(h0, kernel, x.shape[0], recurrent_kernel.shape[0], "h0")
    fn = GRUSequence(mask, reverse, return_sequences)
    return _outputs(fn, fn(x, kernel, recurrent_kernel, bias, recurrent_bias, h0))
