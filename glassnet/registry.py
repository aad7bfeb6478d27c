"""Name → object registries, one per kind (activations, losses, initializers, optimizers).

The CLI and ``Dense(activation="relu")`` resolve strings through these, so every
kind accepts the same spellings and an unknown name lists the valid ones.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from glassnet.errors import ConfigError

T = TypeVar("T")


class Registry(Generic[T]):
    """A named table of objects of one kind.

    Example:
        >>> losses = Registry("loss")
        >>> @losses.register("mse")
        ... def mse(prediction, target): ...
        >>> losses.get("MSE") is mse
        True
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, T] = {}

    def register(self, *names: str) -> Callable[[T], T]:
        """Decorator that files the object under each of ``names`` (case-insensitive)."""

        def add(obj: T) -> T:
            for name in names:
                key = name.lower()
                if key in self._entries:
                    raise ValueError(f"{self.kind} '{name}' is registered twice")
                self._entries[key] = obj
            return obj

        return add

    def get(self, name: str) -> T:
        """The object filed under ``name``; a ``ConfigError`` listing valid names if none."""
        if not isinstance(name, str):
            raise ConfigError(f"a {self.kind} name must be a string, got {type(name).__name__}")
        key = name.lower().replace("-", "_")
        if key not in self._entries:
            valid = ", ".join(sorted(self._entries))
            raise ConfigError(f"unknown {self.kind} '{name}'; valid names are: {valid}")
        return self._entries[key]

    def name_of(self, obj: T) -> str:
        """The first name ``obj`` was registered under (for saving a configuration)."""
        for key, value in self._entries.items():
            if value is obj:
                return key
        raise ConfigError(f"{obj!r} is not a registered {self.kind}")

    def names(self) -> list[str]:
        """All registered names, sorted."""
        return sorted(self._entries)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower().replace("-", "_") in self._entries
