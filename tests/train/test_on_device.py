"""Training on every available device: ``fit``, ``evaluate``, ``predict``, the divergence
guard and checkpoints give the CPU's results, with the data kept on the host and each
batch moved to the model's device."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet import backend
from glassnet.train.fit import TrainingDiverged
from tests.train.test_checkpointing import Crash, CrashAt


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(48, 5))
    y = (x[:, 0] + x[:, 1] > 0).astype(int) + (x[:, 2] > 1).astype(int)
    return x, y


def _model(device: str) -> gn.Sequential:
    model = gn.Sequential(
        [gn.Dense(8, "relu", rng=0), gn.Dropout(0.2, rng=1), gn.Dense(3, "softmax", rng=2)]
    ).to(device)
    model.compile("adam", "categorical_crossentropy", metrics=["accuracy"], lr=0.05)
    return model


def _fit(device: str, **options):
    x, y = _data()
    model = _model(device)
    history = model.fit(
        x, y, epochs=3, batch_size=16, validation_split=0.25, rng=3, verbose=0, **options
    )
    return model, history


def test_fit_evaluate_predict_match_the_cpu(device):
    model, history = _fit(device)
    cpu_model, cpu_history = _fit("cpu")
    for key, values in cpu_history.history.items():
        np.testing.assert_allclose(history.history[key], values, rtol=1e-5, err_msg=key)
    x, y = _data()
    np.testing.assert_allclose(model.predict(x), cpu_model.predict(x), rtol=1e-5, atol=1e-7)
    assert isinstance(model.predict(x), np.ndarray)
    assert model.evaluate(x, y) == pytest.approx(cpu_model.evaluate(x, y), rel=1e-5)
    assert model.device == backend.get_device_object(device).name


def test_current_device_places_a_new_model_without_to(device):
    x, y = _data()
    with backend.using_device(device):
        model = gn.Sequential([gn.Dense(4, "tanh", rng=0), gn.Dense(3, rng=1)])
        model.compile("sgd", gn.CategoricalCrossEntropy(from_logits=True))
        model.fit(x, y, epochs=1, batch_size=16, rng=0, verbose=0)
    assert model.device == backend.get_device_object(device).name
    assert model.predict(x).shape == (48, 3)


def test_a_run_resumed_on_the_device_ends_like_an_uninterrupted_cpu_run(device, tmp_path):
    path = tmp_path / "run.safetensors"
    with pytest.raises(Crash):
        _fit(device, checkpoint=path, callbacks=[CrashAt(4)])
    x, y = _data()
    resumed = _model(device)
    history = resumed.fit(
        x,
        y,
        epochs=3,
        batch_size=16,
        validation_split=0.25,
        rng=3,
        verbose=0,
        checkpoint=path,
        resume=True,
    )
    straight, straight_history = _fit("cpu")
    assert resumed.device == backend.get_device_object(device).name
    np.testing.assert_allclose(history.history["loss"], straight_history.history["loss"], rtol=1e-5)
    for key, value in straight.state_dict().items():
        np.testing.assert_allclose(resumed.state_dict()[key], value, rtol=1e-5, atol=1e-6)


def test_divergence_guard_restores_the_weights_on_the_device(device):
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(64, 2)) * 100, rng.normal(size=(64, 1)) * 100
    model = gn.Sequential([gn.Dense(1, rng=0)]).to(device).compile("sgd", "mse", lr=10.0)
    with pytest.raises(TrainingDiverged, match="lower learning rate"):
        model.fit(x, y, epochs=50, batch_size=8, shuffle=False, verbose=0)
    assert model.device == backend.get_device_object(device).name
    for key, value in model.state_dict().items():
        assert np.all(np.isfinite(value)), key
