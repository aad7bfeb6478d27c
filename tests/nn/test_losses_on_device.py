"""Every loss on every available device: the CPU's value and gradient, and a passing
gradient check there (targets given as host arrays are moved to the device)."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet import backend
from glassnet.nn.losses import LOSSES
from tests.helpers import random_array

LABELS = np.array([2, 0, 1, 2])
PROBABILITY_TARGETS = np.random.default_rng(7).uniform(0, 1, (4, 3))

# class -> (loss, predictions, target): classes by their canonical names.
CASES = {
    "ArctanError": (lambda: gn.ArctanError(), random_array((4, 3)), random_array((4, 3), seed=1)),
    "BinaryCrossEntropy": (
        lambda: gn.BinaryCrossEntropy(from_logits=True),
        random_array((4, 3)),
        PROBABILITY_TARGETS,
    ),
    "CategoricalCrossEntropy": (
        lambda: gn.CategoricalCrossEntropy(from_logits=True),
        random_array((4, 3)),
        LABELS,
    ),
    "Huber": (lambda: gn.Huber(delta=0.5), random_array((4, 3)), random_array((4, 3), seed=2)),
    "MAE": (lambda: gn.MAE(), random_array((4, 3)), random_array((4, 3), seed=3) + 3.0),
    "MSE": (lambda: gn.MSE(), random_array((4, 3)), random_array((4, 3), seed=4)),
}


def test_every_registered_loss_has_a_device_case():
    classes = {LOSSES.get(name).__name__ for name in LOSSES.names()}
    assert classes == set(CASES)


def _value_and_gradient(name: str, device: str) -> tuple[float, np.ndarray]:
    make, prediction, target = CASES[name]
    logits = gn.Tensor(prediction, requires_grad=True, device=device)
    loss = make()(logits, target)
    loss.backward()
    return float(loss), backend.to_numpy(logits.grad)


@pytest.mark.parametrize("name", sorted(CASES))
def test_loss_gives_the_cpu_value_and_gradient_on_the_device(name, device):
    value, gradient = _value_and_gradient(name, device)
    cpu_value, cpu_gradient = _value_and_gradient(name, "cpu")
    assert value == pytest.approx(cpu_value, rel=1e-5)
    np.testing.assert_allclose(gradient, cpu_gradient, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradient_check_passes_on_the_device(name, device):
    make, prediction, target = CASES[name]
    loss = make()
    with backend.using_device(device):
        report = gn.gradcheck(lambda z: loss(z, target), prediction)
    assert report.ok
