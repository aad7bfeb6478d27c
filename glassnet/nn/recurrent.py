"""Recurrent layers — ``SimpleRNN``, ``LSTM``, ``GRU`` — trained by backpropagation through time.

Inputs are batch-first (batch, time, features), as in Keras. By default a layer returns
its last output (batch, units) (many-to-one); ``return_sequences=True`` returns every
step's (batch, time, units) (to stack another recurrent layer, or many-to-many), and
``return_state=True`` returns ``[output, h]`` (``[output, h, c]`` for the LSTM).
Call with ``initial_state=`` (a tensor, or a list ``[h0, c0]`` for the LSTM) to start
from a given state, and with ``mask=`` (batch, time) — or after ``Embedding(mask_zero=True)``
or ``Masking`` — to skip padded steps: they leave the state unchanged and output 0.

Weights (inputs I, units H, G = 1, 4, 3 gate blocks side by side along the columns):

* ``kernel`` (I, G·H), ``recurrent_kernel`` (H, G·H), ``bias`` (G·H,);
* GRU only: ``recurrent_bias`` (G·H,), inside the reset gate's product (PyTorch's b_hh);
* gate order is PyTorch's: LSTM i, f, g, o; GRU r, z, n. PyTorch's ``weight_ih_l0`` is
  ``kernel.T``, ``weight_hh_l0`` is ``recurrent_kernel.T``; its two LSTM biases sum to
  ``bias``. The whole sequence is one op (:mod:`glassnet.ops.recurrent`).

Example:
    >>> import numpy as np, glassnet as gn
    >>> layer = gn.LSTM(8, return_sequences=True)
    >>> layer(gn.Tensor(np.zeros((2, 5, 3)))).shape
    (2, 5, 8)
    >>> layer.kernel.shape, layer.recurrent_kernel.shape
    ((3, 32), (8, 32))
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import backend
from glassnet.autograd.tensor import Tensor, as_tensor
from glassnet.errors import ConfigError, ShapeError
from glassnet.nn.initializers import get_initializer, initializer_config
from glassnet.nn.layers_registry import LAYERS
from glassnet.nn.masking import attach_mask, check_mask, get_mask
from glassnet.nn.module import Module
from glassnet.nn.regularizers import get_regularizer, regularizer_config
from glassnet.ops import recurrent


class _Recurrent(Module):
    """Settings, weights, input checks and outputs that the three layers share."""

    gates = 1
    #: the state names, in the order ``return_state`` returns them
    state_names: tuple[str, ...] = ("h",)

    def __init__(
        self,
        units: int,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        rng: np.random.Generator | int | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(name)
        kind = type(self).__name__
        if not isinstance(units, (int, np.integer)) or isinstance(units, bool) or units <= 0:
            raise ConfigError(f"{kind} units must be a positive integer, got {units!r}")
        self.units = int(units)
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self._config_specs = {
            "kernel_initializer": kernel_initializer,
            "recurrent_initializer": recurrent_initializer,
            "bias_initializer": bias_initializer,
            "kernel_regularizer": kernel_regularizer,
            "recurrent_regularizer": recurrent_regularizer,
            "bias_regularizer": bias_regularizer,
        }
        self.initializers = {
            key: get_initializer(spec)
            for key, spec in self._config_specs.items()
            if key.endswith("initializer")
        }
        self.regularizers = {
            key: get_regularizer(spec)
            for key, spec in self._config_specs.items()
            if key.endswith("regularizer")
        }
        self.rng = backend.get_rng(rng) if rng is not None else None
        self.kernel: Tensor | None = None

    def build(self, input_shape: tuple[int, ...]) -> None:
        if len(input_shape) != 3:
            raise ShapeError(
                f"{type(self).__name__} '{self.name}' expects inputs of shape "
                f"(batch, time, features), got shape {tuple(input_shape)}"
            )
        width = self.gates * self.units
        init, reg = self.initializers, self.regularizers
        self.add_weight(
            "kernel",
            (int(input_shape[2]), width),
            init["kernel_initializer"],
            reg["kernel_regularizer"],
        )
        self.add_weight(
            "recurrent_kernel",
            (self.units, width),
            init["recurrent_initializer"],
            reg["recurrent_regularizer"],
        )
        self.add_weight("bias", (width,), init["bias_initializer"], reg["bias_regularizer"])
        # The orthogonal initializer returns a transposed view for wide (H, G·H) shapes;
        # contiguous weights keep every product and the optimizer's flat updates simple.
        for weight in (self.kernel, self.recurrent_kernel):
            weight.data = backend.get_array_module(weight.data).ascontiguousarray(weight.data)

    def _prepare(self, x: Any, mask: Any, initial_state: Any) -> tuple[Tensor, Any, list]:
        x = as_tensor(x)
        features = self.kernel.shape[0]
        if x.ndim != 3 or x.shape[2] != features:
            raise ShapeError(
                f"{type(self).__name__} '{self.name}' expects inputs of shape "
                f"(batch, time, {features}), got shape {tuple(x.shape)}"
            )
        if mask is None:
            mask = get_mask(x)
        if mask is not None:
            mask = check_mask(mask, x.shape, f"{type(self).__name__} '{self.name}'")
        states = self._initial_states(initial_state, x.shape[0])
        return x, mask, states

    def _initial_states(self, initial_state: Any, batch: int) -> list[Any]:
        count = len(self.state_names)
        if initial_state is None:
            return [None] * count
        if isinstance(initial_state, (list, tuple)):
            values = list(initial_state)
        else:
            values = [initial_state]
        if len(values) != count:
            raise ConfigError(
                f"{type(self).__name__} '{self.name}' takes {count} initial state(s) "
                f"({', '.join(self.state_names)}), got {len(values)}"
            )
        states = []
        for state_name, value in zip(self.state_names, values, strict=True):
            value = as_tensor(value)
            if value.shape != (batch, self.units):
                raise ShapeError(
                    f"{type(self).__name__} '{self.name}': initial state {state_name} must have "
                    f"shape (batch, units) = {(batch, self.units)}, got {tuple(value.shape)}"
                )
            states.append(value)
        return states

    def _finish(self, outputs: tuple[Tensor, ...], mask: Any) -> Any:
        main = outputs[0]
        if self.return_sequences:
            attach_mask(main, mask)
        if self.return_state:
            return [main, *outputs[1:]]
        return main

    def get_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {
            "units": self.units,
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
        }
        for key, spec in self._config_specs.items():
            convert = initializer_config if key.endswith("initializer") else regularizer_config
            config[key] = convert(spec)
        config["name"] = self.name
        return config


@LAYERS.register("SimpleRNN")
class SimpleRNN(_Recurrent):
    """A fully connected recurrent layer: h_t = activation(x_t·W + h_{t-1}·U + b).

    Args:
        units: the size of the state h, a positive integer.
        activation: ``"tanh"`` (default) or ``"relu"``.
        return_sequences: return every step's output (batch, time, units).
        return_state: also return the final state: ``[output, h]``.
        go_backwards: read the sequence from its last step to its first; with
            ``return_sequences`` the output stays aligned with the input.
        kernel_initializer, recurrent_initializer, bias_initializer: as Keras
            (glorot_uniform, orthogonal, zeros).
        kernel_regularizer, recurrent_regularizer, bias_regularizer: names, objects or None.
        rng: a seed or generator for the initial weights.
        name: a display name.
    """

    def __init__(self, units: int, activation: str = "tanh", **options: Any) -> None:
        super().__init__(units, **options)
        if activation not in ("tanh", "relu"):
            raise ConfigError(f"SimpleRNN activation must be 'tanh' or 'relu', got {activation!r}")
        self.activation = activation

    def forward(self, x: Any, mask: Any = None, initial_state: Any = None) -> Any:
        x, mask, (h0,) = self._prepare(x, mask, initial_state)
        outputs = recurrent.simple_rnn(
            x,
            self.kernel,
            self.recurrent_kernel,
            self.bias,
            h0=h0,
            mask=mask,
            reverse=self.go_backwards,
            return_sequences=self.return_sequences,
            activation=self.activation,
        )
        return self._finish(outputs, mask)

    def get_config(self) -> dict[str, Any]:
        return {"activation": self.activation, **super().get_config()}


@LAYERS.register("LSTM")
class LSTM(_Recurrent):
    """Long short-term memory (Hochreiter & Schmidhuber), PyTorch's gate order i, f, g, o.

    i, f, o = σ(x·W + h·U + b) blocks, g = tanh(...), c = f·c_prev + i·g, h = o·tanh(c).

    Args:
        units: the size of h and c.
        unit_forget_bias: start the forget gate's bias at 1 (Keras's default), so the
            cell remembers from the start of training.
        Others: as :class:`SimpleRNN`; ``return_state`` returns ``[output, h, c]`` and
            ``initial_state`` is ``[h0, c0]``.
    """

    gates = 4
    state_names = ("h", "c")

    def __init__(self, units: int, unit_forget_bias: bool = True, **options: Any) -> None:
        super().__init__(units, **options)
        self.unit_forget_bias = bool(unit_forget_bias)

    def build(self, input_shape: tuple[int, ...]) -> None:
        super().build(input_shape)
        if self.unit_forget_bias:
            self.bias.data[self.units : 2 * self.units] = 1.0

    def forward(self, x: Any, mask: Any = None, initial_state: Any = None) -> Any:
        x, mask, (h0, c0) = self._prepare(x, mask, initial_state)
        outputs = recurrent.lstm(
            x,
            self.kernel,
            self.recurrent_kernel,
            self.bias,
            h0=h0,
            c0=c0,
            mask=mask,
            reverse=self.go_backwards,
            return_sequences=self.return_sequences,
        )
        return self._finish(outputs, mask)

    def get_config(self) -> dict[str, Any]:
        return {"unit_forget_bias": self.unit_forget_bias, **super().get_config()}


@LAYERS.register("GRU")
class GRU(_Recurrent):
    """Gated recurrent unit (Cho et al.) in PyTorch's form, gate order r, z, n.

    r, z = σ(x·W + b + h·U + b_h) blocks; n = tanh(x·W_n + b_n + r·(h·U_n + b_hn));
    h = (1 − z)·n + z·h_prev. The reset gate multiplies the recurrent product *and its
    bias* ``recurrent_bias`` (PyTorch's layout; Keras's ``reset_after=True``).

    Args: as :class:`SimpleRNN`.
    """

    gates = 3

    def build(self, input_shape: tuple[int, ...]) -> None:
        super().build(input_shape)
        self.add_weight(
            "recurrent_bias",
            (self.gates * self.units,),
            self.initializers["bias_initializer"],
            self.regularizers["bias_regularizer"],
        )

    def forward(self, x: Any, mask: Any = None, initial_state: Any = None) -> Any:
        x, mask, (h0,) = self._prepare(x, mask, initial_state)
        outputs = recurrent.gru(
            x,
            self.kernel,
            self.recurrent_kernel,
            self.bias,
            self.recurrent_bias,
            h0=h0,
            mask=mask,
            reverse=self.go_backwards,
            return_sequences=self.return_sequences,
        )
        return self._finish(outputs, mask)
