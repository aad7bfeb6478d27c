"""Evolution on a device: the search runs on the host, the candidates are scored where
the model lives, and a seed gives the same generations as on the CPU."""

from __future__ import annotations

import numpy as np

import glassnet as gn
from glassnet import backend
from glassnet.optim.evolution import EvolutionStrategy, evolve


def _data() -> tuple[np.ndarray, np.ndarray]:
    x = np.random.default_rng(0).normal(size=(16, 3))
    return x, (x[:, :1] - x[:, 2:] > 0).astype(np.float32)


def _model(device: str) -> gn.Sequential:
    return gn.Sequential([gn.Dense(4, "relu", rng=0), gn.Dense(1, "sigmoid", rng=1)]).to(device)


def _weights(model: gn.Module) -> list[np.ndarray]:
    return [parameter.numpy() for parameter in model.parameters()]


def test_evolve_gives_the_cpu_generations(device):
    x, y = _data()
    model, cpu = _model(device), _model("cpu")
    result = evolve(model, x, y, "mse", generations=4, population=6, sigma=0.3, rng=0)
    expected = evolve(cpu, x, y, "mse", generations=4, population=6, sigma=0.3, rng=0)
    np.testing.assert_allclose(result.history, expected.history, rtol=1e-6)
    assert result.evaluations == expected.evaluations
    assert model.device == backend.get_device_object(device).name
    for weights, cpu_weights in zip(_weights(model), _weights(cpu), strict=True):
        np.testing.assert_allclose(weights, cpu_weights, rtol=1e-6)


def _strategy_history(where: str) -> list[float]:
    x, y = _data()
    model = _model(where)
    inputs, targets = gn.Tensor(x, device=where), gn.Tensor(y, device=where)
    strategy = EvolutionStrategy(model, population=5, sigma=0.2, recombination="best", rng=1)
    loss = gn.BinaryCrossEntropy()
    # A loss_fn may return a Tensor on the device: its value is read from there.
    return [strategy.step(lambda: loss(model(inputs), targets)) for _ in range(3)]


def test_strategy_steps_with_a_device_loss(device):
    np.testing.assert_allclose(_strategy_history(device), _strategy_history("cpu"), rtol=1e-6)
