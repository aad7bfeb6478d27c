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
    >>> out, h, c = gn.ops.lstm(x, w, u, b)
    >>> out.shape, c.shape
    ((2, 2), (2, 2))
"""

from __future__ import annotations

from typing import Any

from glassnet.autograd.function import Function
from glassnet.autograd.tensor import Tensor
from glassnet.backend import Array, get_array_module
from glassnet.errors import ShapeError
from glassnet.ops import workspace
from glassnet.ops.recurrent_kernels import select_kernels


class StateOutput(Function):
    """A second output of a recurrence (its final h or c), linked to the whole-sequence op.

    Its input is the recurrence's main output, so the backward pass reaches this node
    first (it hands its gradient to the recurrence and a zero gradient down) and the
    recurrence itself afterwards, with every gradient collected.
    """

    def __init__(self, recurrence: _Recurrence, index: int) -> None:
        self.recurrence, self.index = recurrence, index

    def forward(self, main: Array) -> Array:
        self.main_shape = main.shape
        return self.recurrence.final_states[self.index]

    def backward(self, grad: Array) -> tuple[Array]:
        self.recurrence.add_state_grad(self.index, grad)
        xp = get_array_module(grad)
        return (xp.zeros(self.main_shape, dtype=grad.dtype),)


class _Recurrence(Function):
    """What the three recurrences share: layout, input projection, outputs and weight grads.

    Subclasses set ``gates`` and ``states`` and implement ``_steps`` (the forward loop)
    and ``_back_steps`` (the backward loop, which fills ``self.da`` and returns dh0 (and
    dc0)). Arrays inside are time-major, in processing order (reversed when ``reverse``).
    """

    gates = 1
    states = 1  # h (and c for the LSTM)
    #: how many weight arrays follow x in the inputs (kernel, recurrent_kernel, bias, ...)
    weights = 3

    def __init__(self, mask: Array | None, reverse: bool, return_sequences: bool) -> None:
        self.mask_in, self.reverse, self.return_sequences = mask, reverse, return_sequences
        self.state_grads: list[Array | None] = [None] * self.states

    def add_state_grad(self, index: int, grad: Array) -> None:
        held = self.state_grads[index]
        self.state_grads[index] = grad if held is None else held + grad

    def _time_major(self, a: Array) -> Array:
        """(B, T, ·) → contiguous (T, B, ·) in processing order."""
        xp = get_array_module(a)
        a = a.swapaxes(0, 1)
        return xp.ascontiguousarray(a[::-1] if self.reverse else a)

    def _batch_first(self, a: Array) -> Array:
        """(T, B, ·) in processing order → contiguous (B, T, ·) in time order."""
        xp = get_array_module(a)
        return xp.ascontiguousarray((a[::-1] if self.reverse else a).swapaxes(0, 1))

    def forward(self, x: Array, *rest: Array) -> Array:
        xp = get_array_module(x)
        kernel, recurrent = rest[0], rest[1]
        dtype = xp.result_type(x, kernel)
        batch, steps, _ = x.shape
        units = recurrent.shape[0]
        self.kernels = select_kernels(xp)
        self.xs = self._time_major(x.astype(dtype, copy=False))  # (T, B, I)
        if self.mask_in is None:
            self.mask = xp.ones((steps, batch), dtype=xp.uint8)
        else:
            self.mask = self._time_major(self.mask_in.astype(xp.uint8)[:, :, None])[:, :, 0]
        width = self.gates * units
        # One product for the input projections of every step.
        xw = workspace.empty((steps, batch, width), dtype, xp)
        xp.matmul(self.xs.reshape(steps * batch, -1), kernel, out=xw.reshape(steps * batch, width))
        xw += rest[2]
        self.hs = workspace.empty((steps + 1, batch, units), dtype, xp)
        self.hs[0] = rest[self.weights]
        self.units, self.dtype = units, dtype
        self._steps(xw, rest)
        self.final_states = self._finals()
        if not self.return_sequences:
            return self.final_states[0]
        out = self.hs[1:]
        if self.mask_in is not None:
            out = out * self.mask[:, :, None]  # padded steps output 0 (Keras's semantics)
        return self._batch_first(out)

    def _finals(self) -> list[Array]:
        return [self.hs[-1].copy()]

    def backward(self, grad: Array) -> tuple[Array | None, ...]:
        xp = get_array_module(grad)
        steps, batch, units = self.hs.shape[0] - 1, self.hs.shape[1], self.units
        kernel, recurrent = self.inputs[1].data, self.inputs[2].data
        if self.return_sequences:
            dy = self._time_major(grad)
            dh_final = self.state_grads[0]
        else:
            dy = None
            dh_final = grad if self.state_grads[0] is None else grad + self.state_grads[0]
        carry = xp.zeros((batch, units), self.dtype)
        if dh_final is not None:
            carry[...] = dh_final
        dh_gemm = xp.zeros((batch, units), self.dtype)
        self.da = workspace.empty((steps, batch, self.gates * units), self.dtype, xp)
        state_grads = self._back_steps(dy, carry, dh_gemm, recurrent)
        flat = steps * batch
        grads: list[Array | None] = [None] * len(self.inputs)
        da_in = self._input_side_grad().reshape(flat, -1)
        if self.inputs[0].requires_grad:
            dx = xp.matmul(da_in, kernel.T).reshape(steps, batch, -1)
            grads[0] = self._batch_first(dx)
        grads[1] = xp.matmul(self.xs.reshape(flat, -1).T, da_in)
        da_rec = self.da.reshape(flat, -1)
        grads[2] = xp.matmul(self.hs[:-1].reshape(flat, units).T, da_rec)
        grads[3] = da_in.sum(axis=0)
        self._extra_grads(grads)
        for k, value in enumerate(state_grads):
            grads[1 + self.weights + k] = value
        self.state_grads = [None] * self.states
        return tuple(grads)

    def _input_side_grad(self) -> Array:
        """The gradient of the input projections x·W + b (the same as da, except in the GRU)."""
        return self.da

    def _extra_grads(self, grads: list[Array | None]) -> None:
        """Gradients of weights beyond kernel, recurrent_kernel and bias (the GRU's b_hh)."""

    def _dh0(self, dh_gemm: Array, carry: Array, recurrent: Array) -> Array:
        """The gradient of h0: the first step's product plus the direct path."""
        get_array_module(carry).matmul(self.da[0], recurrent.T, out=dh_gemm)
        return dh_gemm + carry

    def _empty_dy(self) -> Array:
        return self.hs[0]  # a (B, H) placeholder the kernels never read when has_dy is False


class SimpleRNNSequence(_Recurrence):
    """h_t = act(x_t·W + b + h_{t-1}·U), act tanh or ReLU; inputs (x, W, U, b, h0)."""

    def __init__(self, mask, reverse, return_sequences, relu: bool = False) -> None:
        super().__init__(mask, reverse, return_sequences)
        self.relu = relu

    def _steps(self, xw: Array, rest: tuple[Array, ...]) -> None:
        xp, step = get_array_module(xw), self.kernels.rnn_forward_step
        recurrent, hs, mask = rest[1], self.hs, self.mask
        rec = xp.empty_like(hs[0])
        for t in range(len(xw)):
            xp.matmul(hs[t], recurrent, out=rec)
            step(xw[t], rec, hs[t], mask[t], hs[t + 1], self.relu)

    def _back_steps(self, dy, carry, dh_gemm, recurrent) -> list[Array]:
        xp, step = get_array_module(carry), self.kernels.rnn_backward_step
        da, hs, mask = self.da, self.hs, self.mask
        empty = self._empty_dy()
        for t in range(len(da) - 1, -1, -1):
            if t < len(da) - 1:
                xp.matmul(da[t + 1], recurrent.T, out=dh_gemm)
            dy_t = empty if dy is None else dy[t]
            step(da[t], dh_gemm, carry, dy_t, dy is not None, hs[t + 1], mask[t], self.relu)
        return [self._dh0(dh_gemm, carry, recurrent)]


class LSTMSequence(_Recurrence):
    """The LSTM over a sequence; inputs (x, W, U, b, h0, c0), gates i, f, g, o."""

    gates = 4
    states = 2

    def _steps(self, xw: Array, rest: tuple[Array, ...]) -> None:
        xp, step = get_array_module(xw), self.kernels.lstm_forward_step
        recurrent, hs, mask = rest[1], self.hs, self.mask
        steps, batch, units = len(xw), hs.shape[1], self.units
        self.cs = workspace.empty((steps + 1, batch, units), self.dtype, xp)
        self.cs[0] = rest[4]
        self.tcs = workspace.empty((steps, batch, units), self.dtype, xp)
        rec = xp.empty_like(xw[0])
        for t in range(steps):
            xp.matmul(hs[t], recurrent, out=rec)
            step(xw[t], rec, self.cs[t], hs[t], mask[t], self.cs[t + 1], self.tcs[t], hs[t + 1])
        self.gate_values = xw  # the kernel wrote the gates over the projections

    def _finals(self) -> list[Array]:
        return [self.hs[-1].copy(), self.cs[-1].copy()]

    def _back_steps(self, dy, carry, dh_gemm, recurrent) -> list[Array]:
        xp, step = get_array_module(carry), self.kernels.lstm_backward_step
        da, gates, cs, tcs, mask = self.da, self.gate_values, self.cs, self.tcs, self.mask
        dc = xp.zeros_like(carry)
        if self.state_grads[1] is not None:
            dc[...] = self.state_grads[1]
        empty = self._empty_dy()
        for t in range(len(da) - 1, -1, -1):
            if t < len(da) - 1:
                xp.matmul(da[t + 1], recurrent.T, out=dh_gemm)
            dy_t = empty if dy is None else dy[t]
            step(da[t], dh_gemm, carry, dy_t, dy is not None, dc, gates[t], cs[t], tcs[t], mask[t])
        return [self._dh0(dh_gemm, carry, recurrent), dc]


class GRUSequence(_Recurrence):
    """The GRU over a sequence; inputs (x, W, U, b_ih, b_hh, h0), gates r, z, n (PyTorch's)."""

    gates = 3
    weights = 4

    def _steps(self, xw: Array, rest: tuple[Array, ...]) -> None:
        xp, step = get_array_module(xw), self.kernels.gru_forward_step
        recurrent, b_hh, hs, mask = rest[1], rest[3], self.hs, self.mask
        self.hn = workspace.empty(hs[1:].shape, self.dtype, xp)
        rec = xp.empty_like(xw[0])
        for t in range(len(xw)):
            xp.matmul(hs[t], recurrent, out=rec)
            step(xw[t], rec, b_hh, hs[t], mask[t], self.hn[t], hs[t + 1])
        self.gate_values = xw

    def _back_steps(self, dy, carry, dh_gemm, recurrent) -> list[Array]:
        xp, step = get_array_module(carry), self.kernels.gru_backward_step
        # self.da holds the recurrent-side gradients (h·U + b_hh), self.dx_in the input side.
        da, hs, hn, gates, mask = self.da, self.hs, self.hn, self.gate_values, self.mask
        self.dx_in = workspace.empty(da.shape, self.dtype, xp)
        empty = self._empty_dy()
        for t in range(len(da) - 1, -1, -1):
            if t < len(da) - 1:
                xp.matmul(da[t + 1], recurrent.T, out=dh_gemm)
            dy_t = empty if dy is None else dy[t]
            step(
                self.dx_in[t],
                da[t],
                dh_gemm,
                carry,
                dy_t,
                dy is not None,
                gates[t],
                hn[t],
                hs[t],
                mask[t],
            )
        return [self._dh0(dh_gemm, carry, recurrent)]

    def _input_side_grad(self) -> Array:
        return self.dx_in

    def _extra_grads(self, grads: list[Array | None]) -> None:
        grads[4] = self.da.reshape(-1, self.da.shape[-1]).sum(axis=0)


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


def _mask_array(mask: Any) -> Array | None:
    if mask is None:
        return None
    return mask.data if isinstance(mask, Tensor) else get_array_module(mask).asarray(mask)


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
    mask = _mask_array(mask)
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
    mask = _mask_array(mask)
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
    mask = _mask_array(mask)
    h0 = _state(h0, kernel, x.shape[0], recurrent_kernel.shape[0], "h0")
    fn = GRUSequence(mask, reverse, return_sequences)
    return _outputs(fn, fn(x, kernel, recurrent_kernel, bias, recurrent_bias, h0))
