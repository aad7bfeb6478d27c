"""Tests for glassnet/optim/_flat.py: updating all parameters as one flat array."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.optim import SGD, Adagrad, Adam, AdamW, RMSprop
from tests.helpers import host, set_values

OPTIMIZERS = [
    lambda params: Adam(params, lr=0.01),
    lambda params: Adam(params, lr=0.01, amsgrad=True, weight_decay=0.1),
    lambda params: AdamW(params, lr=0.01),
    lambda params: SGD(params, lr=0.05, momentum=0.9, nesterov=True),
    lambda params: RMSprop(params, lr=0.01, centered=True, momentum=0.5),
    lambda params: Adagrad(params, lr=0.1, initial_accumulator_value=0.2),
    lambda params: Adam(params, lr=0.01, global_clipnorm=0.5),
]


def _model(seed: int = 0) -> gn.Sequential:
    model = gn.Sequential([gn.Dense(5, activation="relu"), gn.Dense(3)])
    model(gn.Tensor(np.zeros((1, 4), dtype=np.float32)))
    rng = np.random.default_rng(seed)
    for p in model.parameters():
        set_values(p, rng.standard_normal(p.shape).astype(np.float32))
    return model


def _train(model: gn.Module, optimizer: gn.optim.Optimizer, steps: int = 5) -> None:
    rng = np.random.default_rng(1)
    for _ in range(steps):
        x = rng.standard_normal((8, 4)).astype(np.float32)
        y = rng.integers(0, 3, 8)
        optimizer.zero_grad()
        gn.nn.get_loss("categorical_crossentropy")(model(gn.Tensor(x)), y).backward()
        optimizer.step()


def _one_by_one(optimizer: gn.optim.Optimizer) -> gn.optim.Optimizer:
    optimizer.updates_elementwise = False  # the instance attribute turns the flat path off
    return optimizer


@pytest.mark.parametrize("make", OPTIMIZERS)
def test_flat_update_equals_the_update_one_parameter_at_a_time(make):
    flat_model, plain_model = _model(), _model()
    flat, plain = make(flat_model), _one_by_one(make(plain_model))
    _train(flat_model, flat)
    _train(plain_model, plain)
    assert flat._flat is not None and plain._flat is None
    for a, b in zip(flat_model.parameters(), plain_model.parameters(), strict=True):
        np.testing.assert_array_equal(host(a), host(b))
    flat_config, flat_arrays = flat.state_dict()
    plain_config, plain_arrays = plain.state_dict()
    assert flat_config == plain_config
    assert flat_arrays.keys() == plain_arrays.keys() and flat_arrays
    for key in flat_arrays:
        np.testing.assert_array_equal(host(flat_arrays[key]), host(plain_arrays[key]))


def test_parameters_and_slots_become_views_of_one_array():
    model = _model()
    optimizer = Adam(model, lr=0.01)
    _train(model, optimizer, steps=1)
    group = optimizer._flat
    for p in model.parameters():
        assert np.shares_memory(p.data, group.data)
        for slot in optimizer.state[p].slots.values():
            assert any(np.shares_memory(slot, flat) for flat in group.state.slots.values())
    assert group.data.size == model.count_params()


def test_replacing_a_parameters_array_rebuilds_the_group_and_keeps_the_moments():
    model, twin = _model(), _model()
    optimizer, twin_optimizer = Adam(model, lr=0.01), _one_by_one(Adam(twin, lr=0.01))
    _train(model, optimizer, steps=2)
    _train(twin, twin_optimizer, steps=2)
    first = model.parameters()[0]
    first.data = first.data.copy()  # e.g. a user assigning new weights
    twin.parameters()[0].data = twin.parameters()[0].data.copy()
    old_group = optimizer._flat
    _train(model, optimizer, steps=2)
    _train(twin, twin_optimizer, steps=2)
    assert optimizer._flat is not old_group
    assert np.shares_memory(first.data, optimizer._flat.data)
    for a, b in zip(model.parameters(), twin.parameters(), strict=True):
        np.testing.assert_array_equal(host(a), host(b))


def test_a_reloaded_state_is_used_by_the_next_flat_step():
    model, twin = _model(), _model()
    optimizer = Adam(model, lr=0.01)
    _train(model, optimizer, steps=3)
    config, arrays = optimizer.state_dict()
    twin.load_state_dict(model.state_dict())
    restored = Adam(twin, lr=0.01)
    restored.load_state_dict(config, arrays)
    _train(model, optimizer, steps=2)
    _train(twin, restored, steps=2)
    for a, b in zip(model.parameters(), twin.parameters(), strict=True):
        np.testing.assert_array_equal(host(a), host(b))
    assert restored.state[twin.parameters()[0]].step == 5


def test_parameters_of_different_dtypes_are_updated_one_by_one():
    w32 = gn.Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    w64 = gn.Tensor(np.ones(2, dtype=np.float64), requires_grad=True, dtype=np.float64)
    optimizer = SGD([w32, w64], lr=0.5)
    w32.grad = np.full(3, 2.0, dtype=np.float32)
    w64.grad = np.full(2, 4.0)
    optimizer.step()
    assert optimizer._flat is None
    np.testing.assert_array_equal(host(w32), [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(host(w64), [-1.0, -1.0])


def test_a_parameter_that_appears_late_keeps_its_own_step_count():
    a = gn.Tensor(np.ones(2, dtype=np.float32), requires_grad=True)
    b = gn.Tensor(np.ones(2, dtype=np.float32), requires_grad=True)
    optimizer = Adam([a, b], lr=0.1)
    a.grad = np.ones(2, dtype=np.float32)
    optimizer.step()  # only a has a gradient: b gets no state
    a.grad = np.ones(2, dtype=np.float32)
    b.grad = np.ones(2, dtype=np.float32)
    optimizer.step()  # steps 2 and 1: they cannot share one flat state
    assert optimizer._flat is None
    assert optimizer.state[a].step == 2 and optimizer.state[b].step == 1
    # Adam's first step has size lr whatever the gradient: b moved by exactly 0.1.
    np.testing.assert_allclose(host(b), [0.9, 0.9], rtol=1e-6)
