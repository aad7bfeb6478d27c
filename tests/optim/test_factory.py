"""Optimizers and schedules by name."""

from __future__ import annotations

import re

import pytest

import glassnet as gn
from glassnet.errors import ConfigError
from glassnet.optim import (
    OPTIMIZERS,
    SCHEDULES,
    SGD,
    Adagrad,
    Adam,
    AdamW,
    CosineAnnealingLR,
    ExponentialLR,
    ReduceLROnPlateau,
    RMSprop,
    StepLR,
    get_optimizer,
    get_schedule,
)


def params():
    return [gn.Tensor([1.0], requires_grad=True)]


@pytest.mark.parametrize(
    ("name", "cls"),
    [("sgd", SGD), ("adam", Adam), ("adamw", AdamW), ("rmsprop", RMSprop), ("adagrad", Adagrad)],
)
def test_every_optimizer_name_builds_its_class(name, cls):
    assert OPTIMIZERS.get(name) is cls
    optimizer = get_optimizer(name.upper(), params(), lr=0.5)
    assert type(optimizer) is cls
    assert optimizer.lr == 0.5


def test_optimizer_names():
    assert OPTIMIZERS.names() == ["adagrad", "adam", "adamw", "rmsprop", "sgd"]


def test_settings_are_passed_on():
    optimizer = get_optimizer("sgd", params(), lr=0.1, momentum=0.9, nesterov=True)
    assert (optimizer.momentum, optimizer.nesterov) == (0.9, True)


def test_an_instance_is_returned_as_it_is():
    optimizer = Adam(params())
    assert get_optimizer(optimizer, params()) is optimizer
    with pytest.raises(ConfigError, match="cannot be applied to an existing Adam"):
        get_optimizer(optimizer, params(), lr=0.1)


def test_a_class_is_accepted():
    assert type(get_optimizer(RMSprop, params())) is RMSprop


def test_an_unknown_name_lists_the_valid_ones():
    message = "unknown optimizer 'adamax'; valid names are: adagrad, adam, adamw, rmsprop, sgd"
    with pytest.raises(ConfigError, match=re.escape(message)):
        get_optimizer("adamax", params())


def test_an_unknown_setting_lists_the_valid_ones():
    with pytest.raises(ConfigError, match=r"Adam does not take the setting\(s\) momentum; its"):
        get_optimizer("adam", params(), momentum=0.9)


def test_building_from_a_name_needs_params():
    with pytest.raises(ConfigError, match="needs the parameters"):
        get_optimizer("sgd")


def test_something_else_is_rejected():
    with pytest.raises(ConfigError, match=r"optimizer must be a name .* or an Optimizer, got int"):
        get_optimizer(3, params())


@pytest.mark.parametrize(
    ("name", "cls", "settings"),
    [
        ("step", StepLR, {"step_size": 3}),
        ("exponential", ExponentialLR, {"gamma": 0.9}),
        ("cosine", CosineAnnealingLR, {"t_max": 10}),
        ("plateau", ReduceLROnPlateau, {"patience": 3}),
    ],
)
def test_every_schedule_name_builds_its_class(name, cls, settings):
    optimizer = SGD(params(), lr=0.1)
    schedule = get_schedule(name, optimizer, **settings)
    assert type(schedule) is cls
    assert schedule.optimizer is optimizer


def test_schedule_names_and_errors():
    assert SCHEDULES.names() == ["cosine", "exponential", "plateau", "step"]
    optimizer = SGD(params())
    with pytest.raises(ConfigError, match="unknown schedule 'linear'; valid names are: cosine"):
        get_schedule("linear", optimizer)
    with pytest.raises(ConfigError, match=re.escape("StepLR needs the setting(s): step_size")):
        get_schedule("step", optimizer)
    with pytest.raises(ConfigError, match="needs the optimizer to drive"):
        get_schedule("cosine", t_max=3)
    schedule = StepLR(optimizer, step_size=2)
    assert get_schedule(schedule) is schedule
