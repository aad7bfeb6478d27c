"""Images too large to load: refused with a DataError naming the file, before decoding.

A PNG header can declare 16000 x 16000 pixels in a file of a few bytes; decoding it
would take gigabytes. The files here are tiny images whose header is rewritten to
declare a huge size, so the tests themselves allocate nothing.
"""

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from glassnet.data import images as images_module
from glassnet.data.images import load_image_folder
from glassnet.errors import DataError


def png_declaring(width: int, height: int) -> bytes:
    """A valid tiny PNG whose header (IHDR) claims ``width`` x ``height`` pixels."""
    buffer = io.BytesIO()
    Image.new("L", (1, 1)).save(buffer, "PNG")
    raw = bytearray(buffer.getvalue())
    start = 8 + 8  # signature, then the IHDR chunk's length and type
    raw[start : start + 8] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(raw[12 : start + 13]))
    raw[start + 13 : start + 17] = struct.pack(">I", crc)
    return bytes(raw)


def folder_with(tmp_path, content: bytes):
    root = tmp_path / "pets"
    (root / "cat").mkdir(parents=True)
    (root / "dog").mkdir()
    Image.new("RGB", (4, 4)).save(root / "dog" / "small.png")
    bomb = root / "cat" / "bomb.png"
    bomb.write_bytes(content)
    return root, bomb


@pytest.mark.parametrize(
    ("width", "height"),
    [(16000, 16000), (9000, 9000)],  # above Pillow's own bomb limit; between ours and Pillow's
)
def test_an_image_with_too_many_pixels_is_refused_naming_file_and_pixels(tmp_path, width, height):
    root, bomb = folder_with(tmp_path, png_declaring(width, height))
    assert bomb.stat().st_size < 100
    with pytest.raises(DataError) as caught:
        load_image_folder(root)
    message = str(caught.value)
    assert str(bomb) in message
    assert f"{width}x{height} = {width * height} pixels" in message or "too large" in message
    assert str(images_module.MAX_PIXELS) in message


def test_the_pixel_count_is_checked_before_pillow_decodes(tmp_path, monkeypatch):
    root, _bomb = folder_with(tmp_path, png_declaring(400, 300))
    monkeypatch.setattr(images_module, "MAX_PIXELS", 400 * 300 - 1)
    with pytest.raises(DataError, match="400x300 = 120000 pixels"):
        load_image_folder(root)
    monkeypatch.setattr(images_module, "MAX_PIXELS", 400 * 300)
    # At the limit it is decoded (and fails: the declared size has no pixel data).
    with pytest.raises(DataError, match="cannot read image"):
        load_image_folder(root)


def test_images_at_the_limit_still_load(tmp_path):
    root = tmp_path / "pets"
    for name in ("a", "b"):
        (root / name).mkdir(parents=True)
        Image.new("RGB", (64, 32)).save(root / name / "1.png")
    loaded = load_image_folder(root)
    assert loaded.x.shape == (2, 3, 32, 64) and loaded.x.dtype == np.float32
