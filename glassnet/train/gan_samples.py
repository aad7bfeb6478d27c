"""``save_grid``: generated images tiled into one PNG, written atomically.

Example:
    >>> import numpy as np, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "grid.png"
    >>> save_grid(np.zeros((4, 64)), path, value_range=(0.0, 1.0))
    >>> path.exists()
    True
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import numpy as np

from glassnet import backend
from glassnet.errors import ConfigError, ShapeError
from glassnet.io.atomic import write_atomic


def as_image_batch(images: Any) -> np.ndarray:
    """(N, H, W) from (N, 1, H, W), (N, H, W) or flat square (N, H*W) arrays (any device)."""
    array = np.asarray(backend.to_numpy(images), dtype=np.float64)
    if array.ndim == 4 and array.shape[1] == 1:
        return array[:, 0]
    if array.ndim == 3:
        return array
    if array.ndim == 2:
        side = math.isqrt(array.shape[1])
        if side * side == array.shape[1] and side > 0:
            return array.reshape(len(array), side, side)
    raise ShapeError(
        "save_grid expects grayscale images of shape (N, 1, H, W), (N, H, W) or flat "
        f"square ones (N, H*W), got shape {array.shape}"
    )


def grid_array(
    images: Any,
    value_range: tuple[float, float] = (-1.0, 1.0),
    columns: int | None = None,
    scale: int = 4,
    padding: int = 1,
) -> np.ndarray:
    """The tiled uint8 picture (rows, cols) that ``save_grid`` writes."""
    batch = as_image_batch(images)
    if len(batch) == 0:
        raise ShapeError("save_grid needs at least one image, got 0")
    low, high = value_range
    if not high > low:
        raise ConfigError(f"value_range must be (low, high) with high > low, got {value_range}")
    if not isinstance(scale, int) or scale < 1:
        raise ConfigError(f"scale must be a positive integer, got {scale!r}")
    count, height, width = batch.shape
    columns = columns or math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    pixels = np.clip((batch - low) / (high - low), 0.0, 1.0)
    cell_h, cell_w = height + padding, width + padding
    # Padding is mid-grey so black backgrounds of neighbouring digits stay apart.
    canvas = np.full((rows * cell_h + padding, columns * cell_w + padding), 0.5)
    for index, image in enumerate(pixels):
        top = padding + (index // columns) * cell_h
        left = padding + (index % columns) * cell_w
        canvas[top : top + height, left : left + width] = image
    canvas = np.kron(canvas, np.ones((scale, scale)))  # nearest-neighbour enlargement
    return np.round(canvas * 255).astype(np.uint8)


def save_grid(
    images: Any,
    path: str | Path,
    value_range: tuple[float, float] = (-1.0, 1.0),
    columns: int | None = None,
    scale: int = 4,
) -> None:
    """Tile grayscale images into one PNG at ``path`` (atomically, folders created).

    Args:
        images: (N, 1, H, W), (N, H, W) or (N, H*W) with H == W.
        path: the PNG file to write.
        value_range: the values shown as black and white (a tanh output: (-1, 1)).
        columns: images per row (default: a square-ish grid).
        scale: each pixel becomes a scale × scale block.
    """
    from PIL import Image

    picture = Image.fromarray(
        grid_array(images, value_range, columns, scale)
    )  # 2-D uint8: 8-bit grey
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    write_atomic(path, buffer.getvalue())
