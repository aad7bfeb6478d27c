"""``glassnet train IMAGES/``: a folder with one sub-folder per class, end to end."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from PIL import Image


def write_halves(root, per_class: int = 12, seed: int = 0) -> None:
    """8 × 8 grey noise images whose top or bottom half is bright."""
    rng = np.random.default_rng(seed)
    for name, rows in (("top", slice(0, 4)), ("bottom", slice(4, 8))):
        folder = root / name
        folder.mkdir(parents=True)
        for index in range(per_class):
            pixels = rng.uniform(0, 120, size=(8, 8))
            pixels[rows] += 120
            Image.fromarray(pixels.astype(np.uint8), mode="L").save(folder / f"{index}.png")


def test_an_image_folder_trains_evaluates_and_predicts(glassnet, tmp_path):
    images = tmp_path / "halves"
    write_halves(images)
    out = tmp_path / "run"

    trained = glassnet("train", images, "--out", out, "--quiet")
    assert trained.code == 0, trained.text
    summary = json.loads((out / "metrics.json").read_text())
    assert summary["test"]["accuracy"] == 1.0  # the halves are easy to tell apart
    assert "top" in trained.out and "bottom" in trained.out

    evaluated = glassnet("evaluate", out / "model.safetensors", images)
    assert evaluated.code == 0, evaluated.text
    assert "accuracy   1.0000" in evaluated.out

    predicted = glassnet("predict", out / "model.safetensors", images, "--out", tmp_path / "p.csv")
    assert predicted.code == 0, predicted.text
    frame = pd.read_csv(tmp_path / "p.csv")
    assert len(frame) == 24
    assert set(frame["prediction"]) == {"top", "bottom"}
    np.testing.assert_allclose(frame[["p(bottom)", "p(top)"]].sum(axis=1), 1, atol=1e-5)
