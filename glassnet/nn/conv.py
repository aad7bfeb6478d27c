"""Convolution layers — ``Conv2D`` on (N, C, H, W), ``Conv1D`` on (N, C, L) — and ``feature_maps``.

Layout: inputs are (N, C, H, W) — samples, channels, height, width — as in PyTorch;
a grey 8×8 digit is (N, 1, 8, 8), a colour image (N, 3, H, W). The kernel has shape
(filters, in_channels, kh, kw): ``kernel[f, c]`` is the kh×kw window filter ``f``
slides over input channel ``c``. The output is (N, filters, Ho, Wo).

Glass box: after every call a conv layer keeps what it computed in ``feature_maps``
(an array (N, filters, Ho, Wo) on the layer's device, after the activation: one map
per filter and sample), and ``filters`` returns its kernel as a NumPy array.
:func:`feature_maps` runs data through a whole model and returns one layer's maps.

Example:
    >>> import glassnet as gn, numpy as np
    >>> conv = gn.Conv2D(4, 3, padding="same", activation="relu", name="conv1")
    >>> conv(gn.Tensor(np.zeros((2, 1, 8, 8)))).shape
    (2, 4, 8, 8)
    >>> conv.filters.shape, conv.feature_maps.shape
    ((4, 1, 3, 3), (2, 4, 8, 8))
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import backend, ops
from glassnet.autograd.function import no_grad
from glassnet.autograd.tensor import Tensor, as_tensor
from glassnet.errors import ConfigError, ShapeError
from glassnet.nn.activations import activation_name, get_activation
from glassnet.nn.initializers import get_initializer, initializer_config
from glassnet.nn.layers_registry import LAYERS
from glassnet.nn.module import Module
from glassnet.nn.regularizers import get_regularizer, regularizer_config
from glassnet.ops.windows import as_pair, check_padding, output_hw, resolve_padding


class _Conv(Module):
    """What Conv1D and Conv2D share: settings, weights, input checks, config."""

    #: "(N, C, H, W)" or "(N, C, L)": the input layout, for messages.
    layout = ""
    spatial = 2

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = "valid",
        dilation: Any = 1,
        use_bias: bool = True,
        activation: Any = None,
        kernel_initializer: Any = "he_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        rng: np.random.Generator | int | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(name)
        kind = type(self).__name__
        if not isinstance(filters, (int, np.integer)) or isinstance(filters, bool) or filters <= 0:
            raise ConfigError(f"{kind} filters must be a positive integer, got {filters!r}")
        self.num_filters = int(filters)
        self._settings = {
            key: self._spatial(value, f"{kind} {key}")
            for key, value in (
                ("kernel_size", kernel_size),
                ("stride", stride),
                ("dilation", dilation),
            )
        }
        if self.spatial == 1 and not isinstance(padding, (str, int, np.integer)):
            raise ConfigError(f"{kind} padding must be 'valid', 'same' or an int, got {padding!r}")
        self.padding = check_padding(padding, f"{kind} padding")
        self.use_bias = bool(use_bias)
        self.activation = activation
        self.activation_fn = get_activation(activation)
        # ReLU runs inside the conv op (one pass and one graph node fewer per layer).
        self._fused_relu = self.activation_fn is ops.relu
        self._config_specs = (
            kernel_initializer,
            bias_initializer,
            kernel_regularizer,
            bias_regularizer,
        )
        self.kernel_initializer = get_initializer(kernel_initializer)
        self.bias_initializer = get_initializer(bias_initializer)
        self.kernel_regularizer = get_regularizer(kernel_regularizer)
        self.bias_regularizer = get_regularizer(bias_regularizer)
        self.rng = backend.get_rng(rng) if rng is not None else None
        self.kernel: Tensor | None = None
        self.bias: Tensor | None = None
        self.feature_maps: np.ndarray | None = None

    def _spatial(self, value: Any, what: str) -> tuple[int, ...]:
        if self.spatial == 1:
            if isinstance(value, (tuple, list)) and len(value) == 1:
                value = value[0]
            return (as_pair(value, what)[0],)
        return as_pair(value, what)

    @property
    def kernel_size(self) -> tuple[int, ...]:
        return self._settings["kernel_size"]

    @property
    def stride(self) -> tuple[int, ...]:
        return self._settings["stride"]

    @property
    def dilation(self) -> tuple[int, ...]:
        return self._settings["dilation"]

    @property
    def filters(self) -> np.ndarray | None:
        """The kernel as a NumPy array (filters, in_channels, *kernel_size); None before build."""
        return None if self.kernel is None else backend.to_numpy(self.kernel.data)

    def _expects(self, channels: Any) -> str:
        return self.layout.replace("C", str(channels), 1)

    def build(self, input_shape: tuple[int, ...]) -> None:
        if len(input_shape) != self.spatial + 2:
            raise ShapeError(
                f"{type(self).__name__} '{self.name}' expects inputs of shape "
                f"{self.layout}, got {tuple(input_shape)}"
            )
        channels = int(input_shape[1])
        shape = (self.num_filters, channels, *self.kernel_size)
        self.add_weight("kernel", shape, self.kernel_initializer, self.kernel_regularizer)
        if self.use_bias:
            self.add_weight(
                "bias", (self.num_filters,), self.bias_initializer, self.bias_regularizer
            )

    def _check_input(self, x: Tensor) -> None:
        channels = self.kernel.shape[1]
        if x.ndim != self.spatial + 2 or x.shape[1] != channels:
            raise ShapeError(
                f"{type(self).__name__} '{self.name}' expects inputs of shape "
                f"{self._expects(channels)}, got {tuple(x.shape)}"
            )
        # The window must fit the padded input: say so with this layer's name.
        size = (1, *x.shape[2:])[-2:]
        kernel, stride, dilation = (
            (1, *v)[-2:] for v in (self.kernel_size, self.stride, self.dilation)
        )
        padding = (
            self.padding
            if self.spatial == 2 or isinstance(self.padding, str)
            else (0, self.padding)
        )
        pads = resolve_padding(padding, kernel, stride, dilation, size)
        output_hw(size, kernel, stride, dilation, pads, f"{type(self).__name__} '{self.name}'")

    def forward(self, x: Any) -> Tensor:
        x = as_tensor(x)
        self._check_input(x)
        convolve = ops.conv2d if self.spatial == 2 else ops.conv1d
        out = convolve(
            x,
            self.kernel,
            self.bias,
            stride=self.stride if self.spatial == 2 else self.stride[0],
            padding=self.padding,
            dilation=self.dilation if self.spatial == 2 else self.dilation[0],
            relu=self._fused_relu,
        )
        if not self._fused_relu:
            out = self.activation_fn(out)
        self.feature_maps = out.data
        return out

    def get_config(self) -> dict[str, Any]:
        kernel_init, bias_init, kernel_reg, bias_reg = self._config_specs

        def plain(value: tuple[int, ...]) -> Any:
            return value[0] if len(set(value)) == 1 else list(value)

        return {
            "filters": self.num_filters,
            "kernel_size": plain(self.kernel_size),
            "stride": plain(self.stride),
            "padding": self.padding,
            "dilation": plain(self.dilation),
            "use_bias": self.use_bias,
            "activation": activation_name(self.activation),
            "kernel_initializer": initializer_config(kernel_init),
            "bias_initializer": initializer_config(bias_init),
            "kernel_regularizer": regularizer_config(kernel_reg),
            "bias_regularizer": regularizer_config(bias_reg),
            "name": self.name,
        }


@LAYERS.register("Conv2D")
class Conv2D(_Conv):
    """A 2-d convolution layer: ``filters`` kernels slid over (N, C, H, W) images.

    Args:
        filters: how many kernels (output channels), a positive integer.
        kernel_size: the window, an int or a pair (kh, kw).
        stride: the step between windows, an int or a pair.
        padding: ``"valid"`` (none), ``"same"`` (output size = ceil(input / stride)), an
            int, a pair (ph, pw) or ``((top, bottom), (left, right))``.
        dilation: the spacing between kernel taps, an int or a pair.
        use_bias: add one bias per filter.
        activation: a name (``"relu"``), a function, or None.
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer: as in Dense;
            fans count the window (fan_in = in_channels·kh·kw).
        rng: a seed or generator for the initial weights.
        name: a display name, used in messages.

    Attributes:
        kernel: the weight Parameter (filters, in_channels, kh, kw); ``filters`` is it as NumPy.
        feature_maps: the output of the last call (N, filters, Ho, Wo), on the layer's device
            (a NumPy array on the CPU; :func:`feature_maps` always gives NumPy).
    """

    layout = "(N, C, H, W)"
    spatial = 2


@LAYERS.register("Conv1D")
class Conv1D(_Conv):
    """A 1-d convolution layer over sequences (N, C, L): channels first, length last.

    Arguments as :class:`Conv2D`, with ints for ``kernel_size``, ``stride``, ``dilation``
    and ``padding`` (``"valid"``, ``"same"`` or an int). The kernel is (filters, C, k),
    ``feature_maps`` (N, filters, Lo).

    Example:
        >>> import glassnet as gn, numpy as np
        >>> gn.Conv1D(8, 3, padding="same")(gn.Tensor(np.zeros((2, 4, 10)))).shape
        (2, 8, 10)
    """

    layout = "(N, C, L)"
    spatial = 1


def _find_layer(model: Module, layer: Any) -> Module:
    if isinstance(layer, Module):
        return layer
    named = list(model.named_modules())
    if isinstance(layer, (int, np.integer)) and not isinstance(layer, bool):
        children = list(model.children())
        if -len(children) <= layer < len(children):
            return children[layer]
    for path, module in named:
        if layer in (path, module.name):
            return module
    mapped = [module.name for _, module in named if hasattr(module, "feature_maps")]
    raise ConfigError(
        f"{type(model).__name__} '{model.name}' has no layer {layer!r}; the layers with "
        f"feature maps are: {', '.join(mapped) or 'none'}"
    )


def feature_maps(model: Module, x: Any, layer: Any) -> np.ndarray:
    """Run ``x`` through ``model`` and return the maps that ``layer`` computed.

    The model runs in eval mode (dropout off, BatchNorm's running statistics) without
    recording gradients; every module's mode is restored afterwards.

    Args:
        model: any module containing the layer (e.g. a Sequential).
        x: the inputs, (N, C, H, W) for a CNN.
        layer: the layer itself, its name (``"conv1"``), its dotted path or its index.

    Returns:
        A C-contiguous NumPy copy, (N, filters, Ho, Wo) for a Conv2D.

    Example:
        >>> import glassnet as gn, numpy as np
        >>> model = gn.Sequential([gn.Conv2D(2, 3, name="c1"), gn.Flatten(), gn.Dense(3)])
        >>> feature_maps(model, np.zeros((5, 1, 8, 8)), "c1").shape
        (5, 2, 6, 6)
    """
    target = _find_layer(model, layer)
    if not hasattr(target, "feature_maps"):
        raise ConfigError(
            f"{type(target).__name__} '{target.name}' records no feature maps; choose a "
            "convolution or pooling layer"
        )
    modes = [(module, module.training) for module in model.modules()]
    model.eval()
    try:
        with no_grad():
            model(as_tensor(x))
    finally:
        for module, training in modes:
            module.training = training
    return np.ascontiguousarray(backend.to_numpy(target.feature_maps))
