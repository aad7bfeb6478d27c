"""Which implementation of the recurrent step kernels runs: numba's fused loops or NumPy's.

The numba kernels (:mod:`glassnet.ops.recurrent_numba`) run for NumPy arrays when numba
is installed; the array-code reference (:mod:`glassnet.ops.recurrent_numpy`) runs for
CuPy arrays, without numba, or when ``GLASSNET_NUMBA=0`` is set in the environment (to
compare the two, or to rule the JIT out while debugging). Both modules have the same
six functions: ``{lstm,gru,rnn}_{forward,backward}_step``.

Example:
    >>> import numpy as np
    >>> kernels = select_kernels(np)
    >>> callable(kernels.lstm_forward_step)
    True
"""

from __future__ import annotations

import os
from types import ModuleType
from typing import Any

from glassnet.ops import recurrent_numpy

try:  # numba is a speed-up, not a requirement
    from glassnet.ops import recurrent_numba
except ImportError:  # pragma: no cover - depends on the installation
    recurrent_numba = None  # type: ignore[assignment]


def numba_available() -> bool:
    """True when the numba kernels can be used (installed, and not switched off)."""
    return recurrent_numba is not None and os.environ.get("GLASSNET_NUMBA", "1") != "0"


def select_kernels(xp: Any) -> ModuleType:
    """The kernel module for arrays of the array module ``xp`` (``numpy`` or ``cupy``)."""
    import numpy

    if xp is numpy and numba_available():
        return recurrent_numba
    return recurrent_numpy
