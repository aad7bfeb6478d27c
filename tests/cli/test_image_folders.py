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


def test_a_cnn_trains_on_an_image_folder_with_augmentation(glassnet, tmp_path):
    images = tmp_path / "halves"
    write_halves(images)
    out = tmp_path / "cnn"
    trained = glassnet(
        "train", images, "--model", "cnn", "--augment", "shift,flip", "--epochs", "40", "--out", out
    )
    assert trained.code == 0, trained.text
    assert "Conv2D" in trained.out and "RandomShift" in trained.out and "RandomFlip" in trained.out
    assert json.loads((out / "metrics.json").read_text())["test"]["accuracy"] == 1.0
    evaluated = glassnet("evaluate", out / "model.safetensors", images)
    assert "accuracy   1.0000" in evaluated.out


def test_cnn_on_digits_reads_them_as_one_channel_8x8_images(glassnet, tmp_path):
    out = tmp_path / "digits"
    trained = glassnet(
        "train", "digits", "--model", "cnn", "--epochs", "3", "--quiet", "--out", out
    )
    assert trained.code == 0, trained.text
    assert json.loads((out / "metrics.json").read_text())["test"]["accuracy"] > 0.9
    evaluated = glassnet("evaluate", out / "model.safetensors", "digits")
    assert evaluated.code == 0, evaluated.text
    summary = glassnet("summary", out / "model.safetensors")
    assert "(None, 32, 8, 8)" in summary.out  # conv1 on 1 × 8 × 8 inputs


def test_cnn_and_augment_refuse_tables(glassnet, tmp_path):
    for argv in (("--model", "cnn"), ("--augment", "shift")):
        result = glassnet("train", "iris", *argv, "--out", tmp_path / "x")
        assert result.code == 2
        assert "images" in result.err and "Traceback" not in result.text


def test_grayscale_reads_an_image_folder_as_one_channel(glassnet, tmp_path):
    images = tmp_path / "halves"
    write_halves(images)
    out = tmp_path / "gray"
    trained = glassnet(
        "train", images, "--model", "cnn", "--grayscale", "--epochs", "5", "--out", out
    )
    assert trained.code == 0, trained.text
    assert "(None, 32, 8, 8)" in trained.out
    assert "320" in trained.out  # conv1: 32 filters × 1 channel × 3 × 3 + 32 biases
    evaluated = glassnet("evaluate", out / "model.safetensors", images)
    assert evaluated.code == 0, evaluated.text
