"""Saving, loading and ONNX export of a model whose weights live on a device.

The file of a device model is the file of the same model on the CPU: its arrays are
brought to the host on the way out, and a loaded model can be moved (or built) anywhere.
"""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet import backend
from tests.train._models import assert_same_state

onnx = pytest.importorskip("onnx")


def _data() -> tuple[np.ndarray, np.ndarray]:
    x = np.random.default_rng(0).normal(size=(24, 3))
    return x, (x[:, 0] + x[:, 1] > 0).astype(np.int64)


def _model(device: str) -> gn.Sequential:
    model = gn.Sequential(
        [
            gn.Dense(4, "relu", rng=0, name="hidden"),
            gn.BatchNorm(name="norm"),
            gn.Dense(2, rng=1, name="out"),
        ],
        name="net",
    ).to(device)
    model.compile("adam", "categorical_crossentropy", ["accuracy"], lr=0.05)
    x, y = _data()
    model.fit(x, y, epochs=2, batch_size=8, rng=0, verbose=0)
    return model


def test_save_and_load_round_trip_of_a_device_model(device, tmp_path):
    model, cpu = _model(device), _model("cpu")
    model.save(tmp_path / "device.safetensors")
    cpu.save(tmp_path / "cpu.safetensors")
    restored = gn.load(tmp_path / "device.safetensors")
    x, _ = _data()
    np.testing.assert_allclose(restored.predict(x), model.predict(x), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(restored.predict(x), cpu.predict(x), rtol=1e-5, atol=1e-6)
    assert_same_state(restored.state_dict(), model.state_dict())
    saved, expected = (
        restored.training_config.optimizer.state_dict()[1],
        (gn.load(tmp_path / "cpu.safetensors").training_config.optimizer.state_dict()[1]),
    )
    assert saved.keys() == expected.keys()
    for key, values in expected.items():
        np.testing.assert_allclose(saved[key], values, rtol=1e-4, atol=1e-6, err_msg=key)


def test_a_loaded_model_goes_to_the_device_and_predicts_the_same(device, tmp_path):
    _model("cpu").save(tmp_path / "model.safetensors")
    x, y = _data()
    on_cpu = gn.load(tmp_path / "model.safetensors")
    moved = gn.load(tmp_path / "model.safetensors").to(device)
    with backend.using_device(device):
        built_there = gn.load(tmp_path / "model.safetensors")
    name = backend.get_device_object(device).name
    for model in (moved, built_there):
        assert model.device == name
        np.testing.assert_allclose(model.predict(x), on_cpu.predict(x), rtol=1e-6, atol=1e-7)
    # Training goes on where the model is, from the saved optimizer state.
    for model in (on_cpu, built_there):
        model.fit(x, y, epochs=1, batch_size=8, rng=1, verbose=0)
    np.testing.assert_allclose(built_there.predict(x), on_cpu.predict(x), rtol=1e-5, atol=1e-6)


def _initializers(model: gn.Module) -> dict[str, np.ndarray]:
    proto = model.export_onnx()
    return {tensor.name: onnx.numpy_helper.to_array(tensor) for tensor in proto.graph.initializer}


def _assert_same_export(on_device: gn.Module, on_cpu: gn.Module) -> None:
    exported, expected = _initializers(on_device), _initializers(on_cpu)
    assert exported.keys() == expected.keys()
    for key, values in expected.items():
        np.testing.assert_allclose(exported[key], values, rtol=1e-5, atol=1e-6, err_msg=key)
    nodes = [(n.op_type, n.name) for n in on_device.export_onnx().graph.node]
    assert nodes == [(n.op_type, n.name) for n in on_cpu.export_onnx().graph.node]


def test_onnx_export_of_a_device_model_equals_the_cpu_export(device):
    _assert_same_export(_model(device), _model("cpu"))


@pytest.mark.parametrize("layer", [gn.LSTM, gn.GRU])
def test_onnx_export_of_a_device_recurrent_model(layer, device):
    def model(where: str) -> gn.Sequential:
        net = gn.Sequential([layer(3, rng=0, name="rnn"), gn.Dense(1, rng=1, name="out")])
        net.to(where)(np.random.default_rng(2).normal(size=(2, 4, 2)))
        return net

    _assert_same_export(model(device), model("cpu"))


def test_onnx_export_of_a_device_conv_model(device):
    def model(where: str) -> gn.Sequential:
        net = gn.Sequential(
            [
                gn.Conv2D(2, 3, rng=0, name="conv"),
                gn.Flatten(name="flat"),
                gn.Dense(1, rng=1, name="out"),
            ]
        )
        net.to(where)(np.zeros((1, 1, 5, 5)))
        return net

    _assert_same_export(model(device), model("cpu"))
