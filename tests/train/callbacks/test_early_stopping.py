"""Tests for EarlyStopping (and the Monitor it watches with); stop_training from any callback."""

from __future__ import annotations

import math

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError
from glassnet.train.callbacks import Callback, EarlyStopping
from glassnet.train.callbacks.monitor import Monitor
from tests.train._models import Recorder, ScriptedLogs, assert_same_state, blobs, classifier


def fit_scripted(values, stopper, epochs=20, key="val_loss"):
    """Train a small model for up to ``epochs`` while ``key`` follows ``values``."""
    x, y = blobs(n=12)
    model = classifier()
    recorder = Recorder()
    history = model.fit(
        x,
        y,
        epochs=epochs,
        batch_size=4,
        verbose=0,
        callbacks=[ScriptedLogs(key, values), recorder, stopper],
    )
    return model, history, recorder


def test_training_stops_after_patience_epochs_without_improvement():
    stopper = EarlyStopping(monitor="val_loss", patience=3)
    _, history, _ = fit_scripted([5.0, 4.0, 3.0, 3.5, 3.2, 3.0, 1.0, 0.5], stopper)
    # best at epoch 2 (0-based); epochs 3, 4 and 5 do not beat it (3.0 is no better)
    assert stopper.best_epoch == 2
    assert stopper.stopped_epoch == 5
    assert history.epochs == 6
    assert history.stopped_early_at == 6
    assert history["val_loss"] == [5.0, 4.0, 3.0, 3.5, 3.2, 3.0]


def test_training_runs_on_while_the_monitor_improves():
    stopper = EarlyStopping(monitor="val_loss", patience=1)
    _, history, _ = fit_scripted([5.0, 4.0, 3.0, 2.0], stopper, epochs=4)
    assert history.epochs == 4
    assert history.stopped_early_at is None
    assert stopper.stopped_epoch is None


def test_an_improvement_resets_the_patience():
    stopper = EarlyStopping(monitor="val_loss", patience=2)
    _, history, _ = fit_scripted([3.0, 3.1, 2.0, 2.1, 2.2, 0.0], stopper)
    assert history.epochs == 5
    assert stopper.best_epoch == 2


def test_min_delta_ignores_tiny_improvements():
    values = [1.0, 0.95, 0.92, 0.90, 0.88]
    strict = EarlyStopping(monitor="val_loss", patience=2, min_delta=0.1)
    _, history, _ = fit_scripted(values, strict, epochs=5)
    assert history.epochs == 3
    assert strict.best_epoch == 0
    lenient = EarlyStopping(monitor="val_loss", patience=2)
    _, history, _ = fit_scripted(values, lenient, epochs=5)
    assert history.epochs == 5


def test_accuracy_is_maximised_in_auto_mode():
    stopper = EarlyStopping(monitor="val_accuracy", patience=2)
    _, history, _ = fit_scripted([0.5, 0.9, 0.8, 0.7, 1.0], stopper, key="val_accuracy")
    assert stopper.best_epoch == 1
    assert history.epochs == 4


def test_restore_best_weights_puts_back_the_best_epoch_weights():
    x, y = blobs(n=40)
    y = y.copy()
    y[:12] = np.random.default_rng(1).integers(0, 3, 12)  # noisy labels: it overfits
    x_val, y_val = blobs(n=30, seed=2)
    model = classifier(units=32, lr=0.01)
    recorder = Recorder()
    stopper = EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    history = model.fit(
        x,
        y,
        epochs=200,
        batch_size=8,
        validation_data=(x_val, y_val),
        verbose=0,
        callbacks=[recorder, stopper],
    )
    best = int(np.argmin(history["val_loss"]))
    assert stopper.best_epoch == best
    assert history.stopped_early_at == best + 1 + 3 < 200
    assert_same_state(model.state_dict(), recorder.weights[best])
    assert not np.array_equal(model.state_dict()["0.kernel"], recorder.weights[-1]["0.kernel"])
    assert model.evaluate(x_val, y_val)["loss"] == pytest.approx(
        history["val_loss"][best], rel=1e-6
    )


def test_without_restore_the_last_weights_stay():
    stopper = EarlyStopping(monitor="val_loss", patience=1)
    model, history, recorder = fit_scripted([1.0, 2.0, 3.0], stopper)
    assert history.epochs == 2
    assert_same_state(model.state_dict(), recorder.weights[-1])
    assert stopper.best_weights is None


def test_restore_best_weights_also_when_training_ends_without_stopping():
    stopper = EarlyStopping(monitor="val_loss", patience=10, restore_best_weights=True)
    model, history, recorder = fit_scripted([3.0, 1.0, 2.0, 2.5], stopper, epochs=4)
    assert history.stopped_early_at is None
    assert_same_state(model.state_dict(), recorder.weights[1])


def test_a_monitor_that_is_not_logged_is_a_config_error_listing_the_logged_values():
    x, y = blobs(n=8)
    with pytest.raises(ConfigError, match=r"cannot monitor 'val_loss'.*'accuracy', 'loss', 'lr'"):
        classifier().fit(x, y, epochs=2, verbose=0, callbacks=[EarlyStopping()])


class StopAtEpoch(Callback):
    def __init__(self, epoch: int) -> None:
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs):
        if epoch == self.epoch:
            self.model.stop_training = True


def test_any_callback_can_stop_training_and_the_epoch_still_counts():
    x, y = blobs(n=12)
    model = classifier()
    recorder = Recorder()
    history = model.fit(
        x, y, epochs=10, batch_size=4, verbose=0, callbacks=[StopAtEpoch(2), recorder]
    )
    assert history.epochs == 3
    assert history.iterations == 9
    assert history.stopped_early_at == 3
    assert len(recorder.epoch_logs) == 3
    assert recorder.train_end_calls == 1
    # the flag is reset by the next fit, which trains again
    assert model.fit(x, y, epochs=2, batch_size=4, verbose=0).epochs == 5


# -- Monitor -------------------------------------------------------------------------------


def test_monitor_modes():
    assert Monitor("val_loss").mode == "min"
    assert Monitor("val_accuracy").mode == "max"
    assert Monitor("r2").mode == "max"
    assert Monitor("accuracy", mode="min").mode == "min"
    assert Monitor("val_loss").best == math.inf


def test_monitor_remembers_the_best_value():
    monitor = Monitor("loss", min_delta=0.5)
    assert monitor.improved(2.0)
    assert not monitor.improved(1.6)  # not by more than min_delta
    assert monitor.best == 2.0
    assert monitor.improved(1.4)
    assert monitor.best == 1.4


@pytest.mark.parametrize(
    ("kwargs", "match"), [({"mode": "up"}, "mode"), ({"min_delta": -1}, "min_delta")]
)
def test_monitor_refuses_bad_settings(kwargs, match):
    with pytest.raises(ConfigError, match=match):
        Monitor("loss", **kwargs)


def test_early_stopping_is_exported_flat():
    assert gn.EarlyStopping is EarlyStopping
