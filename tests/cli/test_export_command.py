"""``glassnet export MODEL --format onnx``."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.cli import main

ort = pytest.importorskip("onnxruntime")


def test_export_a_trained_run_with_its_scaler(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", "iris", "--out", str(out), "--epochs", "5", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["export", str(out / "model.safetensors"), "--format", "onnx"]) == 0
    text = capsys.readouterr().out
    assert f"wrote {out / 'model.onnx'}: input 'input' (N, 4) -> output (N, 3)" in text
    assert "Cast -> Sub -> Div -> Cast -> Gemm" in text
    difference = float(text.split("agrees with glassnet within ")[1].split()[0])
    assert difference < 1e-5
    session = ort.InferenceSession(str(out / "model.onnx"), providers=["CPUExecutionProvider"])
    raw = np.array([[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]], dtype=np.float32)
    assert session.run(None, {"input": raw})[0].argmax(axis=1).tolist() == [0, 2]


def test_export_mistakes_exit_2(tmp_path, capsys):
    assert main(["export", str(tmp_path / "missing.safetensors")]) == 2
    assert main(["export", str(tmp_path / "m.safetensors"), "--format", "tflite"]) == 2
    assert "--format must be one of onnx" in capsys.readouterr().err
