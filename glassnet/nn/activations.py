"""Activation functions by name, and the layers that apply them.

Every activation is a function of a tensor; ``get_activation("relu")`` finds it, and
``Dense(activation="relu")`` and ``Activation("relu")`` use the same table.

Example:
    >>> import glassnet as gn
    >>> gn.Activation("relu")(gn.Tensor([[3.25, -1.0]])).numpy().tolist()
    [[3.25, 0.0]]
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from glassnet import ops
from glassnet.autograd.tensor import Tensor
from glassnet.errors import ConfigError
from glassnet.nn.layers_registry import LAYERS
from glassnet.nn.module import Module
from glassnet.registry import Registry

ActivationFn = Callable[..., Tensor]

ACTIVATIONS: Registry[ActivationFn] = Registry("activation")
ACTIVATIONS.register("linear", "identity")(ops.identity)
ACTIVATIONS.register("step", "heaviside")(ops.step)
ACTIVATIONS.register("step_straight_through")(partial(ops.step, straight_through=True))
ACTIVATIONS.register("sigmoid")(ops.sigmoid)
ACTIVATIONS.register("tanh")(ops.tanh)
ACTIVATIONS.register("relu")(ops.relu)
ACTIVATIONS.register("leaky_relu")(ops.leaky_relu)
ACTIVATIONS.register("elu")(ops.elu)
ACTIVATIONS.register("gelu")(ops.gelu)
ACTIVATIONS.register("softplus")(ops.softplus)
ACTIVATIONS.register("softmax")(ops.softmax)
ACTIVATIONS.register("log_softmax")(ops.log_softmax)


def get_activation(spec: str | ActivationFn | None) -> ActivationFn:
    """The activation function for a name, a callable, or None (the identity)."""
    if spec is None:
        return ops.identity
    if isinstance(spec, str):
        return ACTIVATIONS.get(spec)
    if callable(spec):
        return spec
    raise ConfigError(
        f"an activation must be a name, a function or None, got {type(spec).__name__}; "
        f"valid names are: {', '.join(ACTIVATIONS.names())}"
    )


def activation_name(spec: str | ActivationFn | None) -> str:
    """The registered name of an activation, for saving; a custom function cannot be saved."""
    if spec is None:
        return "linear"
    if isinstance(spec, str):
        return spec
    try:
        return ACTIVATIONS.name_of(spec)
    except ConfigError:
        raise ConfigError(
            f"the custom activation {getattr(spec, '__name__', spec)!r} has no registered "
            "name, so the layer cannot be saved; use one of: " + ", ".join(ACTIVATIONS.names())
        ) from None


@LAYERS.register("Activation")
class Activation(Module):
    """A layer that applies an activation function elementwise (softmax: along ``axis``).

    Args:
        activation: a name from :data:`ACTIVATIONS` or a function of a tensor.
        **options: passed to the function (``alpha`` for leaky_relu / elu, ``axis``
            for softmax, ``straight_through`` for step).
    """

    def __init__(self, activation: str | ActivationFn, name: str | None = None, **options: Any):
        super().__init__(name)
        self.activation = activation
        self.options = options
        self.fn = get_activation(activation)

    def forward(self, x: Any) -> Tensor:
        return self.fn(x, **self.options)

    def get_config(self) -> dict[str, Any]:
        config = {"name": self.name, **self.options}
        if type(self) is Activation:
            config["activation"] = activation_name(self.activation)
        return config


# Named layer classes, as PyTorch and Keras users write them: ``ReLU()``, ``LeakyReLU(0.2)``.


@LAYERS.register("ReLU")
class ReLU(Activation):
    """max(0, x) as a layer."""

    def __init__(self, name: str | None = None) -> None:
        super().__init__("relu", name=name)


@LAYERS.register("LeakyReLU")
class LeakyReLU(Activation):
    """x if x > 0 else alpha·x."""

    def __init__(self, alpha: float = 0.01, name: str | None = None) -> None:
        super().__init__("leaky_relu", name=name, alpha=alpha)


@LAYERS.register("ELU")
class ELU(Activation):
    """x if x > 0 else alpha·(eˣ - 1)."""

    def __init__(self, alpha: float = 1.0, name: str | None = None) -> None:
        super().__init__("elu", name=name, alpha=alpha)


@LAYERS.register("Sigmoid")
class Sigmoid(Activation):
    """1 / (1 + e⁻ˣ) as a layer."""

    def __init__(self, name: str | None = None) -> None:
        super().__init__("sigmoid", name=name)


@LAYERS.register("Tanh")
class Tanh(Activation):
    """tanh(x) as a layer."""

    def __init__(self, name: str | None = None) -> None:
        super().__init__("tanh", name=name)


@LAYERS.register("GELU")
class GELU(Activation):
    """GELU (tanh form) as a layer."""

    def __init__(self, name: str | None = None) -> None:
        super().__init__("gelu", name=name)


@LAYERS.register("Softplus")
class Softplus(Activation):
    """log(1 + eˣ) as a layer."""

    def __init__(self, name: str | None = None) -> None:
        super().__init__("softplus", name=name)


@LAYERS.register("Softmax")
class Softmax(Activation):
    """eˣ / Σeˣ along ``axis``."""

    def __init__(self, axis: int = -1, name: str | None = None) -> None:
        super().__init__("softmax", name=name, axis=axis)


@LAYERS.register("LogSoftmax")
class LogSoftmax(Activation):
    """log(softmax(x)) along ``axis``, computed stably."""

    def __init__(self, axis: int = -1, name: str | None = None) -> None:
        super().__init__("log_softmax", name=name, axis=axis)


@LAYERS.register("Step")
class Step(Activation):
    """Heaviside step; ``straight_through=True`` lets gradients pass unchanged."""

    def __init__(self, straight_through: bool = False, name: str | None = None) -> None:
        super().__init__("step", name=name, straight_through=straight_through)
