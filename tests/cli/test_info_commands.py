"""Tests for glassnet/cli/info_commands.py: ``glassnet summary`` and ``glassnet datasets``."""

from __future__ import annotations

import re

from glassnet import data
from tests.cli.conftest import ANIMALS, assert_user_error


def test_datasets_lists_every_bundled_set(glassnet):
    result = glassnet("datasets")
    assert result.code == 0 and result.err == ""
    lines = result.out.splitlines()
    assert [line.split()[0] for line in lines] == data.names()
    listed = dict(zip(data.names(), lines, strict=True))
    assert "1797 samples ×  64 features  10 classes" in listed["digits"]
    assert "442 samples ×  10 features  regression" in listed["diabetes"]
    assert "150 samples ×   4 features  3 classes" in listed["iris"]


def test_summary_shows_layers_shapes_parameters_and_classes(glassnet, animals_model):
    model, _ = animals_model
    result = glassnet("summary", model)
    assert result.code == 0, result.text
    # 5 inputs (weight, height, colour one-hot ×3) → 256 → 3 classes. Layer names get a
    # number (dense_3) when other models were built before in the same process.
    layers = [
        (r"dense(_\d+)? \(Dense\)", r"\(None, 256\)", "1,536"),
        (r"dropout(_\d+)? \(Dropout\)", r"\(None, 256\)", "0"),
        (r"output \(Dense\)", r"\(None, 3\)", "771"),
    ]
    for layer, shape, count in layers:
        assert re.search(rf"^{layer} +{shape} +{count}$", result.out, re.MULTILINE), layer
    for expected in (
        "Total parameters: 2,307",
        "task: classification",
        f"classes: {', '.join(ANIMALS)}",
        "trained 150 epochs",
        "optimizer: Adam(",
        "loss: CategoricalCrossEntropy",
    ):
        assert expected in result.out, expected


def test_summary_of_a_regression_model(glassnet, prices_model):
    model, _ = prices_model
    result = glassnet("summary", model)
    assert result.code == 0, result.text
    assert re.search(r"^output \(Dense\) +\(None, 1\) +257$", result.out, re.MULTILINE)
    assert "task: regression" in result.out and "classes:" not in result.out
    assert "loss: MSE" in result.out


def test_summary_of_a_folder_points_at_the_file_inside(glassnet, animals_model):
    model, _ = animals_model
    assert_user_error(glassnet("summary", model.parent), "model.safetensors")
