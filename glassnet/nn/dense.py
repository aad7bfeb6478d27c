"""``Dense``: a fully connected layer, output = activation(x · W + b).

The weight matrix W has shape (inputs, outputs), as in the articles: row i holds the
connections *from* input neuron i, column j the connections *to* output neuron j.

Example:
    >>> import glassnet as gn
    >>> layer = gn.Dense(3, activation="relu")
    >>> layer(gn.Tensor([[1.0, 0.5]])).shape
    (1, 3)
    >>> layer.kernel.shape
    (2, 3)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import backend, ops
from glassnet.autograd.tensor import Tensor, as_tensor
from glassnet.errors import ConfigError, ShapeError
from glassnet.nn.activations import activation_name, get_activation
from glassnet.nn.initializers import get_initializer, initializer_config
from glassnet.nn.layers_registry import LAYERS
from glassnet.nn.module import Module
from glassnet.nn.regularizers import get_regularizer, regularizer_config


@LAYERS.register("Dense")
class Dense(Module):
    """A layer of ``units`` neurons, each connected to every input.

    Args:
        units: the number of neurons (outputs), a positive integer.
        activation: a name (``"relu"``), a function, or None for the weighted sum itself.
        use_bias: add a bias per neuron.
        kernel_initializer, bias_initializer: names or initializer objects.
        kernel_regularizer, bias_regularizer: ``"l1"``, ``"l2"``, objects, or None.
        input_dim: the number of inputs, to create the weights now instead of at the first call.
        rng: a seed or generator for the initial weights (default: the global one).
        name: a display name, used in messages and summaries.
    """

    def __init__(
        self,
        units: int,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        input_dim: int | None = None,
        rng: np.random.Generator | int | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(name)
        if not isinstance(units, (int, np.integer)) or isinstance(units, bool) or units <= 0:
            raise ConfigError(f"Dense units must be a positive integer, got {units!r}")
        self.units = int(units)
        self.activation = activation
        self.activation_fn = get_activation(activation)
        self.use_bias = use_bias
        self.kernel_initializer = get_initializer(kernel_initializer)
        self.bias_initializer = get_initializer(bias_initializer)
        self.kernel_regularizer = get_regularizer(kernel_regularizer)
        self.bias_regularizer = get_regularizer(bias_regularizer)
        self._config_specs = (
            kernel_initializer,
            bias_initializer,
            kernel_regularizer,
            bias_regularizer,
        )
        self.rng = backend.get_rng(rng) if rng is not None else None
        self.kernel: Tensor | None = None
        self.bias: Tensor | None = None
        if input_dim is not None:
            self.build((None, input_dim))
            self.built = True

    def build(self, input_shape: tuple[int, ...]) -> None:
        if len(input_shape) < 2:
            raise ShapeError(
                f"Dense '{self.name}' expects inputs of shape (samples, features), "
                f"got shape {tuple(input_shape)}"
            )
        inputs = int(input_shape[-1])
        self.add_weight(
            "kernel", (inputs, self.units), self.kernel_initializer, self.kernel_regularizer
        )
        if self.use_bias:
            self.add_weight("bias", (self.units,), self.bias_initializer, self.bias_regularizer)

    def forward(self, x: Any) -> Tensor:
        x = as_tensor(x)
        self.check_features(x, self.kernel.shape[0])
        # ReLU is fused into the product (one graph node, in place); other activations
        # are applied to the weighted sum as their own op.
        fused = "relu" if self.activation_fn is ops.relu else None
        if x.ndim == 2:
            z = ops.linear(x, self.kernel, self.bias, fused)
        else:
            # (..., features): the same weights for every position of the leading axes.
            flat = ops.linear(x.reshape(-1, x.shape[-1]), self.kernel, self.bias, fused)
            z = flat.reshape(*x.shape[:-1], self.units)
        if fused is not None or self.activation_fn is ops.identity:
            return z
        return self.activation_fn(z)

    def get_config(self) -> dict[str, Any]:
        kernel_init, bias_init, kernel_reg, bias_reg = self._config_specs
        return {
            "units": self.units,
            "activation": activation_name(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializer_config(kernel_init),
            "bias_initializer": initializer_config(bias_init),
            "kernel_regularizer": regularizer_config(kernel_reg),
            "bias_regularizer": regularizer_config(bias_reg),
            "name": self.name,
        }
