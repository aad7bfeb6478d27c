"""Refusing allocations before they happen: the machine's memory and a parameter budget.

NumPy asked for a 298 GiB weight matrix either fails with a bare ``MemoryError`` or,
worse, succeeds lazily and lets the operating system kill the process later. A layer
therefore asks :func:`check_allocation` first, which refuses (a ``ConfigError``
naming the weight and the bytes) anything larger than the memory that is available
now. A loader that builds a model from an untrusted file also sets a
:func:`parameter_budget`: the number of weights the file can honestly describe, so a
crafted file of a few hundred bytes cannot make it allocate gigabytes.

Example:
    >>> check_allocation((3, 4), "float32", "Dense 'hidden' kernel")
    48
    >>> with parameter_budget(10):
    ...     check_allocation((3, 4), "float32", "Dense 'hidden' kernel")
    Traceback (most recent call last):
    ...
    glassnet.backend.memory.BudgetExceeded: Dense 'hidden' kernel of shape (3, 4) needs 12 values, which brings the total to 12, above the budget of 10
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import os
import resource
from collections.abc import Iterator
from typing import Any

import numpy as np

from glassnet.errors import ConfigError

# Below this, asking the operating system costs more than the allocation risks.
_CHECK_ABOVE_BYTES = 64 * 2**20


class BudgetExceeded(ConfigError):
    """More values were requested than the active :func:`parameter_budget` allows."""

    def __init__(self, message: str, total: int, limit: int) -> None:
        super().__init__(message)
        self.total = total
        self.limit = limit


class _Budget:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0


_budget: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar(
    "glassnet_parameter_budget", default=None
)


def format_bytes(count: int) -> str:
    """``3221225472`` → ``"3.0 GiB"``."""
    value = float(count)
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if value < 1024 or unit == "PiB":
            return f"{count} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{count} bytes"  # pragma: no cover - the loop always returns


def available_bytes() -> int | None:
    """Memory this process can still allocate now, or None where the system does not say.

    The smaller of the memory the system reports as available (``MemAvailable`` on
    Linux) and what an address-space limit (``ulimit -v``) leaves.
    """
    limits = []
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    limits.append(int(line.split()[1]) * 1024)
                    break
    except (OSError, ValueError, IndexError):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            limits.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        limits.append(max(0, soft - _address_space_in_use()))
    return min(limits) if limits else None


def _address_space_in_use() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def check_allocation(shape: tuple[int, ...], dtype: Any, what: str) -> int:
    """The bytes an array of ``shape`` and ``dtype`` takes; refuses what cannot fit.

    Args:
        shape: the array's shape (Python integers; the product never overflows).
        dtype: its dtype (``"float32"``, ``np.float64`` ...).
        what: what the array is, for the message (``"Dense 'hidden1' kernel"``).

    Raises:
        BudgetExceeded: a :func:`parameter_budget` is active and the array would
            take the values created under it above the budget.
        ConfigError: the array is larger than the memory available now.
    """
    values = math.prod(int(n) for n in shape)
    size = values * np.dtype(dtype).itemsize
    budget = _budget.get()
    if budget is not None:
        total = budget.used + values
        if total > budget.limit:
            raise BudgetExceeded(
                f"{what} of shape {tuple(shape)} needs {values} values, which brings the "
                f"total to {total}, above the budget of {budget.limit}",
                total,
                budget.limit,
            )
        budget.used = total
    if size > _CHECK_ABOVE_BYTES:
        available = available_bytes()
        if available is not None and size > available:
            raise ConfigError(
                f"{what} of shape {tuple(shape)} would take {format_bytes(size)} "
                f"({values} {np.dtype(dtype).name} values), but only "
                f"{format_bytes(available)} of memory is available; use a smaller size"
            )
    return size


@contextlib.contextmanager
def parameter_budget(limit: int) -> Iterator[None]:
    """Within the block, :func:`check_allocation` refuses more than ``limit`` values in all."""
    token = _budget.set(_Budget(int(limit)))
    try:
        yield
    finally:
        _budget.reset(token)
