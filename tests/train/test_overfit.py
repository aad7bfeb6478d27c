"""The overfitting rule on constructed loss curves, the callback, and one real overfitting run."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError
from glassnet.train.callbacks import OverfitMonitor, OverfittingWarning
from glassnet.train.callbacks.overfit import overfitting_onset

FALLING = [1.0, 0.8, 0.6, 0.5, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15]


def test_rising_validation_with_falling_training_loss_is_overfitting_from_after_the_minimum():
    val = [1.0, 0.9, 0.8, 0.85, 0.9, 0.95, 1.0, 1.05, 1.1, 1.2]
    assert overfitting_onset(FALLING, val, patience=5) == 3


def test_too_few_epochs_above_the_minimum_is_not_yet_overfitting():
    val = [1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.55, 0.6, 0.65, 0.7]  # 4 epochs above
    assert overfitting_onset(FALLING, val, patience=5) is None
    assert overfitting_onset(FALLING, val, patience=4) == 6


def test_noise_within_min_rise_of_the_minimum_is_a_plateau_not_overfitting():
    val = [1.0, 0.7, 0.5, 0.502, 0.499, 0.503, 0.5, 0.504, 0.501, 0.503]
    assert overfitting_onset(FALLING, val, patience=5, min_rise=0.01) is None
    # With no margin at all, the same noise would count.
    assert overfitting_onset(FALLING, val, patience=5, min_rise=0.0) == 5


def test_a_return_near_the_minimum_restarts_the_count():
    val = [1.0, 0.5, 0.6, 0.7, 0.8, 0.502, 0.6, 0.7, 0.8, 0.9]
    assert overfitting_onset(FALLING, val, patience=5) is None


def test_both_losses_rising_is_divergence_not_overfitting():
    train = [1.0, 0.8, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3]
    val = [1.0, 0.9, 0.8, 0.85, 0.9, 0.95, 1.0, 1.05, 1.1, 1.2]
    assert overfitting_onset(train, val, patience=5) is None


def test_steadily_falling_validation_loss_is_not_overfitting():
    assert overfitting_onset(FALLING, [v + 0.1 for v in FALLING], patience=3) is None


def test_mismatched_lengths_and_bad_settings_are_refused():
    with pytest.raises(ConfigError, match="one training loss per validation loss"):
        overfitting_onset([1.0, 0.5], [1.0])
    with pytest.raises(ConfigError, match="action"):
        OverfitMonitor(action="shout")
    with pytest.raises(ConfigError, match="patience"):
        OverfitMonitor(patience=0)


def _overfit(callbacks=(), epochs=40):
    """A 256-unit network on 24 noisy samples of 10 features: it learns them by heart."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(48, 10))
    y = (x[:, 0] + rng.normal(scale=0.7, size=48) > 0).astype(int)
    gn.seed(0)
    model = gn.Sequential(
        [gn.Dense(256, activation="relu"), gn.Dense(256, activation="relu"), gn.Dense(2)]
    )
    model.compile(gn.Adam(model, lr=0.003), "categorical_crossentropy", ["accuracy"])
    history = model.fit(
        x[:24],
        y[:24],
        epochs=epochs,
        batch_size=8,
        validation_data=(x[24:], y[24:]),
        callbacks=list(callbacks),
        verbose=0,
        rng=0,
    )
    return history


def test_a_real_overfitting_run_is_recorded_by_default_naming_the_epoch():
    history = _overfit()
    found = history.overfitting
    assert found is not None
    val = history["val_loss"]
    # The epoch named is right after the validation minimum, and the rule held then.
    assert found.best_epoch == int(np.argmin(val[: found.epochs]))
    assert found.started == found.best_epoch + 1
    assert found.best_epoch >= 2  # it did learn something first
    assert found.val_loss > found.best_val_loss and found.train_loss < found.train_loss_at_best
    assert f"since epoch {found.started + 1}" in found.message()


def test_print_and_warn_actions_report_once():
    stream = io.StringIO()
    _overfit([OverfitMonitor(action="print", stream=stream)])
    assert stream.getvalue().count("warning: overfitting") == 1
    with pytest.warns(OverfittingWarning, match="validation loss has risen since epoch"):
        _overfit([OverfitMonitor(action="warn")])


def test_no_validation_data_means_no_monitor_and_no_warning():
    gn.seed(0)
    model = gn.Sequential([gn.Dense(2)]).compile("adam", "categorical_crossentropy")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = model.fit(np.zeros((4, 3)), np.array([0, 1, 0, 1]), epochs=2, verbose=0)
    assert not hasattr(history, "overfitting")
