"""Tests for glassnet/data/images.py."""

import numpy as np
import pytest
from PIL import Image

from glassnet.data.images import load_image_folder
from glassnet.errors import ConfigError, DataError


def save(path, size=(4, 3), color=(255, 0, 0), mode="RGB"):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new(mode, size, color).save(path)


@pytest.fixture
def pets(tmp_path):
    root = tmp_path / "pets"
    save(root / "dog" / "b.png", color=(0, 255, 0))
    save(root / "dog" / "a.jpg", color=(0, 0, 255))
    save(root / "cat" / "1.png", color=(255, 0, 0))
    (root / "cat" / "notes.txt").write_text("not an image, skipped")
    (root / ".hidden").mkdir()  # hidden folders are not classes
    return root


def test_loads_classes_in_sorted_order_as_nchw_float32(pets):
    images = load_image_folder(pets)
    assert images.class_names == ["cat", "dog"]
    assert images.y.tolist() == [0, 1, 1] and images.y.dtype == np.int64
    assert images.x.shape == (3, 3, 3, 4) and images.x.dtype == np.float32
    assert images.x.min() >= 0.0 and images.x.max() <= 1.0
    np.testing.assert_allclose(images.x[0, :, 0, 0], [1.0, 0.0, 0.0])  # red cat
    np.testing.assert_allclose(images.x[2, :, 0, 0], [0.0, 1.0, 0.0])  # green dog b.png
    assert [p.name for p in images.paths] == ["1.png", "a.jpg", "b.png"]


def test_grayscale_and_resize(pets, tmp_path):
    images = load_image_folder(pets, size=(5, 6), grayscale=True)
    assert images.x.shape == (3, 1, 5, 6)  # size is (height, width)
    assert load_image_folder(pets, size=2).x.shape == (3, 3, 2, 2)
    save(tmp_path / "white" / "only" / "x.png", color=(255, 255, 255))
    white = load_image_folder(tmp_path / "white", grayscale=True)
    np.testing.assert_allclose(white.x, 1.0)


def test_rgba_and_palette_images_become_rgb(tmp_path):
    save(tmp_path / "a" / "rgba.png", color=(10, 20, 30, 0), mode="RGBA")
    save(tmp_path / "a" / "gray.png", color=128, mode="L")
    images = load_image_folder(tmp_path)
    assert images.x.shape == (2, 3, 3, 4)
    np.testing.assert_allclose(images.x[0, :, 0, 0], 128 / 255, rtol=1e-6)


def test_mixed_sizes_need_size(tmp_path):
    save(tmp_path / "a" / "small.png", size=(4, 3))
    save(tmp_path / "b" / "big.png", size=(8, 6))
    with pytest.raises(DataError) as info:
        load_image_folder(tmp_path)
    message = str(info.value)
    assert "small.png" in message and "4x3" in message
    assert "big.png" in message and "8x6" in message and "size=" in message
    assert load_image_folder(tmp_path, size=(3, 4)).x.shape == (2, 3, 3, 4)


def test_unreadable_image_names_the_file(tmp_path):
    save(tmp_path / "a" / "good.png")
    (tmp_path / "a" / "broken.png").write_bytes(b"definitely not a png")
    with pytest.raises(DataError, match=r"broken\.png"):
        load_image_folder(tmp_path)


def test_empty_and_missing_folders(tmp_path):
    with pytest.raises(DataError, match="empty"):
        load_image_folder(tmp_path)
    save(tmp_path / "loose.png")
    with pytest.raises(DataError, match=r"no class sub-folders \(found 1 image"):
        load_image_folder(tmp_path)
    (tmp_path / "cat").mkdir()
    with pytest.raises(DataError, match=r"cat.*contains no images"):
        load_image_folder(tmp_path)
    with pytest.raises(DataError, match="not found"):
        load_image_folder(tmp_path / "nowhere")
    with pytest.raises(DataError, match="is a file"):
        load_image_folder(tmp_path / "loose.png")
    with pytest.raises(ConfigError, match="size"):
        load_image_folder(tmp_path, size=(0, 3))
