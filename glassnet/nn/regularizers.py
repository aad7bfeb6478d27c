"""Weight penalties added to the loss: L1, L2 and both (as in Keras).

Example:
    >>> import glassnet as gn
    >>> layer = gn.Dense(3, kernel_regularizer=gn.L2(1e-4))
"""

from __future__ import annotations

from typing import Any

from glassnet.autograd.tensor import Tensor
from glassnet.errors import ConfigError
from glassnet.ops import abs as abs_
from glassnet.registry import Registry

REGULARIZERS: Registry[type[Regularizer]] = Registry("regularizer")


def _check_strength(name: str, value: float) -> float:
    if not isinstance(value, (int, float)) or value < 0:
        raise ConfigError(f"{name} strength must be a non-negative number, got {value!r}")
    return float(value)


class Regularizer:
    """Base class: ``penalty(weight) -> scalar Tensor``."""

    def __call__(self, weight: Tensor) -> Tensor:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError


@REGULARIZERS.register("l1")
class L1(Regularizer):
    """``l1 · Σ|w|``: pushes weights to exactly zero (sparse networks)."""

    def __init__(self, l1: float = 0.01) -> None:
        self.l1 = _check_strength("L1", l1)

    def __call__(self, weight: Tensor) -> Tensor:
        return self.l1 * abs_(weight).sum()

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1}


@REGULARIZERS.register("l2")
class L2(Regularizer):
    """``l2 · Σw²``: keeps weights small (weight decay), which reduces overfitting."""

    def __init__(self, l2: float = 0.01) -> None:
        self.l2 = _check_strength("L2", l2)

    def __call__(self, weight: Tensor) -> Tensor:
        return self.l2 * (weight * weight).sum()

    def get_config(self) -> dict[str, Any]:
        return {"l2": self.l2}


@REGULARIZERS.register("l1_l2", "l1l2")
class L1L2(Regularizer):
    def __init__(self, l1: float = 0.01, l2: float = 0.01) -> None:
        self.l1 = _check_strength("L1", l1)
        self.l2 = _check_strength("L2", l2)

    def __call__(self, weight: Tensor) -> Tensor:
        return self.l1 * abs_(weight).sum() + self.l2 * (weight * weight).sum()

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1, "l2": self.l2}


def get_regularizer(spec: Any) -> Regularizer | None:
    """A regularizer from None, a name (``"l2"``, strength 0.01), a config dict or an instance."""
    if spec is None or isinstance(spec, Regularizer):
        return spec
    if isinstance(spec, str):
        return REGULARIZERS.get(spec)()
    if isinstance(spec, dict) and isinstance(spec.get("name"), str):
        options = {k: v for k, v in spec.items() if k != "name"}
        return REGULARIZERS.get(spec["name"])(**options)
    raise ConfigError(
        f"a regularizer must be None, a name or a Regularizer, got {type(spec).__name__}"
    )


def regularizer_config(spec: Any) -> Any:
    """A JSON-ready description of ``spec`` that ``get_regularizer`` turns back into it."""
    if isinstance(spec, Regularizer):
        return {"name": REGULARIZERS.name_of(type(spec)), **spec.get_config()}
    return spec
