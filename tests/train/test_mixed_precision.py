"""``compile(precision="mixed_float16")``: float16 products, float32 weights and loss,
dynamic loss scaling, on every available device."""

import numpy as np
import pytest

import glassnet as gn
from glassnet import backend
from tests.train.test_checkpointing import Crash, CrashAt


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(96, 6))
    y = (x[:, 0] - x[:, 1] > 0).astype(int)
    return x, y


def _train(precision, device="cpu", **options):
    x, y = _data()
    model = gn.Sequential([gn.Dense(16, "relu", rng=0), gn.Dense(2, rng=1)]).to(device)
    model.compile(
        "adam",
        gn.CategoricalCrossEntropy(from_logits=True),
        metrics=["accuracy"],
        precision=precision,
        lr=0.02,
    )
    history = model.fit(x, y, epochs=4, batch_size=32, rng=2, verbose=0, **options)
    return model, history


def test_mixed_precision_trains_like_float32_with_float32_weights(device):
    model, history = _train("mixed_float16", device)
    reference, reference_history = _train("float32")
    np.testing.assert_allclose(
        history.history["loss"], reference_history.history["loss"], rtol=2e-2
    )
    assert history.history["accuracy"][-1] == pytest.approx(
        reference_history.history["accuracy"][-1], abs=0.03
    )
    assert all(p.dtype == np.float32 for p in model.parameters())
    assert model.device == backend.get_device_object(device).name
    x, _ = _data()
    predictions = model.predict(x)
    assert predictions.dtype == np.float32
    np.testing.assert_allclose(predictions, reference.predict(x), atol=0.05)
    assert model.training_config.loss_scaler.skipped_steps == 0


def test_a_resumed_mixed_precision_run_keeps_its_loss_scale(tmp_path):
    path = tmp_path / "run.safetensors"
    with pytest.raises(Crash):
        _train("mixed_float16", checkpoint=path, callbacks=[CrashAt(5)])
    x, y = _data()
    model = gn.Sequential([gn.Dense(16, "relu", rng=0), gn.Dense(2, rng=1)])
    model.compile(
        "adam",
        gn.CategoricalCrossEntropy(from_logits=True),
        metrics=["accuracy"],
        precision="mixed_float16",
        lr=0.02,
    )
    model.training_config.loss_scaler.scale_value = 1.0  # the checkpoint must restore it
    model.fit(x, y, epochs=4, batch_size=32, rng=2, verbose=0, checkpoint=path, resume=True)
    straight, _ = _train("mixed_float16")
    assert model.training_config.loss_scaler.state_dict() == (
        straight.training_config.loss_scaler.state_dict()
    )
    for key, value in straight.state_dict().items():
        np.testing.assert_array_equal(model.state_dict()[key], value)


def test_a_saved_mixed_precision_model_loads_with_its_precision(tmp_path):
    model, _ = _train("mixed_float16")
    model.save(tmp_path / "model.safetensors")
    loaded = gn.load(tmp_path / "model.safetensors")
    assert loaded.training_config.precision == "mixed_float16"
    x, _ = _data()
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    float32_model, _ = _train("float32")
    float32_model.save(tmp_path / "plain.safetensors")
    assert gn.load(tmp_path / "plain.safetensors").training_config.precision == "float32"
