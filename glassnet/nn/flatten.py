"""``Flatten``: (samples, d1, d2, …) → (samples, d1·d2·…), e.g. images into a Dense layer.

Example:
    >>> import glassnet as gn, numpy as np
    >>> gn.Flatten()(gn.Tensor(np.zeros((2, 1, 8, 8)))).shape
    (2, 64)
"""

from __future__ import annotations

from typing import Any

from glassnet.autograd.tensor import Tensor, as_tensor
from glassnet.nn.layers_registry import LAYERS
from glassnet.nn.module import Module


@LAYERS.register("Flatten")
class Flatten(Module):
    def forward(self, x: Any) -> Tensor:
        x = as_tensor(x)
        return x.reshape(x.shape[0], -1)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name}
