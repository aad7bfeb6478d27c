"""ReduceLROnPlateau: when it lowers the learning rate, and its saved state."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError
from glassnet.optim import SGD, ReduceLROnPlateau


def make_optimizer(lr=1.0):
    return SGD([gn.Tensor([1.0], requires_grad=True)], lr=lr)


def lrs_for(schedule, metrics):
    values = []
    for metric in metrics:
        schedule.step(metric)
        values.append(schedule.optimizer.lr)
    return values


def test_reduces_after_more_than_patience_bad_epochs():
    schedule = ReduceLROnPlateau(make_optimizer(), factor=0.5, patience=2, min_delta=0.0)
    metrics = [10, 9, 9, 9, 9, 8, 8, 8, 8]
    # bad epochs:  0, 0, 1, 2, 3 -> reduce; 0, 1, 2, 3 -> reduce
    expected = [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25]
    assert lrs_for(schedule, metrics) == expected


def test_patience_zero_reduces_on_the_first_bad_epoch():
    schedule = ReduceLROnPlateau(make_optimizer(), factor=0.1, patience=0)
    assert lrs_for(schedule, [1.0, 0.5, 0.7]) == pytest.approx([1.0, 1.0, 0.1], rel=1e-15)


def test_cooldown_ignores_bad_epochs_after_a_reduction():
    schedule = ReduceLROnPlateau(make_optimizer(), factor=0.5, patience=0, cooldown=1)
    assert lrs_for(schedule, [5.0] * 6) == [1.0, 0.5, 0.5, 0.25, 0.25, 0.125]


def test_never_goes_below_min_lr():
    schedule = ReduceLROnPlateau(make_optimizer(), factor=0.1, patience=0, min_lr=0.05)
    assert lrs_for(schedule, [1.0] * 4) == pytest.approx([1.0, 0.1, 0.05, 0.05], rel=1e-15)


def test_an_improvement_smaller_than_min_delta_counts_as_bad():
    schedule = ReduceLROnPlateau(make_optimizer(), factor=0.5, patience=0, min_delta=0.1)
    # 0.95 is better than 1.0, but by less than 0.1.
    assert lrs_for(schedule, [1.0, 0.95, 0.5]) == [1.0, 0.5, 0.5]
    assert schedule.best == 0.5


def test_max_mode_watches_for_a_rising_metric():
    schedule = ReduceLROnPlateau(make_optimizer(), mode="max", factor=0.5, patience=1)
    accuracy = [0.5, 0.6, 0.7, 0.7, 0.7, 0.65]
    assert lrs_for(schedule, accuracy) == [1.0, 1.0, 1.0, 1.0, 0.5, 0.5]
    assert schedule.best == 0.7


def test_a_nan_metric_is_a_bad_epoch():
    schedule = ReduceLROnPlateau(make_optimizer(), factor=0.5, patience=0)
    assert lrs_for(schedule, [1.0, float("nan")]) == [1.0, 0.5]
    assert schedule.best == 1.0


def test_accepts_tensors_and_numpy_scalars():
    schedule = ReduceLROnPlateau(make_optimizer(), factor=0.5, patience=0)
    schedule.step(gn.Tensor(2.0))
    schedule.step(np.float32(3.0))
    schedule.step(np.array([1.0]))
    assert schedule.best == 1.0
    assert schedule.optimizer.lr == 0.5


@pytest.mark.parametrize("metric", ["0.5", None, [1.0, 2.0]])
def test_a_metric_that_is_not_a_number_raises_config_error(metric):
    schedule = ReduceLROnPlateau(make_optimizer())
    with pytest.raises(ConfigError, match="needs the monitored metric as a number"):
        schedule.step(metric)


def test_the_schedule_says_it_needs_a_metric():
    assert ReduceLROnPlateau.requires_metric
    with pytest.raises(ConfigError, match="depends on the metric"):
        ReduceLROnPlateau(make_optimizer()).lr_at(3)


def test_state_dict_round_trip_continues_identically():
    metrics = [5.0, 4.0, 4.0, 4.5, 3.0, 3.0, 3.0, 3.0, 3.1, 2.0, 2.0, 2.0]
    settings = {"factor": 0.5, "patience": 1, "cooldown": 1}
    uninterrupted = ReduceLROnPlateau(make_optimizer(), **settings)
    expected = lrs_for(uninterrupted, metrics)

    first = ReduceLROnPlateau(make_optimizer(), **settings)
    lrs_for(first, metrics[:4])
    state = json.loads(json.dumps(first.state_dict()))
    assert state["best"] == 4.0 and state["num_bad_epochs"] == 0

    resumed = ReduceLROnPlateau(make_optimizer(0.01))
    resumed.load_state_dict(state)
    assert resumed.patience == 1 and resumed.cooldown == 1
    assert resumed.optimizer.lr == expected[3]
    assert lrs_for(resumed, metrics[4:]) == expected[4:]


def test_state_before_any_metric_has_no_best():
    state = ReduceLROnPlateau(make_optimizer()).state_dict()
    assert state["best"] is None
    json.dumps(state, allow_nan=False)  # strict JSON: no Infinity placeholder


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"mode": "minimum"}, "mode must be one of 'min', 'max', got 'minimum'"),
        ({"factor": 1.0}, "factor must be a number in (0, 1), got 1.0"),
        ({"factor": 0}, "factor must be a number in (0, 1), got 0"),
        ({"patience": -1}, "patience must be a non-negative integer, got -1"),
        ({"patience": 2.0}, "patience must be a non-negative integer, got 2.0"),
        ({"min_delta": -0.1}, "min_delta must be a non-negative number, got -0.1"),
        ({"cooldown": -2}, "cooldown must be a non-negative integer, got -2"),
        ({"min_lr": -1}, "min_lr must be a non-negative number, got -1"),
    ],
)
def test_bad_settings_raise_config_error_quoting_the_value(settings, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        ReduceLROnPlateau(make_optimizer(), **settings)


def test_load_state_dict_checks_the_counters():
    state = ReduceLROnPlateau(make_optimizer()).state_dict()
    state["num_bad_epochs"] = -3
    with pytest.raises(ConfigError, match="num_bad_epochs must be a non-negative integer, got -3"):
        ReduceLROnPlateau(make_optimizer()).load_state_dict(state)
