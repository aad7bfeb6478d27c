"""Load a folder of images, one sub-folder per class, into (N, C, H, W) arrays.

Layout (as torchvision's ``ImageFolder`` and Keras' ``image_dataset_from_directory``)::

    pets/
        cat/  001.png  002.png ...
        dog/  001.jpg ...

Class ids follow the sorted sub-folder names (``cat`` → 0, ``dog`` → 1). Files
are read with Pillow and converted to RGB (3 channels; an alpha channel is
dropped) or, with ``grayscale=True``, to one luminance channel. Hidden files and
files without an image extension (``README.txt``, ``Thumbs.db``) are skipped.

Example:
    >>> import pathlib, tempfile
    >>> from PIL import Image
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("a", "b"):
    ...     (root / name).mkdir()
    ...     Image.new("RGB", (4, 2), "white").save(root / name / "1.png")
    >>> images = load_image_folder(root)
    >>> images.x.shape, images.y.tolist(), images.class_names
    ((2, 3, 2, 4), [0, 1], ['a', 'b'])
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from glassnet.backend.memory import check_allocation, format_bytes
from glassnet.errors import ConfigError, DataError

# The most pixels one image may have: 8192 x 8192 (256 MiB as float32 RGB). A larger
# file is most likely a decompression bomb (a few KB that decode to gigabytes).
MAX_PIXELS = 2**26
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm", ".pgm")


@dataclasses.dataclass
class ImageFolder:
    """Images loaded from a class-per-folder directory.

    Attributes:
        x: float32 pixels in [0, 1], shape (N, C, H, W); C is 3 (RGB) or 1 (grayscale).
        y: int64 class ids, shape (N,).
        class_names: sub-folder names; class id *i* is ``class_names[i]``.
        paths: the file of each sample, in the order of ``x``.
    """

    x: np.ndarray
    y: np.ndarray
    class_names: list[str]
    paths: list[Path]


def _image_size(size: int | tuple[int, int] | None) -> tuple[int, int] | None:
    """``size`` as (height, width), or None."""
    if size is None:
        return None
    if isinstance(size, int) and not isinstance(size, bool):
        size = (size, size)
    if (
        not isinstance(size, (tuple, list))
        or len(size) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in size)
    ):
        raise ConfigError(f"size must be a positive int or (height, width), got {size!r}")
    return int(size[0]), int(size[1])


def _is_image_file(path: Path) -> bool:
    return (
        path.is_file() and not path.name.startswith(".") and path.suffix.lower() in IMAGE_SUFFIXES
    )


def _class_folders(root: Path) -> list[Path]:
    if not root.exists():
        raise DataError(f"image folder not found: '{root}'; check the path")
    if not root.is_dir():
        raise DataError(
            f"'{root}' is a file, not a folder; give a folder with one sub-folder per class"
        )
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not folders:
        loose = [p for p in root.iterdir() if _is_image_file(p)]
        found = f"found {len(loose)} image(s) directly in it" if loose else "it is empty"
        raise DataError(
            f"'{root}' has no class sub-folders ({found}); put the images of each class in "
            "their own sub-folder, e.g. cat/ and dog/"
        )
    return folders


def _read(path: Path, mode: str, size: tuple[int, int] | None) -> np.ndarray:
    """One image as a (H, W, C) uint8 array; refuses one above MAX_PIXELS before decoding it."""
    try:
        with warnings.catch_warnings():
            # Pillow warns above its own limit and raises above twice that; the size is
            # checked below against ours, with a message naming the file.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            opened = Image.open(path)
    except Image.DecompressionBombError as exc:
        raise DataError(
            f"image '{path}' is too large to load ({exc}); glassnet reads images of at most "
            f"{MAX_PIXELS} pixels: shrink or remove it"
        ) from None
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise DataError(f"cannot read image '{path}' ({exc}); remove or replace the file") from exc
    with opened as image:
        width, height = image.size  # from the header: nothing is decoded yet
        if width * height > MAX_PIXELS:
            raise DataError(
                f"image '{path}' is {width}x{height} = {width * height} pixels, more than the "
                f"{MAX_PIXELS} glassnet reads (decoded it would take "
                f"{format_bytes(width * height * len(mode))}); shrink or remove it"
            )
        return _decode(image, path, mode, size)


def _decode(image: Image.Image, path: Path, mode: str, size: tuple[int, int] | None) -> np.ndarray:
    """The opened ``image`` decoded as a (H, W, C) uint8 array."""
    try:
        image = image.convert(mode)
        if size is not None:
            # Pillow sizes are (width, height); ours are (height, width).
            image = image.resize((size[1], size[0]), Image.Resampling.BILINEAR)
        pixels = np.asarray(image, dtype=np.uint8)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise DataError(f"cannot read image '{path}' ({exc}); remove or replace the file") from exc
    return pixels[:, :, None] if pixels.ndim == 2 else pixels


def load_image_folder(
    path: str | os.PathLike,
    size: int | tuple[int, int] | None = None,
    grayscale: bool = False,
) -> ImageFolder:
    """Read every image under ``path``'s class sub-folders.

    Args:
        path: the folder holding one sub-folder per class.
        size: resize every image to ``(height, width)`` (an int means square);
            None keeps the sizes, which must then all be equal.
        grayscale: one luminance channel instead of RGB.

    Returns:
        An :class:`ImageFolder` with ``x`` (N, C, H, W) float32 in [0, 1], ``y``,
        ``class_names`` and ``paths``.

    Raises:
        DataError: the folder is missing, has no class sub-folders, a class folder
            has no images, an image cannot be read, or sizes differ without ``size=``.
    """
    root = Path(path)
    target_size = _image_size(size)
    mode = "L" if grayscale else "RGB"
    class_names: list[str] = []
    arrays: list[np.ndarray] = []
    labels: list[int] = []
    paths: list[Path] = []
    for class_id, folder in enumerate(_class_folders(root)):
        files = sorted(p for p in folder.iterdir() if _is_image_file(p))
        if not files:
            raise DataError(
                f"class folder '{folder}' contains no images ({', '.join(IMAGE_SUFFIXES)}); "
                "add images or remove the folder"
            )
        class_names.append(folder.name)
        for file in files:
            pixels = _read(file, mode, target_size)
            if arrays and pixels.shape != arrays[0].shape:
                first = arrays[0].shape
                raise DataError(
                    f"images in '{root}' have different sizes: '{paths[0]}' is "
                    f"{first[1]}x{first[0]} (width x height) but '{file}' is "
                    f"{pixels.shape[1]}x{pixels.shape[0]}; pass size=(height, width) to resize all"
                )
            arrays.append(pixels)
            labels.append(class_id)
            paths.append(file)
    # (N, H, W, C) uint8 → (N, C, H, W) float32 in [0, 1], channels first as conv layers expect.
    height, width, channels = arrays[0].shape
    check_allocation((len(arrays), channels, height, width), np.float32, f"the images of '{root}'")
    x = np.stack(arrays).transpose(0, 3, 1, 2).astype(np.float32) / np.float32(255.0)
    return ImageFolder(
        x=np.ascontiguousarray(x),
        y=np.asarray(labels, dtype=np.int64),
        class_names=class_names,
        paths=paths,
    )
