"""Tests for the learning-rate callbacks: LearningRateScheduler and ReduceLROnPlateau."""

from __future__ import annotations

import math

import pytest

import glassnet as gn
from glassnet.errors import ConfigError
from glassnet.train.callbacks import Callback, LearningRateScheduler, ReduceLROnPlateau
from tests.train._models import ScriptedLogs, assert_same_state, blobs, classifier


class LrWatcher(Callback):
    """The optimizer's learning rate at each batch (the rate the update really used)."""

    def __init__(self) -> None:
        self.rates: list[float] = []

    def on_batch_end(self, iteration, logs):
        self.rates.append(self.model.training_config.optimizer.lr)


def fit_with(callbacks, epochs=5, lr=0.1, optimizer="sgd"):
    x, y = blobs(n=8)
    model = classifier(optimizer=optimizer, lr=lr)
    watcher = LrWatcher()
    history = model.fit(
        x, y, epochs=epochs, batch_size=4, verbose=0, callbacks=[*callbacks, watcher]
    )
    return model, history, watcher


def test_a_function_sets_the_rate_of_each_epoch():
    _, history, watcher = fit_with([LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))])
    expected = [0.1 / (epoch + 1) for epoch in range(5)]
    assert history["lr"] == pytest.approx(expected, rel=1e-12)
    assert watcher.rates == pytest.approx([rate for rate in expected for _ in range(2)])


def test_the_function_receives_the_current_rate():
    model, history, _ = fit_with([LearningRateScheduler(lambda epoch, lr: lr * 0.5)], epochs=3)
    assert history["lr"] == [0.05, 0.025, 0.0125]
    assert model.training_config.optimizer.lr == 0.0125


def test_the_scheduled_rate_is_the_one_the_updates_use():
    constant, _, _ = fit_with([LearningRateScheduler(lambda epoch, lr: 0.02)], lr=0.5)
    compiled, _, _ = fit_with([], lr=0.02)
    assert_same_state(constant.state_dict(), compiled.state_dict())


@pytest.mark.parametrize("rate", [0.0, -0.1, float("nan")])
def test_a_function_returning_a_non_positive_rate_is_refused(rate):
    with pytest.raises(ConfigError, match="schedule returned"):
        fit_with([LearningRateScheduler(lambda epoch, lr: rate)])


def test_cosine_by_name_follows_the_cosine_curve():
    model, history, watcher = fit_with([LearningRateScheduler("cosine", t_max=4)], epochs=4)
    expected = [0.05 * (1 + math.cos(math.pi * epoch / 4)) for epoch in range(4)]
    assert history["lr"] == pytest.approx(expected, rel=1e-12)
    assert history["lr"][0] == 0.1  # the first epoch trains at the compiled rate
    assert watcher.rates == pytest.approx([rate for rate in expected for _ in range(2)])
    assert model.training_config.optimizer.lr == pytest.approx(0.0, abs=1e-15)


def test_a_step_lr_object_halves_every_two_epochs():
    x, y = blobs(n=8)
    model = classifier(optimizer="sgd", lr=0.1)
    schedule = gn.StepLR(model.training_config.optimizer, step_size=2, gamma=0.5)
    history = model.fit(
        x, y, epochs=5, batch_size=4, verbose=0, callbacks=[LearningRateScheduler(schedule)]
    )
    assert history["lr"] == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025], rel=1e-12)
    assert schedule.epoch == 5


def test_a_metric_driven_schedule_points_to_the_plateau_callback():
    with pytest.raises(ConfigError, match="ReduceLROnPlateau callback"):
        fit_with([LearningRateScheduler("plateau")])


def test_an_unknown_schedule_name_lists_the_valid_ones():
    with pytest.raises(ConfigError, match="cosine"):
        fit_with([LearningRateScheduler("cosin")])


# -- ReduceLROnPlateau ---------------------------------------------------------------------


def test_plateau_reduces_the_rate_after_patience_epochs():
    plateau = ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2)
    model, history, _ = fit_with([ScriptedLogs("val_loss", [1.0] * 6), plateau], epochs=6)
    # epoch 0 sets the best; 1 and 2 do not improve → reduce after 2; 3 and 4 → after 4
    assert plateau.reductions == [2, 4]
    assert history["lr"] == pytest.approx([0.1, 0.1, 0.1, 0.05, 0.05, 0.025], rel=1e-12)
    assert model.training_config.optimizer.lr == pytest.approx(0.025)


def test_plateau_waits_again_after_an_improvement():
    plateau = ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2)
    _, _, _ = fit_with([ScriptedLogs("val_loss", [3.0, 3.0, 2.0, 2.0, 2.0]), plateau])
    assert plateau.reductions == [4]


def test_plateau_min_delta_and_min_lr():
    plateau = ReduceLROnPlateau(
        monitor="val_loss", factor=0.1, patience=1, min_delta=0.5, min_lr=0.005
    )
    model, _, _ = fit_with([ScriptedLogs("val_loss", [3.0, 2.9, 2.8, 2.7, 2.6]), plateau])
    assert plateau.reductions == [1, 2]  # the third would go below min_lr: it stops at the floor
    assert model.training_config.optimizer.lr == pytest.approx(0.005)


def test_plateau_cooldown_skips_epochs_after_a_reduction():
    plateau = ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, cooldown=2)
    fit_with([ScriptedLogs("val_loss", [1.0] * 7), plateau], epochs=7)
    assert plateau.reductions == [1, 4]


def test_plateau_maximises_accuracy():
    plateau = ReduceLROnPlateau(monitor="accuracy", factor=0.5, patience=1)
    fit_with([ScriptedLogs("accuracy", [0.5, 0.6, 0.7, 0.65]), plateau], epochs=4)
    assert plateau.reductions == [3]


@pytest.mark.parametrize("factor", [0.0, 1.0, 2.0])
def test_plateau_factor_must_be_between_0_and_1(factor):
    with pytest.raises(ConfigError, match="factor"):
        ReduceLROnPlateau(factor=factor)


def test_the_flat_api_exports_the_callbacks():
    assert gn.ReduceLROnPlateau is ReduceLROnPlateau
    assert gn.LearningRateScheduler is LearningRateScheduler


def test_a_function_schedule_continues_over_a_second_fit():
    x, y = blobs(n=8)
    model = classifier(optimizer="sgd", lr=0.1)
    halving = LearningRateScheduler(lambda epoch, lr: 0.1 * 0.5**epoch)
    model.fit(x, y, epochs=2, batch_size=4, verbose=0, callbacks=[halving])
    history = model.fit(x, y, epochs=2, batch_size=4, verbose=0, callbacks=[halving])
    assert history["lr"] == pytest.approx([0.1, 0.05, 0.025, 0.0125], rel=1e-12)
