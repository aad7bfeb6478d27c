"""Tests for ModelCheckpoint: what it writes, when, under which name, and atomically."""

from __future__ import annotations

import os

import numpy as np
import pytest

import glassnet as gn
from glassnet.train.callbacks import ModelCheckpoint
from tests.train._models import Recorder, ScriptedLogs, assert_same_state, blobs, classifier


def test_epoch_in_the_name_gives_one_complete_file_per_epoch(tmp_path):
    x, y = blobs(n=12)
    model = classifier()
    recorder = Recorder()
    checkpoint = ModelCheckpoint(tmp_path / "run" / "model-{epoch}.safetensors")
    model.fit(x, y, epochs=3, batch_size=4, verbose=0, callbacks=[recorder, checkpoint])
    names = [f"model-{n}.safetensors" for n in (1, 2, 3)]
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == names
    assert checkpoint.saved == [str(tmp_path / "run" / name) for name in names]
    for epoch, name in enumerate(names):
        restored = gn.load(tmp_path / "run" / name)
        assert_same_state(restored.state_dict(), recorder.weights[epoch])
        assert restored.history.epochs == epoch + 1  # the history includes the saved epoch
        assert restored.history.iterations == 3 * (epoch + 1)
        assert restored.training_config.optimizer.iterations == 3 * (epoch + 1)


def test_save_best_only_writes_only_on_improvement(tmp_path):
    x, y = blobs(n=12)
    model = classifier()
    recorder = Recorder()
    checkpoint = ModelCheckpoint(
        tmp_path / "best-{epoch}.safetensors", monitor="val_loss", save_best_only=True
    )
    model.fit(
        x,
        y,
        epochs=5,
        batch_size=4,
        verbose=0,
        callbacks=[ScriptedLogs("val_loss", [3.0, 2.0, 2.5, 1.0, 1.5]), recorder, checkpoint],
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "best-1.safetensors",
        "best-2.safetensors",
        "best-4.safetensors",
    ]
    assert_same_state(gn.load(tmp_path / "best-4.safetensors").state_dict(), recorder.weights[3])


def test_a_fixed_name_ends_holding_the_best_model(tmp_path):
    x, y = blobs(n=12)
    model = classifier()
    recorder = Recorder()
    path = tmp_path / "best.safetensors"
    model.fit(
        x,
        y,
        epochs=4,
        batch_size=4,
        verbose=0,
        callbacks=[
            ScriptedLogs("val_accuracy", [0.5, 0.9, 0.7, 0.8]),
            recorder,
            ModelCheckpoint(path, monitor="val_accuracy", save_best_only=True),
        ],
    )
    assert_same_state(gn.load(path).state_dict(), recorder.weights[1])
    assert [p.name for p in tmp_path.iterdir()] == ["best.safetensors"]  # no temporary left


class CheckOnReplace:
    """Wraps os.replace: before each rename, the new file and the old target must load."""

    def __init__(self, real) -> None:
        self.real = real
        self.calls = 0

    def __call__(self, source, target):
        self.calls += 1
        fresh = gn.load(source)  # the temporary is already complete
        if os.path.exists(target):
            gn.load(target)  # the previous checkpoint is still whole
        assert fresh.history is not None
        return self.real(source, target)


def test_the_checkpoint_file_is_always_a_complete_model(tmp_path, monkeypatch):
    x, y = blobs(n=12)
    watcher = CheckOnReplace(os.replace)
    monkeypatch.setattr("glassnet.io.atomic.os.replace", watcher)
    path = tmp_path / "model.safetensors"
    classifier().fit(x, y, epochs=3, batch_size=4, verbose=0, callbacks=[ModelCheckpoint(path)])
    assert watcher.calls == 3
    assert gn.load(path).history.epochs == 3


def test_a_failed_write_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    x, y = blobs(n=12)
    model = classifier()
    recorder = Recorder()
    path = tmp_path / "model.safetensors"
    real = os.replace
    calls = []

    def replace_then_fail(source, target):
        calls.append(target)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(source, target)

    monkeypatch.setattr("glassnet.io.atomic.os.replace", replace_then_fail)
    with pytest.raises(OSError, match="disk full"):
        model.fit(
            x, y, epochs=3, batch_size=4, verbose=0, callbacks=[recorder, ModelCheckpoint(path)]
        )
    assert [p.name for p in tmp_path.iterdir()] == ["model.safetensors"]
    assert_same_state(gn.load(path).state_dict(), recorder.weights[0])
    assert not np.array_equal(recorder.weights[0]["0.kernel"], recorder.weights[1]["0.kernel"])


def test_training_resumed_from_a_checkpoint_continues_the_counts(tmp_path):
    x, y = blobs(n=12)
    uninterrupted = classifier()
    uninterrupted.fit(x, y, epochs=3, batch_size=4, shuffle=False, verbose=0)
    crashed = classifier()
    crashed.fit(
        x,
        y,
        epochs=2,
        batch_size=4,
        shuffle=False,
        verbose=0,
        callbacks=[ModelCheckpoint(tmp_path / "model-{epoch}.safetensors")],
    )
    resumed = gn.load(tmp_path / "model-2.safetensors")
    before = (tmp_path / "model-1.safetensors").read_bytes()
    history = resumed.fit(
        x,
        y,
        epochs=1,
        batch_size=4,
        shuffle=False,
        verbose=0,
        callbacks=[ModelCheckpoint(tmp_path / "model-{epoch}.safetensors")],
    )
    assert (history.epochs, history.iterations) == (3, 9)
    # the resumed run's checkpoint is epoch 3; the earlier ones are left as they were
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "model-1.safetensors",
        "model-2.safetensors",
        "model-3.safetensors",
    ]
    assert (tmp_path / "model-1.safetensors").read_bytes() == before
    assert history["loss"] == uninterrupted.history["loss"]
    assert_same_state(resumed.state_dict(), uninterrupted.state_dict())
