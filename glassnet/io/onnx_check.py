"""Compare an exported ONNX file with glassnet itself on random inputs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from glassnet.data import scaler_from_state
from glassnet.nn.module import Module


def compare_with_glassnet(
    model: Module, path: str | Path, sample_shape: list[int], onnxruntime: Any, samples: int = 16
) -> tuple[float, float]:
    """The largest |onnx − glassnet| over ``samples`` random inputs (scalers applied),
    and that difference relative to the largest |glassnet output|."""
    rng = np.random.default_rng(0)
    preprocessing = getattr(model, "preprocessing", {}) or {}
    x = rng.normal(size=(samples, *sample_shape)).astype(np.float32)
    if "scaler" in preprocessing:
        # Raw inputs in the data's own range: the inverse scaling of standard normals.
        x = scaler_from_state(preprocessing["scaler"]).inverse_transform(x).astype(np.float32)
    expected = model.predict(
        scaler_from_state(preprocessing["scaler"]).transform(x) if "scaler" in preprocessing else x
    )
    if "target_scaler" in preprocessing:
        expected = scaler_from_state(preprocessing["target_scaler"]).inverse_transform(expected)
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = session.run(None, {"input": x})[0]
    difference = float(np.abs(got - expected.reshape(got.shape)).max())
    return difference, difference / max(float(np.abs(expected).max()), 1e-30)
