"""``Sequential``: layers applied one after another, the feed-forward network.

Example:
    >>> import glassnet as gn
    >>> model = gn.Sequential([gn.Dense(4, activation="relu"), gn.Dense(1)])
    >>> model(gn.Tensor([[0.0, 1.0]])).shape
    (1, 1)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from glassnet.errors import ConfigError
from glassnet.nn.layers_registry import LAYERS, layer_from_config
from glassnet.nn.module import Module


@LAYERS.register("Sequential")
class Sequential(Module):
    """A stack of layers; the output of each is the input of the next."""

    def __init__(self, layers: Iterable[Module] = (), name: str | None = None) -> None:
        super().__init__(name)
        self.layers: list[Module] = []
        for layer in layers:
            self.add(layer)

    def add(self, layer: Module) -> Sequential:
        """Append a layer; returns the model so calls can be chained."""
        if not isinstance(layer, Module):
            raise ConfigError(
                f"Sequential takes layers (gn.Module instances), got {type(layer).__name__} "
                f"at position {len(self.layers)}"
            )
        setattr(self, str(len(self.layers)), layer)
        self.layers.append(layer)
        return self

    def forward(self, x: Any) -> Any:
        for layer in self.layers:
            x = layer(x)
        return x

    def __getitem__(self, index: int) -> Module:
        return self.layers[index]

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self) -> Iterator[Module]:
        return iter(self.layers)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Sequential:
        layers = [layer_from_config(spec) for spec in config.get("layers", [])]
        return cls(layers, name=config.get("name"))

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "layers": [
                {"class": LAYERS.name_of(type(layer)), "config": layer.get_config()}
                for layer in self.layers
            ],
        }
