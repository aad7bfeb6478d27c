"""Pooling layers on (N, C, H, W): ``MaxPool2D``, ``AvgPool2D``, ``GlobalAveragePooling2D``.

Pooling shrinks each channel's map by summarising windows of it: the maximum (the
strongest response of a filter nearby) or the mean. It has no weights. Like the conv
layers, each pooling layer keeps its last output in ``feature_maps`` (an array on the layer's device).

Example:
    >>> import glassnet as gn, numpy as np
    >>> gn.MaxPool2D(2)(gn.Tensor(np.zeros((2, 3, 8, 8)))).shape
    (2, 3, 4, 4)
    >>> gn.GlobalAveragePooling2D()(gn.Tensor(np.zeros((2, 3, 8, 8)))).shape
    (2, 3)
"""

from __future__ import annotations

from typing import Any

from glassnet import ops
from glassnet.autograd.tensor import Tensor, as_tensor
from glassnet.errors import ConfigError, ShapeError
from glassnet.nn.layers_registry import LAYERS
from glassnet.nn.module import Module
from glassnet.ops.windows import as_pair, check_padding, output_hw, resolve_padding


def _check_nchw(layer: Module, x: Tensor) -> None:
    if x.ndim != 4:
        raise ShapeError(
            f"{type(layer).__name__} '{layer.name}' expects inputs of shape (N, C, H, W), "
            f"got {tuple(x.shape)}"
        )


class _Pool2D(Module):
    """What MaxPool2D and AvgPool2D share: window settings, checks, config."""

    def __init__(
        self, pool_size: Any = 2, stride: Any = None, padding: Any = 0, name: str | None = None
    ) -> None:
        super().__init__(name)
        kind = type(self).__name__
        self.pool_size = as_pair(pool_size, f"{kind} pool_size")
        self.stride = self.pool_size if stride is None else as_pair(stride, f"{kind} stride")
        self._stride_given = stride is not None
        self.padding = check_padding(padding, f"{kind} padding")
        if not isinstance(self.padding, str):
            pads = resolve_padding(self.padding, self.pool_size, self.stride, (1, 1), (1, 1))
            half = (self.pool_size[0] // 2, self.pool_size[1] // 2)
            if max(pads[0]) > half[0] or max(pads[1]) > half[1]:
                raise ConfigError(
                    f"{kind} padding may be at most half the pool size {self.pool_size} "
                    f"(i.e. {half}), got {padding!r}"
                )
        self.feature_maps: Any = None  # the last output, on the layer's device

    def _pool(self, x: Tensor) -> Tensor:  # pragma: no cover - abstract
        raise NotImplementedError

    def forward(self, x: Any) -> Tensor:
        x = as_tensor(x)
        _check_nchw(self, x)
        pads = resolve_padding(self.padding, self.pool_size, self.stride, (1, 1), x.shape[2:])
        output_hw(
            x.shape[2:],
            self.pool_size,
            self.stride,
            (1, 1),
            pads,
            f"{type(self).__name__} '{self.name}'",
        )
        out = self._pool(x)
        self.feature_maps = out.data
        return out

    def get_config(self) -> dict[str, Any]:
        def plain(value: tuple[int, int]) -> Any:
            return value[0] if value[0] == value[1] else list(value)

        return {
            "pool_size": plain(self.pool_size),
            "stride": plain(self.stride) if self._stride_given else None,
            "padding": self.padding,
            "name": self.name,
        }


@LAYERS.register("MaxPool2D")
class MaxPool2D(_Pool2D):
    """The maximum of each ``pool_size`` window, per channel.

    Args:
        pool_size: the window, an int or a pair (default 2: halves height and width).
        stride: the step between windows; defaults to ``pool_size`` (windows do not overlap).
        padding: an int, a pair, ``"valid"`` or ``"same"``; −∞ padding, at most half the window.
        name: a display name, used in messages.
    """

    def _pool(self, x: Tensor) -> Tensor:
        return ops.max_pool2d(x, self.pool_size, self.stride, self.padding)


@LAYERS.register("AvgPool2D")
class AvgPool2D(_Pool2D):
    """The mean of each ``pool_size`` window, per channel; padding is not counted in the mean.

    Arguments as :class:`MaxPool2D`.
    """

    def _pool(self, x: Tensor) -> Tensor:
        return ops.avg_pool2d(x, self.pool_size, self.stride, self.padding)


@LAYERS.register("GlobalAveragePooling2D")
class GlobalAveragePooling2D(Module):
    """The mean of each channel's whole map: (N, C, H, W) → (N, C), any H and W.

    Often used instead of Flatten before the classifier: it has no weights and lets a
    CNN take images of any size.
    """

    def __init__(self, name: str | None = None) -> None:
        super().__init__(name)
        self.feature_maps: Any = None  # the last output, on the layer's device

    def forward(self, x: Any) -> Tensor:
        x = as_tensor(x)
        _check_nchw(self, x)
        out = x.mean(axis=(2, 3))
        self.feature_maps = out.data
        return out

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name}
