"""``glassnet train --device`` and ``--precision``."""

from __future__ import annotations

import pytest

import glassnet as gn
from glassnet.backend import devices
from glassnet.cli import main
from tests.cli.conftest import assert_user_error


@pytest.mark.skipif(devices.unavailable_reason("gpu") is None, reason="this machine has a GPU")
def test_asking_for_a_missing_gpu_is_a_user_error_before_any_work(glassnet, tmp_path):
    result = glassnet("train", "iris", "--device", "gpu", "--out", tmp_path / "run")
    assert_user_error(result, "device 'gpu' is not available: ")
    assert not (tmp_path / "run").exists()


def test_mixed_precision_trains_and_is_saved_with_the_model(glassnet, tmp_path):
    out = tmp_path / "run"
    result = glassnet(
        "train", "iris", "--precision", "mixed_float16", "--epochs", "30", "--quiet", "--out", out
    )
    assert result.code == 0, result.text
    model = gn.load(out / "model.safetensors")
    assert model.training_config.precision == "mixed_float16"
    assert all(p.dtype == "float32" for p in model.parameters())


def test_an_unknown_precision_is_refused(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["train", "iris", "--precision", "bfloat16"])
    assert stopped.value.code == 2
    assert "invalid choice: 'bfloat16'" in capsys.readouterr().err
