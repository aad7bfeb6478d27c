"""Whether operations record a graph for backward (switched off by ``no_grad``)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

_enabled = [True]


def enabled() -> bool:
    """True when new operations are recorded for backward."""
    return _enabled[-1]


@contextlib.contextmanager
def set_enabled(flag: bool) -> Iterator[None]:
    _enabled.append(flag)
    try:
        yield
    finally:
        _enabled.pop()
