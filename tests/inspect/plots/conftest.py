"""Small trained models shared by the picture tests (trained once per session, fast)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import glassnet as gn

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def assert_picture(path: Path) -> None:
    """``path`` exists and is a valid PNG or SVG file, chosen by its extension."""
    data = path.read_bytes()
    if path.suffix == ".png":
        assert data.startswith(PNG_MAGIC), data[:16]
        assert b"IEND" in data[-16:]
    else:
        root = ET.fromstring(data)
        assert root.tag.endswith("svg"), root.tag


@pytest.fixture(scope="session")
def quadrants():
    """(model, history, x, y): a 2-input classifier of the signs' product, trained briefly."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 2))
    y = (x[:, 0] * x[:, 1] > 0).astype(np.int64)
    gn.seed(0)
    model = gn.Sequential(
        [gn.Dense(8, activation="tanh"), gn.Dense(6, activation="relu"), gn.Dense(2)]
    ).compile("adam", "categorical_crossentropy", ["accuracy"], lr=0.03)
    history = model.fit(x, y, epochs=15, batch_size=32, validation_split=0.2, verbose=0)
    return model, history, x, y


@pytest.fixture(scope="session")
def tiny_cnn():
    """(model, images): a small CNN on 8×8 digits, trained for one epoch."""
    digits = gn.data.load("digits")
    images = digits.images(digits.x[:64])
    gn.seed(0)
    model = gn.Sequential(
        [gn.Conv2D(4, 3, activation="relu", name="conv1"), gn.Flatten(), gn.Dense(10)]
    ).compile("adam", "categorical_crossentropy")
    model.fit(images, digits.y[:64], epochs=1, verbose=0)
    return model, images
