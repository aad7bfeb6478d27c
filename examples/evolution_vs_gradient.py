"""Evolution versus gradient descent on the customer-by-age neuron.

One sigmoid neuron, P(buy | age) = sigmoid(w · age + b), learns from the bundled
customer data, whose true 50 % point is age 42. The neuron's own 50 % point is the
age where w · age + b = 0, i.e. ``-b / w``. Three ways to train it:

(a) evolution: 100 generations of mutation and selection on the raw ages, no
    gradients at all; it finds the threshold, but pays one loss evaluation per
    offspring (about 5,000);
(b) gradient descent on normalised ages (z-scores): each step's gradient points the
    right way, so a few hundred evaluations suffice;
(c) gradient descent on raw ages, with the same budget as (b): ages around 50 make
    the loss surface a long narrow valley, the learning rate must be tiny to stay
    stable, and the bias barely moves.

Run: python examples/evolution_vs_gradient.py
"""

from __future__ import annotations

import numpy as np

import glassnet as gn
from glassnet.optim.evolution import evolve

SAMPLES = 1000
GENERATIONS = 100
GD_STEPS = 300  # full-batch steps: one loss evaluation each


def customer_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Ages (samples, 1) and bought-or-not targets (samples, 1), as float32."""
    data = gn.data.customers(n=SAMPLES, seed=seed)
    return data.x.astype(np.float32), data.y.astype(np.float32)[:, None]


def _threshold(neuron: gn.Dense, mean: float = 0.0, std: float = 1.0) -> float:
    """The age where the neuron says 50 %; inputs were (age - mean) / std."""
    w, b = float(neuron.kernel.data[0, 0]), float(neuron.bias.data[0])
    return mean + std * (-b / w)


def by_evolution(seed: int = 0) -> dict:
    """(a) Train on raw ages by evolution; return evaluations, threshold and loss."""
    ages, bought = customer_data(seed)
    neuron = gn.Dense(1, input_dim=1, rng=seed, name="buy")
    # The logits form of cross-entropy: the sigmoid is inside the loss, for stability.
    result = evolve(
        neuron,
        ages,
        bought,
        gn.BinaryCrossEntropy(from_logits=True),
        generations=GENERATIONS,
        population=50,
        sigma=0.5,
        rng=seed,
    )
    return {
        "evaluations": result.evaluations,
        "threshold": _threshold(neuron),
        "loss": result.best_loss,
    }


def by_gradient(normalize: bool, steps: int = GD_STEPS, seed: int = 0) -> dict:
    """(b)/(c) Full-batch gradient descent for ``steps`` steps, on z-scores or raw ages."""
    ages, bought = customer_data(seed)
    mean, std = 0.0, 1.0
    if normalize:
        scaler = gn.data.StandardScaler().fit(ages)
        mean, std = float(scaler.mean[0]), float(scaler.std[0])
        ages = scaler.transform(ages).astype(np.float32)
        lr = 1.0
    else:
        # Larger rates diverge: the curvature along w grows with age², about 2,500.
        lr = 1e-3
    neuron = gn.Dense(1, input_dim=1, rng=seed, name="buy")
    optimizer = gn.SGD(neuron, lr=lr)
    loss_fn = gn.BinaryCrossEntropy(from_logits=True)
    inputs, targets = gn.Tensor(ages), gn.Tensor(bought)
    loss = float("nan")
    for _ in range(steps):
        optimizer.zero_grad()
        value = loss_fn(neuron(inputs), targets)
        value.backward()
        optimizer.step()
        loss = float(value.item())
    with gn.no_grad():
        loss = float(loss_fn(neuron(inputs), targets).item())
    return {"evaluations": steps, "threshold": _threshold(neuron, mean, std), "loss": loss}


def compare(seed: int = 0) -> dict:
    """All three runs: ``{"evolution": ..., "gradient_normalized": ..., "gradient_raw": ...}``."""
    return {
        "evolution": by_evolution(seed),
        "gradient_normalized": by_gradient(normalize=True, seed=seed),
        "gradient_raw": by_gradient(normalize=False, seed=seed),
    }


def table(results: dict) -> str:
    """The comparison as a small text table."""
    lines = [f"{'method':<32}{'loss evaluations':>18}{'threshold age':>15}{'loss':>8}"]
    names = {
        "evolution": "evolution (raw ages)",
        "gradient_normalized": "gradient descent (z-scores)",
        "gradient_raw": "gradient descent (raw ages)",
    }
    for key, label in names.items():
        row = results[key]
        lines.append(
            f"{label:<32}{row['evaluations']:>18}{row['threshold']:>15.1f}{row['loss']:>8.3f}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(compare()))
    print("true threshold: age 42")
