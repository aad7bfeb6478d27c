"""Reusable scratch arrays for the convolution and pooling primitives.

Why: a LeNet-5 training step (batch 64) allocates about 12 MB of large temporaries
(im2col columns, their gradient, pooled maps). glibc returns large freed blocks to
the kernel, so the next step touches fresh pages: measured 2 100 page faults and ~3 ms
of kernel time per 6 ms step, in some runs and not others. Handing the same arrays
out again removes that cost and the variance.

Safety rests on reference counts: an array is handed out again only when the pool's
own list is the only thing referring to it. Every view of an array (a reshaped
output, a transposed gradient, the ``feature_maps`` a layer keeps) refers to it, so an
array still in use anywhere is never reused. The pool keeps at most
:data:`MAX_PER_SHAPE` arrays per shape and :data:`MAX_BYTES` in all, dropping the
least recently used shapes first; beyond that it simply allocates.

Example:
    >>> import numpy as np
    >>> a = empty((2, 3), np.dtype(np.float32), np)
    >>> a.shape
    (2, 3)
    >>> empty((2, 3), np.dtype(np.float32), np) is a  # still referenced by ``a``
    False
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from typing import Any

from glassnet.backend import Array

#: Arrays smaller than this come from the allocator directly (glibc reuses them well).
MIN_BYTES = 64 * 1024
#: At most this many arrays of one shape and dtype are kept.
MAX_PER_SHAPE = 6
#: At most this many bytes are kept in all.
MAX_BYTES = 256 * 2**20

_lock = threading.Lock()
_pool: OrderedDict[tuple[Any, ...], list[Array]] = OrderedDict()
_held = {"bytes": 0}
# sys.getrefcount of a free array inside the loop below: the pool's list, the loop
# variable and getrefcount's own argument.
_FREE_REFS = 3


def empty(shape: tuple[int, ...], dtype: Any, xp: Any) -> Array:
    """An uninitialised array of ``shape`` and ``dtype``, reused when one is free."""
    nbytes = dtype.itemsize
    for n in shape:
        nbytes *= n
    if nbytes < MIN_BYTES:
        return xp.empty(shape, dtype=dtype)
    key = (xp.__name__, tuple(shape), dtype.str)
    with _lock:
        bucket = _pool.get(key)
        if bucket is not None:
            _pool.move_to_end(key)
            for array in bucket:
                if sys.getrefcount(array) == _FREE_REFS:
                    return array
        array = xp.empty(shape, dtype=dtype)
        if bucket is None:
            bucket = _pool[key] = []
        if len(bucket) < MAX_PER_SHAPE:
            bucket.append(array)
            _held["bytes"] += nbytes
            _evict()
        return array


def zeros(shape: tuple[int, ...], dtype: Any, xp: Any) -> Array:
    """A zero-filled array of ``shape`` and ``dtype``, reused when one is free."""
    array = empty(shape, dtype, xp)
    array.fill(0)
    return array


def _evict() -> None:
    """Drop the least recently used shapes until the pool holds at most MAX_BYTES."""
    while _held["bytes"] > MAX_BYTES and len(_pool) > 1:
        _, bucket = _pool.popitem(last=False)
        _held["bytes"] -= sum(a.nbytes for a in bucket)


def clear() -> None:
    """Forget every kept array (they are freed once nothing else refers to them)."""
    with _lock:
        _pool.clear()
        _held["bytes"] = 0
