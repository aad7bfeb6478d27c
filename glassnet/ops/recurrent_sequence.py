"""The whole-sequence recurrence Functions behind :mod:`glassnet.ops.recurrent`.

``SimpleRNNSequence``, ``LSTMSequence`` and ``GRUSequence`` each run a whole sequence
forward and back through time; ``StateOutput`` hands out their final states as extra
outputs. Layout, weights and gate order: see :mod:`glassnet.ops.recurrent`.
"""

from __future__ import annotations

from glassnet.autograd.function import Function
from glassnet.backend import Array, get_array_module
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
        # Uᵀ contiguous once: 50 products with it are a little faster than with a view.
        state_grads = self._back_steps(dy, carry, dh_gemm, xp.ascontiguousarray(recurrent.T))
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

    def _dh0(self, dh_gemm: Array, carry: Array, recurrent_t: Array) -> Array:
        """The gradient of h0: the first step's product plus the direct path."""
        get_array_module(carry).matmul(self.da[0], recurrent_t, out=dh_gemm)
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

    def _back_steps(self, dy, carry, dh_gemm, recurrent_t) -> list[Array]:
        xp, step = get_array_module(carry), self.kernels.rnn_backward_step
        da, hs, mask = self.da, self.hs, self.mask
        empty = self._empty_dy()
        for t in range(len(da) - 1, -1, -1):
            if t < len(da) - 1:
                xp.matmul(da[t + 1], recurrent_t, out=dh_gemm)
            dy_t = empty if dy is None else dy[t]
            step(da[t], dh_gemm, carry, dy_t, dy is not None, hs[t + 1], mask[t], self.relu)
        return [self._dh0(dh_gemm, carry, recurrent_t)]


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

    def _back_steps(self, dy, carry, dh_gemm, recurrent_t) -> list[Array]:
        xp, step = get_array_module(carry), self.kernels.lstm_backward_step
        da, gates, cs, tcs, mask = self.da, self.gate_values, self.cs, self.tcs, self.mask
        dc = xp.zeros_like(carry)
        if self.state_grads[1] is not None:
            dc[...] = self.state_grads[1]
        empty = self._empty_dy()
        for t in range(len(da) - 1, -1, -1):
            if t < len(da) - 1:
                xp.matmul(da[t + 1], recurrent_t, out=dh_gemm)
            dy_t = empty if dy is None else dy[t]
            step(da[t], dh_gemm, carry, dy_t, dy is not None, dc, gates[t], cs[t], tcs[t], mask[t])
        return [self._dh0(dh_gemm, carry, recurrent_t), dc]


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

    def _back_steps(self, dy, carry, dh_gemm, recurrent_t) -> list[Array]:
        xp, step = get_array_module(carry), self.kernels.gru_backward_step
        # self.da holds the recurrent-side gradients (h·U + b_hh), self.dx_in the input side.
        da, hs, hn, gates, mask = self.da, self.hs, self.hn, self.gate_values, self.mask
        self.dx_in = workspace.empty(da.shape, self.dtype, xp)
        empty = self._empty_dy()
        for t in range(len(da) - 1, -1, -1):
            if t < len(da) - 1:
                xp.matmul(da[t + 1], recurrent_t, out=dh_gemm)
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
        return [self._dh0(dh_gemm, carry, recurrent_t)]

    def _input_side_grad(self) -> Array:
        return self.dx_in

    def _extra_grads(self, grads: list[Array | None]) -> None:
        grads[4] = self.da.reshape(-1, self.da.shape[-1]).sum(axis=0)
