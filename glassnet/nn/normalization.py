"""Normalization layers: ``BatchNorm`` (per feature or channel, over the batch) and ``LayerNorm``.

Both are composed from primitive ops, so their gradients come from the engine.

Example:
    >>> import glassnet as gn, numpy as np
    >>> out = gn.BatchNorm()(gn.Tensor(np.array([[1.0], [3.0]])))
    >>> np.round(out.numpy().ravel(), 3).tolist()
    [-1.0, 1.0]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import backend
from glassnet.autograd.function import no_grad
from glassnet.autograd.tensor import Tensor, as_tensor
from glassnet.errors import ConfigError, ShapeError
from glassnet.nn.layers_registry import LAYERS
from glassnet.nn.module import Module


def _check_range(name: str, value: float, low: float, high: float) -> float:
    if not isinstance(value, (int, float)) or not low < value < high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {value!r}")
    return float(value)


@LAYERS.register("BatchNorm")
class BatchNorm(Module):
    """Normalise each feature with the batch's mean and variance, then scale and shift.

    In training mode it uses the batch statistics and updates running averages
    (``running = (1 - momentum)·running + momentum·batch``, PyTorch's convention);
    in eval mode it uses the running averages. Inputs are (samples, features), or
    images (N, C, H, W) whose statistics are taken per channel over the batch and every
    position (as PyTorch's ``BatchNorm2d``); gamma, beta and the running averages then
    have one entry per channel.

    Args:
        momentum: weight of the newest batch in the running averages.
        epsilon: added to the variance before the square root.
    """

    def __init__(self, momentum: float = 0.1, epsilon: float = 1e-5, name: str | None = None):
        super().__init__(name)
        self.momentum = _check_range("BatchNorm momentum", momentum, 0.0, 1.0)
        self.epsilon = _check_range("BatchNorm epsilon", epsilon, 0.0, 1.0)

    def build(self, input_shape: tuple[int, ...]) -> None:
        if len(input_shape) not in (2, 4):
            raise ShapeError(
                f"BatchNorm '{self.name}' expects inputs of shape (N, C, H, W) or "
                f"(samples, features), got {tuple(input_shape)}"
            )
        features = int(input_shape[1])
        self.add_weight("gamma", (features,), "ones")
        self.add_weight("beta", (features,), "zeros")
        dtype = backend.get_default_dtype()
        self.register_buffer("running_mean", Tensor(np.zeros(features, dtype=dtype)))
        self.register_buffer("running_var", Tensor(np.ones(features, dtype=dtype)))

    def _check_input(self, x: Tensor) -> None:
        channels = self.gamma.shape[0]
        if x.ndim == 4:
            if x.shape[1] != channels:
                raise ShapeError(
                    f"BatchNorm '{self.name}' expects inputs of shape (N, {channels}, H, W), "
                    f"got {tuple(x.shape)}"
                )
        else:
            self.check_features(x, channels)

    def forward(self, x: Any) -> Tensor:
        x = as_tensor(x)
        self._check_input(x)
        # Images: one statistic per channel, over samples and positions; gamma, beta and
        # the statistics broadcast as (1, C, 1, 1).
        axes, stat_shape, gamma, beta = 0, (1, -1), self.gamma, self.beta
        if x.ndim == 4:
            axes, stat_shape = (0, 2, 3), (1, -1, 1, 1)
            gamma, beta = self.gamma.reshape(stat_shape), self.beta.reshape(stat_shape)
        if not self.training:
            scale = 1.0 / np.sqrt(self.running_var.data + self.epsilon)
            mean = Tensor(
                self.running_mean.data.reshape(stat_shape), dtype=x.dtype, device=x.device
            )
            scale = Tensor(scale.reshape(stat_shape), dtype=x.dtype, device=x.device)
            return (x - mean) * scale * gamma + beta
        count = x.size // x.shape[1] if x.ndim == 4 else x.shape[0]  # values per statistic
        if count < 2:
            raise ShapeError(
                f"BatchNorm '{self.name}' needs at least 2 samples per batch in training mode, "
                f"got {x.shape[0]}"
            )
        mean = x.mean(axis=axes, keepdims=True)
        centered = x - mean
        var = (centered * centered).mean(axis=axes, keepdims=True)
        normalized = centered / (var + self.epsilon).sqrt()
        self._update_running(mean.data.reshape(-1), var.data.reshape(-1), count)
        return normalized * gamma + beta

    def _update_running(self, mean: np.ndarray, var: np.ndarray, count: int) -> None:
        with no_grad():
            unbiased = var * (count / (count - 1))
            m = self.momentum
            self.running_mean.data[...] = (1 - m) * self.running_mean.data + m * mean
            self.running_var.data[...] = (1 - m) * self.running_var.data + m * unbiased

    def get_config(self) -> dict[str, Any]:
        return {"momentum": self.momentum, "epsilon": self.epsilon, "name": self.name}


@LAYERS.register("LayerNorm")
class LayerNorm(Module):
    """Normalise each sample over its last axis, then scale and shift (the same in train and eval)."""

    def __init__(self, epsilon: float = 1e-5, name: str | None = None) -> None:
        super().__init__(name)
        self.epsilon = _check_range("LayerNorm epsilon", epsilon, 0.0, 1.0)

    def build(self, input_shape: tuple[int, ...]) -> None:
        features = int(input_shape[-1])
        self.add_weight("gamma", (features,), "ones")
        self.add_weight("beta", (features,), "zeros")

    def forward(self, x: Any) -> Tensor:
        x = as_tensor(x)
        self.check_features(x, self.gamma.shape[0])
        mean = x.mean(axis=-1, keepdims=True)
        centered = x - mean
        var = (centered * centered).mean(axis=-1, keepdims=True)
        return centered / (var + self.epsilon).sqrt() * self.gamma + self.beta

    def get_config(self) -> dict[str, Any]:
        return {"epsilon": self.epsilon, "name": self.name}
