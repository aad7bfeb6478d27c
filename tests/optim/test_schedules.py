"""StepLR, ExponentialLR and CosineAnnealingLR: learning-rate sequences and state."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError
from glassnet.optim import SGD, CosineAnnealingLR, ExponentialLR, StepLR


def make_optimizer(lr=0.1):
    return SGD([gn.Tensor([1.0], requires_grad=True)], lr=lr)


def lrs_after_each_epoch(schedule, epochs):
    values = []
    for _ in range(epochs):
        schedule.step()
        values.append(schedule.optimizer.lr)
    return values


def test_step_lr_sequence():
    schedule = StepLR(make_optimizer(0.1), step_size=3, gamma=0.5)
    assert schedule.lr == 0.1
    got = lrs_after_each_epoch(schedule, 9)
    expected = [0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125]
    np.testing.assert_allclose(got, expected, rtol=1e-15)
    assert schedule.epoch == 9
    assert schedule.lr == got[-1]


def test_exponential_lr_sequence():
    schedule = ExponentialLR(make_optimizer(2.0), gamma=0.5)
    got = lrs_after_each_epoch(schedule, 4)
    assert got == [1.0, 0.5, 0.25, 0.125]


def test_cosine_annealing_sequence():
    schedule = CosineAnnealingLR(make_optimizer(0.1), t_max=4)
    got = lrs_after_each_epoch(schedule, 6)
    # 0.1 * (1 + cos(pi * e / 4)) / 2 for e = 1..4, then back up as in PyTorch.
    expected = [0.0853553390593, 0.05, 0.0146446609407, 0.0, 0.0146446609407, 0.05]
    np.testing.assert_allclose(got, expected, rtol=1e-11, atol=1e-17)


def test_cosine_annealing_with_eta_min():
    schedule = CosineAnnealingLR(make_optimizer(1.0), t_max=2, eta_min=0.2)
    got = lrs_after_each_epoch(schedule, 2)
    np.testing.assert_allclose(got, [0.6, 0.2], rtol=1e-15)


def test_lr_at_predicts_the_whole_curve_without_stepping():
    schedule = CosineAnnealingLR(make_optimizer(0.3), t_max=10, eta_min=0.01)
    predicted = [schedule.lr_at(epoch) for epoch in range(1, 11)]
    assert schedule.optimizer.lr == 0.3  # predicting changes nothing
    assert lrs_after_each_epoch(schedule, 10) == predicted
    assert predicted[0] == 0.01 + 0.29 * (1 + math.cos(math.pi / 10)) / 2


def test_the_optimizer_steps_with_the_scheduled_lr():
    weights = gn.Tensor([0.0], requires_grad=True, dtype=np.float64)
    optimizer = SGD([weights], lr=1.0)
    schedule = StepLR(optimizer, step_size=1, gamma=0.1)
    moves = []
    for _ in range(3):
        before = weights.item()
        weights.grad = np.array([1.0])
        optimizer.step()
        moves.append(before - weights.item())
        schedule.step()
    np.testing.assert_allclose(moves, [1.0, 0.1, 0.01], rtol=1e-12)


@pytest.mark.parametrize(
    ("make", "epochs"),
    [
        (lambda opt: StepLR(opt, step_size=2, gamma=0.3), 7),
        (lambda opt: ExponentialLR(opt, gamma=0.9), 7),
        (lambda opt: CosineAnnealingLR(opt, t_max=5, eta_min=0.001), 7),
    ],
)
def test_state_dict_round_trip_continues_identically(make, epochs):
    uninterrupted = make(make_optimizer(0.1))
    expected = lrs_after_each_epoch(uninterrupted, epochs)

    first = make(make_optimizer(0.1))
    lrs_after_each_epoch(first, 3)
    state = json.loads(json.dumps(first.state_dict()))

    # A fresh optimizer with another lr: the schedule's state brings back its own.
    resumed = make(make_optimizer(0.7))
    resumed.load_state_dict(state)
    assert resumed.lr == expected[2]
    assert resumed.epoch == 3
    assert lrs_after_each_epoch(resumed, epochs - 3) == expected[3:]


def test_load_state_dict_rejects_another_schedule():
    state = StepLR(make_optimizer(), step_size=2).state_dict()
    schedule = ExponentialLR(make_optimizer(), gamma=0.5)
    with pytest.raises(
        ConfigError, match="saved by the schedule StepLR; it cannot be loaded into ExponentialLR"
    ):
        schedule.load_state_dict(state)


def test_load_state_dict_with_a_bad_value_changes_nothing():
    state = StepLR(make_optimizer(), step_size=2).state_dict()
    state["config"]["gamma"] = -1.0
    schedule = StepLR(make_optimizer(0.3), step_size=5, gamma=0.5)
    with pytest.raises(ConfigError, match=re.escape("gamma must be a positive number, got -1.0")):
        schedule.load_state_dict(state)
    assert schedule.gamma == 0.5 and schedule.step_size == 5
    assert schedule.optimizer.lr == 0.3


def test_load_state_dict_needs_all_entries():
    state = StepLR(make_optimizer(), step_size=2).state_dict()
    del state["epoch"]
    with pytest.raises(ConfigError, match="missing the entries: epoch"):
        StepLR(make_optimizer(), step_size=2).load_state_dict(state)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda o: StepLR(o, step_size=0), "step_size must be a positive integer, got 0"),
        (lambda o: StepLR(o, step_size=2.5), "step_size must be a positive integer, got 2.5"),
        (lambda o: StepLR(o, step_size=2, gamma=0), "gamma must be a positive number, got 0"),
        (lambda o: ExponentialLR(o, gamma=-0.5), "gamma must be a positive number, got -0.5"),
        (lambda o: CosineAnnealingLR(o, t_max=0), "t_max must be a positive integer, got 0"),
        (
            lambda o: CosineAnnealingLR(o, t_max=10, eta_min=-1e-3),
            "eta_min must be a non-negative number, got -0.001",
        ),
    ],
)
def test_bad_settings_raise_config_error_quoting_the_value(make, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        make(make_optimizer())


def test_a_schedule_needs_something_with_an_lr():
    with pytest.raises(ConfigError, match="StepLR needs an optimizer with an 'lr', got list"):
        StepLR([], step_size=1)
