"""Every optimizer on every available device: the same updates as on the CPU, moments
kept on the device, and saved state that comes back to the host as NumPy arrays."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet import backend
from glassnet.optim.factory import OPTIMIZERS

CASES = {
    "adagrad": lambda params: gn.Adagrad(params, lr=0.1),
    "adam": lambda params: gn.Adam(params, lr=0.01, amsgrad=True, weight_decay=0.01),
    "adamw": lambda params: gn.AdamW(params, lr=0.01),
    "rmsprop": lambda params: gn.RMSprop(params, lr=0.01, momentum=0.9, centered=True),
    "sgd": lambda params: gn.SGD(params, lr=0.1, momentum=0.9, nesterov=True, clipnorm=1.0),
}


def test_every_registered_optimizer_has_a_device_case():
    assert sorted(CASES) == sorted(OPTIMIZERS.names())


def _train(name: str, device: str, steps: int = 4):
    model = gn.Sequential([gn.Dense(5, "tanh", rng=0), gn.Dense(3, rng=1)]).to(device)
    x = np.random.default_rng(2).uniform(-1, 1, (6, 4))
    labels = np.array([0, 1, 2, 1, 0, 2])
    model(x)  # built before the optimizer sees the parameters
    optimizer = CASES[name](model.parameters())
    for _ in range(steps):
        optimizer.zero_grad()
        gn.CategoricalCrossEntropy(from_logits=True)(model(x), labels).backward()
        optimizer.step()
    return model, optimizer


@pytest.mark.parametrize("name", sorted(CASES))
def test_optimizer_updates_like_on_the_cpu(name, device):
    model, optimizer = _train(name, device)
    cpu_model, cpu_optimizer = _train(name, "cpu")
    for key, expected in cpu_model.state_dict().items():
        np.testing.assert_allclose(model.state_dict()[key], expected, rtol=1e-5, atol=1e-6)
    _, state = optimizer.state_dict()
    _, cpu_state = cpu_optimizer.state_dict()
    assert state.keys() == cpu_state.keys()
    for key, expected in cpu_state.items():
        assert isinstance(state[key], np.ndarray), key
        np.testing.assert_allclose(state[key], expected, rtol=1e-5, atol=1e-6, err_msg=key)
    target = backend.get_device_object(device).name
    assert all(p.device == target for p in model.parameters())


@pytest.mark.parametrize("name", sorted(CASES))
def test_saved_state_loads_back_onto_the_device(name, device):
    model, optimizer = _train(name, device, steps=2)
    weights, (config, arrays) = model.state_dict(), optimizer.state_dict()
    fresh_model = gn.Sequential([gn.Dense(5, "tanh"), gn.Dense(3)]).to(device)
    fresh_model(np.zeros((1, 4)))
    fresh_model.load_state_dict(weights)
    fresh = CASES[name](fresh_model.parameters())
    fresh.load_state_dict(config, arrays)
    x = np.random.default_rng(3).uniform(-1, 1, (6, 4))
    labels = np.array([2, 1, 0, 0, 1, 2])
    for m, opt in ((model, optimizer), (fresh_model, fresh)):
        opt.zero_grad()
        gn.CategoricalCrossEntropy(from_logits=True)(m(x), labels).backward()
        opt.step()
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(fresh_model.state_dict()[key], value)
