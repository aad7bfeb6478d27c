"""What every picture shares: a window-less Figure, saving by extension, the colours.

Figures are made with ``matplotlib.figure.Figure`` directly, never with pyplot: no
window can open, no global figure list grows in a long session, and the Agg
renderer draws PNG files while the SVG renderer draws SVG files.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from glassnet import backend
from glassnet.errors import ConfigError, DataError
from glassnet.io.atomic import write_atomic
from glassnet.nn.module import Module

FORMATS = ("png", "svg")
# Positive weights blue, negative red: the convention of most network diagrams and of
# diverging colour maps (matplotlib's "RdBu" puts red at the low end).
POSITIVE = "#2166ac"
NEGATIVE = "#b2182b"
DIVERGING = "RdBu"
SEQUENTIAL = "Blues"


def new_figure(width: float, height: float) -> Figure:
    """A Figure of ``width`` × ``height`` inches that belongs to no window."""
    return Figure(figsize=(width, height), layout="constrained")


def image_format(path: str | Path) -> str:
    """``"png"`` or ``"svg"``, from the file's extension."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ConfigError(
            f"a picture is written as .png or .svg, chosen by the file name; got '{path}'"
        )
    return suffix


def figure_bytes(figure: Figure, fmt: str, dpi: int = 100) -> bytes:
    """The figure drawn as PNG or SVG bytes (SVG without a date, with a fixed id salt)."""
    if fmt not in FORMATS:
        raise ConfigError(f"picture format must be one of {FORMATS}, got {fmt!r}")
    buffer = io.BytesIO()
    if fmt == "svg":
        metadata: dict[str, Any] = {"Creator": "glassnet", "Date": None}
        from matplotlib import rc_context

        with rc_context({"svg.hashsalt": "glassnet"}):
            figure.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata)
    else:
        figure.savefig(buffer, format=fmt, dpi=dpi, metadata={"Software": "glassnet"})
    return buffer.getvalue()


def finish(figure: Figure, path: str | Path | None, dpi: int = 100) -> Figure:
    """Save ``figure`` to ``path`` (if given, atomically) and return it."""
    if path is not None:
        write_atomic(path, figure_bytes(figure, image_format(path), dpi=dpi))
    return figure


def as_array(x: Any, what: str) -> np.ndarray:
    """Data as a NumPy array of numbers (a Tensor's data, a list, a DataFrame, a device array)."""
    data = getattr(x, "data", x) if not isinstance(x, np.ndarray) else x
    if hasattr(data, "to_numpy"):
        data = data.to_numpy()
    array = backend.to_numpy(data)
    if array.dtype.kind not in "biuf":
        raise DataError(f"{what} must be numbers, got an array of {array.dtype}")
    if array.size == 0:
        raise DataError(f"{what} is empty")
    return array


def layers_with(model: Module, attribute: str) -> list[tuple[str, Module]]:
    """(path, layer) for each sub-module that holds ``attribute`` (a built weight)."""
    found = []
    for path, module in model.named_modules():
        if getattr(module, attribute, None) is not None and attribute in module._parameters:
            found.append((path or module.name, module))
    return found


def require_built(model: Module) -> None:
    if not isinstance(model, Module):
        raise ConfigError(f"expected a glassnet model (gn.Module), got {type(model).__name__}")
    if not model.parameters():
        raise ConfigError(
            f"{type(model).__name__} '{model.name}' has no weights yet; train it (fit) or "
            "call it once on data before drawing it"
        )
