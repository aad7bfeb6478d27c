"""``Dropout``: during training, zero a random fraction of activations (against overfitting).

Inverted dropout: kept values are scaled by 1 / (1 - rate) during training, so
nothing changes at inference, where the layer passes its input through.

Example:
    >>> import glassnet as gn
    >>> layer = gn.Dropout(0.5, rng=0).eval()
    >>> layer(gn.Tensor([[1.0, 2.0]])).numpy().tolist()
    [[1.0, 2.0]]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import backend
from glassnet.autograd.tensor import Tensor, as_tensor
from glassnet.errors import ConfigError
from glassnet.nn.layers_registry import LAYERS
from glassnet.nn.module import Module


@LAYERS.register("Dropout")
class Dropout(Module):
    """Drop each input with probability ``rate`` in training mode.

    Args:
        rate: the fraction dropped, in [0, 1).
        rng: a seed or generator for the masks (default: the global one).
    """

    def __init__(
        self, rate: float, rng: np.random.Generator | int | None = None, name: str | None = None
    ):
        super().__init__(name)
        if not isinstance(rate, (int, float)) or not 0 <= rate < 1:
            raise ConfigError(f"Dropout rate must be in [0, 1), got {rate!r}")
        self.rate = float(rate)
        self.rng = backend.get_rng(rng) if rng is not None else None

    def forward(self, x: Any) -> Tensor:
        x = as_tensor(x)
        if not self.training or self.rate == 0:
            return x
        generator = self.rng if self.rng is not None else backend.get_rng()
        keep = generator.random(x.shape) >= self.rate
        scale = np.asarray(1.0 / (1.0 - self.rate), dtype=x.dtype)
        mask = (keep * scale).astype(x.dtype)
        return x * Tensor._wrap(backend.to_device_of(mask, x.data))

    def get_config(self) -> dict[str, Any]:
        return {"rate": self.rate, "name": self.name}
