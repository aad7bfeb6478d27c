"""Weight initializers, by name or as objects: ``init(shape, rng, dtype) -> array``.

Fan-in and fan-out follow the article's weight matrix: a 2-d kernel has shape
(inputs, outputs). A kernel of 3 or more axes is (out channels, in channels, *window),
whose fans are multiplied by the window size (PyTorch's convention for convolutions).

Example:
    >>> import numpy as np
    >>> w = get_initializer("he_normal")((64, 32), np.random.default_rng(0), np.float32)
    >>> w.shape, w.dtype.name
    ((64, 32), 'float32')
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet.errors import ConfigError
from glassnet.registry import Registry

INITIALIZERS: Registry[type[Initializer]] = Registry("initializer")


def fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight of ``shape``."""
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    window = math.prod(shape[2:])
    return shape[1] * window, shape[0] * window


class Initializer:
    """Base class: subclasses implement ``sample(shape, rng) -> float64 array``."""

    def __call__(self, shape: tuple[int, ...], rng: np.random.Generator, dtype: Any) -> np.ndarray:
        return np.asarray(self.sample(tuple(shape), rng), dtype=dtype)

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        return {}


@INITIALIZERS.register("zeros")
class Zeros(Initializer):
    def sample(self, shape, rng):
        return np.zeros(shape)


@INITIALIZERS.register("ones")
class Ones(Initializer):
    def sample(self, shape, rng):
        return np.ones(shape)


@INITIALIZERS.register("uniform", "random_uniform")
class Uniform(Initializer):
    """Uniform in [low, high); the article's network uses ``Uniform(-1, 1)`` (mean 0)."""

    def __init__(self, low: float = -0.05, high: float = 0.05) -> None:
        if not low < high:
            raise ConfigError(f"Uniform needs low < high, got low={low}, high={high}")
        self.low, self.high = low, high

    def sample(self, shape, rng):
        return rng.uniform(self.low, self.high, size=shape)

    def get_config(self):
        return {"low": self.low, "high": self.high}


@INITIALIZERS.register("normal", "random_normal")
class Normal(Initializer):
    """Zero-mean normal with standard deviation ``std``."""

    def __init__(self, std: float = 0.05) -> None:
        if not std > 0:
            raise ConfigError(f"Normal needs a positive std, got {std}")
        self.std = std

    def sample(self, shape, rng):
        return rng.normal(0.0, self.std, size=shape)

    def get_config(self):
        return {"std": self.std}


@INITIALIZERS.register("glorot_uniform", "xavier_uniform")
class GlorotUniform(Initializer):
    """Uniform in ±√(6 / (fan_in + fan_out)): keeps activation variance through tanh/sigmoid layers."""

    def sample(self, shape, rng):
        fan_in, fan_out = fans(shape)
        limit = math.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, size=shape)


@INITIALIZERS.register("glorot_normal", "xavier_normal")
class GlorotNormal(Initializer):
    def sample(self, shape, rng):
        fan_in, fan_out = fans(shape)
        return rng.normal(0.0, math.sqrt(2.0 / (fan_in + fan_out)), size=shape)


@INITIALIZERS.register("he_uniform", "kaiming_uniform")
class HeUniform(Initializer):
    """Uniform in ±√(6 / fan_in): keeps activation variance through ReLU layers."""

    def sample(self, shape, rng):
        fan_in, _ = fans(shape)
        limit = math.sqrt(6.0 / fan_in)
        return rng.uniform(-limit, limit, size=shape)


@INITIALIZERS.register("he_normal", "kaiming_normal")
class HeNormal(Initializer):
    def sample(self, shape, rng):
        fan_in, _ = fans(shape)
        return rng.normal(0.0, math.sqrt(2.0 / fan_in), size=shape)


@INITIALIZERS.register("orthogonal")
class Orthogonal(Initializer):
    """A (semi-)orthogonal matrix times ``gain``; extra axes are flattened into the rows."""

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = gain

    def sample(self, shape, rng):
        if len(shape) < 2:
            raise ConfigError(f"orthogonal initialization needs 2 or more axes, got shape {shape}")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        flat = rng.normal(size=(max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(flat)
        q *= np.sign(np.diag(r))  # makes the result uniformly distributed over orthogonal matrices
        if rows < cols:
            q = q.T
        # ascontiguousarray: q.T is a strided view, and parameters must own C-ordered memory.
        return np.ascontiguousarray(self.gain * q.reshape(shape))

    def get_config(self):
        return {"gain": self.gain}


def get_initializer(spec: Any) -> Initializer:
    """An initializer from a name (``"he_normal"``), a config dict or an ``Initializer``."""
    if isinstance(spec, Initializer):
        return spec
    if isinstance(spec, str):
        return INITIALIZERS.get(spec)()
    if isinstance(spec, dict) and isinstance(spec.get("name"), str):
        options = {k: v for k, v in spec.items() if k != "name"}
        return INITIALIZERS.get(spec["name"])(**options)
    raise ConfigError(
        f"an initializer must be a name or an Initializer, got {type(spec).__name__}; "
        f"valid names are: {', '.join(INITIALIZERS.names())}"
    )


def initializer_config(spec: Any) -> Any:
    """A JSON-ready description of ``spec`` that ``get_initializer`` turns back into it."""
    if isinstance(spec, Initializer):
        return {"name": INITIALIZERS.name_of(type(spec)), **spec.get_config()}
    return spec
