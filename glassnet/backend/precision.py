"""Mixed precision: heavy products in float16, float32 master weights, a scaled loss.

Under :func:`autocast`, the ops that do most of the arithmetic (matrix products, dense
layers, convolutions) cast their floating-point inputs to the compute dtype; their
gradients are cast back, so every parameter's ``grad`` stays in the parameter's own
dtype (float32: the "master weights"). Losses always compute in float32 or wider.
:class:`glassnet.optim.LossScaler` keeps small float16 gradients from flushing to zero.

Example:
    >>> with autocast("float16"):
    ...     get_compute_dtype().name
    'float16'
    >>> get_compute_dtype() is None
    True
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy as np

from glassnet.errors import ConfigError

#: The precision policies ``compile(precision=...)`` accepts, and their compute dtypes.
PRECISIONS: dict[str, np.dtype | None] = {
    "float32": None,
    "mixed_float16": np.dtype(np.float16),
}
_state: dict[str, np.dtype | None] = {"compute": None}


def _compute_dtype(dtype: Any) -> np.dtype:
    if isinstance(dtype, str) and dtype.lower() in ("bfloat16", "mixed_bfloat16"):
        raise ConfigError(
            "bfloat16 compute is not available: neither NumPy nor CuPy has bfloat16 "
            "arithmetic (products of ml_dtypes' bfloat16 come out in float32); use 'float16'"
        )
    try:
        resolved = np.dtype(dtype)
    except TypeError as exc:
        raise ConfigError(f"unknown compute dtype {dtype!r}; use 'float16'") from exc
    if resolved != np.float16:
        raise ConfigError(f"the compute dtype of mixed precision is 'float16', got '{resolved}'")
    return resolved


def precision_dtype(precision: str) -> np.dtype | None:
    """The compute dtype of a policy name (None for plain float32), or a ConfigError."""
    if isinstance(precision, str) and precision.lower() in ("mixed_bfloat16", "bfloat16"):
        _compute_dtype(precision)  # raises, saying why
    if precision not in PRECISIONS:
        raise ConfigError(
            f"precision must be one of {', '.join(map(repr, PRECISIONS))}, got {precision!r}"
        )
    return PRECISIONS[precision]


def get_compute_dtype() -> np.dtype | None:
    """The dtype heavy ops compute in inside :func:`autocast`, or None outside it."""
    return _state["compute"]


@contextlib.contextmanager
def autocast(dtype: Any = "float16") -> Iterator[None]:
    """Within the block, matrix products, dense layers and convolutions compute in ``dtype``.

    ``autocast(None)`` turns it off (e.g. for a part that needs full precision).
    """
    previous = _state["compute"]
    _state["compute"] = None if dtype is None else _compute_dtype(dtype)
    try:
        yield
    finally:
        _state["compute"] = previous
