"""Tests for glassnet.train.history: per-epoch logs, counters, and the JSON round trip."""

from __future__ import annotations

import json

import pytest

from glassnet.train.callbacks import Callback
from glassnet.train.history import History
from tests.train._models import blobs, classifier


def test_record_epoch_appends_each_value_and_counts():
    history = History()
    history.record_epoch({"loss": 0.5, "accuracy": 0.75}, iterations=4)
    history.record_epoch({"loss": 0.25, "accuracy": 1}, iterations=4)
    assert history["loss"] == [0.5, 0.25]
    assert history["accuracy"] == [0.75, 1.0]
    assert all(isinstance(v, float) for v in history["accuracy"])
    assert (history.epochs, history.iterations) == (2, 8)
    assert "loss" in history
    assert "val_loss" not in history
    with pytest.raises(KeyError):
        history["val_loss"]


def test_to_dict_survives_json_and_from_dict_restores_everything():
    history = History()
    history.record_epoch({"loss": 0.5, "val_loss": 0.75}, iterations=3)
    history.record_epoch({"loss": 0.25, "val_loss": 0.5}, iterations=3)
    history.stopped_early_at = 2
    restored = History.from_dict(json.loads(json.dumps(history.to_dict())))
    assert restored.history == history.history
    assert (restored.epochs, restored.iterations, restored.stopped_early_at) == (2, 6, 2)


def test_restored_history_keeps_counting():
    restored = History.from_dict(
        {"history": {"loss": [1.0]}, "epochs": 1, "iterations": 5, "stopped_early_at": None}
    )
    restored.record_epoch({"loss": 0.5}, iterations=5)
    assert restored["loss"] == [1.0, 0.5]
    assert (restored.epochs, restored.iterations) == (2, 10)


def test_repr_names_counters_and_keys():
    history = History()
    history.record_epoch({"loss": 0.5, "lr": 0.1}, iterations=7)
    assert repr(history) == "History(epochs=1, iterations=7, keys=[loss, lr])"


def test_fit_fills_the_history_one_entry_per_epoch():
    x, y = blobs(n=30)
    history = classifier().fit(x, y, epochs=5, batch_size=7, validation_split=0.2, verbose=0)
    assert history.epochs == 5
    assert history.iterations == 5 * 4  # 24 training samples in batches of 7
    for key in ("loss", "accuracy", "val_loss", "val_accuracy", "lr"):
        assert len(history[key]) == 5


def test_update_last_epoch_changes_and_adds_values_of_the_latest_epoch():
    history = History()
    history.record_epoch({"loss": 0.5}, iterations=1)
    history.record_epoch({"loss": 0.25, "lr": 0.1}, iterations=1)
    history.update_last_epoch({"loss": 0.2, "lr": 0.1, "custom": 7})
    assert history["loss"] == [0.5, 0.2]
    assert history["lr"] == [0.1]
    assert history["custom"] == [7.0]
    history.update_last_epoch({"custom": 8})  # a second update replaces, never appends
    assert history["custom"] == [8.0]
    assert (history.epochs, history.iterations) == (2, 2)


class Annotate(Callback):
    """Adds a value to the logs and looks at the model's history while the epoch ends."""

    def __init__(self) -> None:
        self.epochs_seen: list[int] = []

    def on_epoch_end(self, epoch, logs):
        self.epochs_seen.append(self.model.history.epochs)
        logs["double_loss"] = 2 * logs["loss"]


def test_callbacks_see_the_epoch_in_the_history_and_their_values_are_recorded():
    x, y = blobs(n=12)
    annotate = Annotate()
    history = classifier().fit(x, y, epochs=3, batch_size=4, verbose=0, callbacks=[annotate])
    assert annotate.epochs_seen == [1, 2, 3]
    assert history["double_loss"] == [2 * loss for loss in history["loss"]]
