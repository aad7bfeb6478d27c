"""Tests for glassnet/optim/evolution.py: gradient-free training by evolution."""

from __future__ import annotations

import importlib.util
import itertools
from pathlib import Path

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigError
from glassnet.optim.evolution import EvolutionStrategy, evolve
from tests.helpers import host

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "evolution_vs_gradient.py"


def load_example():
    """Import the example by path (examples/ is not a package)."""
    spec = importlib.util.spec_from_file_location("glassnet_example_evolution", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def comparison():
    return load_example().compare(seed=0)


def separable_points(seed: int = 0, n: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """2-D points labelled by the line x0 + 2·x1 = 0.5, with a margin around it."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(4 * n, 2))
    score = x[:, 0] + 2 * x[:, 1] - 0.5
    keep = np.abs(score) > 0.2
    x, score = x[keep][:n], score[keep][:n]
    return x.astype(np.float32), (score > 0).astype(np.float32)[:, None]


def test_reduces_a_quadratic():
    w = gn.Tensor([3.0, -2.0, 0.5], requires_grad=True)
    target = np.array([1.0, 1.0, -1.0])

    def loss():
        return float(((host(w) - target) ** 2).sum())

    start = loss()
    es = EvolutionStrategy([w], population=30, sigma=0.3, rng=0)
    history = [es.step(loss) for _ in range(60)]
    assert history[-1] < 1e-3 * start
    # Elitism: the best loss never gets worse, and the tensor holds the best weights.
    assert all(later <= earlier for earlier, later in itertools.pairwise(history))
    assert loss() == pytest.approx(history[-1], rel=1e-5)
    assert es.evaluations == 1 + 60 * (30 + 1)


@pytest.mark.parametrize("recombination", ["mean", "best"])
def test_trains_a_step_neuron_that_gradient_descent_cannot(recombination):
    x, y = separable_points()
    neuron = gn.Dense(1, activation="step", input_dim=2, rng=0)
    result = evolve(
        neuron, x, y, "mse", generations=60, sigma=0.5, recombination=recombination, rng=0
    )
    with gn.no_grad():
        predicted = neuron(gn.Tensor(x)).numpy()
    assert result.best_loss == 0.0
    assert np.array_equal(predicted, y)
    # The step's gradient is zero: one SGD step leaves a fresh neuron unchanged.
    fresh = gn.Dense(1, activation="step", input_dim=2, rng=0)
    before = [host(p).copy() for p in fresh.parameters()]
    optimizer = gn.SGD(fresh, lr=1.0)
    gn.MSE()(fresh(gn.Tensor(x)), gn.Tensor(y)).backward()
    optimizer.step()
    assert all(np.array_equal(a, host(p)) for a, p in zip(before, fresh.parameters(), strict=True))


def test_builds_a_lazy_model_on_the_first_step():
    x, y = separable_points()
    neuron = gn.Dense(1, activation="sigmoid", rng=1)
    result = evolve(neuron, x, y, "mse", generations=3, population=5, rng=1)
    assert neuron.kernel.shape == (2, 1)
    assert len(result.history) == 3
    assert result.evaluations == 1 + 1 + 3 * (5 + 1)  # build, parent, generations


def test_same_seed_gives_identical_results():
    x, y = separable_points(seed=3)

    def run(seed):
        neuron = gn.Dense(1, activation="sigmoid", input_dim=2, rng=5)
        result = evolve(neuron, x, y, "mse", generations=10, rng=seed)
        return result.history, [host(p).copy() for p in neuron.parameters()]

    history_a, weights_a = run(7)
    history_b, weights_b = run(7)
    history_c, _ = run(8)
    assert history_a == history_b
    assert all(np.array_equal(a, b) for a, b in zip(weights_a, weights_b, strict=True))
    assert history_a != history_c


@pytest.mark.parametrize(
    ("options", "quoted"),
    [
        ({"population": 0}, "population must be a positive integer, got 0"),
        ({"population": 2.5}, "got 2.5"),
        ({"sigma": -0.1}, "sigma must be a positive number, got -0.1"),
        ({"elite": 60}, "at most the population (50), got 60"),
        ({"recombination": "median"}, "got 'median'"),
        ({"elitism": "yes"}, "got 'yes'"),
        ({"rng": "seed"}, "got 'seed'"),
    ],
)
def test_bad_arguments_raise_config_error_quoting_the_value(options, quoted):
    w = gn.Tensor([1.0], requires_grad=True)
    with pytest.raises(ConfigError, match="EvolutionStrategy") as error:
        EvolutionStrategy([w], **options)
    assert quoted in str(error.value)


def test_evolve_checks_generations():
    with pytest.raises(ConfigError, match="generations must be a positive integer, got 0"):
        evolve(gn.Dense(1), np.zeros((2, 1)), np.zeros((2, 1)), "mse", generations=0)


def test_customer_threshold_within_two_years_of_42(comparison):
    evolution = comparison["evolution"]
    assert abs(evolution["threshold"] - 42) <= 2
    assert evolution["evaluations"] == 1 + 100 * (50 + 1)


def test_normalized_gradient_descent_needs_fewer_evaluations(comparison):
    gradient = comparison["gradient_normalized"]
    assert abs(gradient["threshold"] - 42) <= 2
    assert gradient["evaluations"] < comparison["evolution"]["evaluations"] / 10


def test_raw_age_gradient_descent_is_far_worse_at_the_same_budget(comparison):
    raw, normalized = comparison["gradient_raw"], comparison["gradient_normalized"]
    assert raw["evaluations"] == normalized["evaluations"]
    assert abs(raw["threshold"] - 42) > 20
    assert raw["loss"] > normalized["loss"] + 0.1


def test_example_prints_the_table(capsys):
    example = load_example()
    text = example.table(example.compare(seed=0))
    assert "evolution (raw ages)" in text
    assert "gradient descent (raw ages)" in text
    assert len(text.splitlines()) == 4
