"""Checks for the numbers optimizers and schedules are configured with.

Each check returns the value as a plain Python ``float``/``int``/``bool`` (so that
configs stay JSON-serialisable) or raises a ``ConfigError`` that names the setting,
the range it must lie in, and the value received.

Example:
    >>> positive_number("learning rate", 0.1)
    0.1
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any

import numpy as np

from glassnet.errors import ConfigError


def _show(value: Any) -> str:
    """``value`` as it should appear in a message: numbers plainly, others with repr."""
    if isinstance(value, Real) and not isinstance(value, bool):
        return str(value)
    return repr(value)


def _as_finite_float(name: str, value: Any, expected: str) -> float:
    # bool is an int subclass; ``lr=True`` is a mistake, not the number 1.
    if not isinstance(value, Real) or isinstance(value, bool):
        raise ConfigError(f"{name} must be {expected}, got {_show(value)}")
    number = float(value)
    if not math.isfinite(number):
        raise ConfigError(f"{name} must be {expected}, got {_show(value)}")
    return number


def positive_number(name: str, value: Any) -> float:
    """``value`` as a float, if it is a finite number > 0."""
    number = _as_finite_float(name, value, "a positive number")
    if number <= 0:
        raise ConfigError(f"{name} must be a positive number, got {_show(value)}")
    return number


def non_negative_number(name: str, value: Any) -> float:
    """``value`` as a float, if it is a finite number >= 0."""
    number = _as_finite_float(name, value, "a non-negative number")
    if number < 0:
        raise ConfigError(f"{name} must be a non-negative number, got {_show(value)}")
    return number


def optional_positive_number(name: str, value: Any) -> float | None:
    """``None``, or ``value`` as a float if it is a finite number > 0."""
    if value is None:
        return None
    return positive_number(name, value)


def fraction(name: str, value: Any) -> float:
    """``value`` as a float, if it lies in [0, 1) (momentum, betas, alpha)."""
    number = _as_finite_float(name, value, "a number in [0, 1)")
    if not 0.0 <= number < 1.0:
        raise ConfigError(f"{name} must be a number in [0, 1), got {_show(value)}")
    return number


def open_fraction(name: str, value: Any) -> float:
    """``value`` as a float, if it lies in (0, 1) (a reduction factor)."""
    number = _as_finite_float(name, value, "a number in (0, 1)")
    if not 0.0 < number < 1.0:
        raise ConfigError(f"{name} must be a number in (0, 1), got {_show(value)}")
    return number


def betas(value: Any) -> tuple[float, float]:
    """``value`` as a pair of floats, each in [0, 1) (Adam's moment decay rates)."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != 2:
        raise ConfigError(f"betas must be a pair of numbers in [0, 1), got {_show(value)}")
    beta1 = fraction("betas[0]", value[0])
    beta2 = fraction("betas[1]", value[1])
    return (beta1, beta2)


def positive_int(name: str, value: Any) -> int:
    """``value`` as an int, if it is a whole number >= 1."""
    if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
        raise ConfigError(f"{name} must be a positive integer, got {_show(value)}")
    return int(value)


def non_negative_int(name: str, value: Any) -> int:
    """``value`` as an int, if it is a whole number >= 0."""
    if not isinstance(value, Integral) or isinstance(value, bool) or value < 0:
        raise ConfigError(f"{name} must be a non-negative integer, got {_show(value)}")
    return int(value)


def flag(name: str, value: Any) -> bool:
    """``value`` as a bool, if it is one (``nesterov="yes"`` is a mistake, not True)."""
    # numpy.bool_ is not a bool subclass but means the same thing.
    if not isinstance(value, (bool, np.bool_)):
        raise ConfigError(f"{name} must be True or False, got {_show(value)}")
    return bool(value)


def choice(name: str, value: Any, options: tuple[str, ...]) -> str:
    """``value`` if it is one of ``options``."""
    if value not in options:
        valid = ", ".join(repr(option) for option in options)
        raise ConfigError(f"{name} must be one of {valid}, got {_show(value)}")
    return str(value)
