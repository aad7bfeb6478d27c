"""Small fixed problems shared by the optimizer tests.

The gradient of each test problem is a plain NumPy formula of the current weights,
so that an optimizer and an independent reference can be driven by the same
gradients without sharing any update code.
"""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.optim import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop
from tests.helpers import host

# float64 so that an optimizer and a reference agree to ~1e-15, and a wrong
# formula shows up far above the tolerance.
START = np.array([[0.5, -1.5, 2.0], [0.25, 3.0, -0.75]], dtype=np.float64)
TARGET = np.array([[1.0, 0.0, -1.0], [2.0, 0.5, 0.0]], dtype=np.float64)
SCALES = np.array([[1.0, 0.1, 5.0], [0.5, 2.0, 0.01]], dtype=np.float64)


def gradient(weights: np.ndarray, step: int) -> np.ndarray:
    """The gradient fed at ``step`` (1-based): an ill-conditioned quadratic plus a
    step-dependent shift, so that successive gradients differ in size and sign."""
    return 2.0 * SCALES * (weights - TARGET) + 0.3 * np.sin(step + np.arange(6).reshape(2, 3))


def parameter() -> gn.Tensor:
    """A fresh float64 parameter at ``START``."""
    return gn.Tensor(START.copy(), requires_grad=True, dtype=np.float64)


def run_optimizer(optimizer_cls: type, steps: int = 3, **settings: object) -> list[np.ndarray]:
    """The weights after each of ``steps`` steps of ``optimizer_cls`` on the fixed problem."""
    weights = parameter()
    optimizer = optimizer_cls([weights], **settings)
    trajectory = []
    for step in range(1, steps + 1):
        weights.grad = gradient(host(weights).copy(), step)
        optimizer.step()
        trajectory.append(host(weights).copy())
    return trajectory


def minimise_quadratic(
    optimizer: Optimizer, weights: gn.Tensor, target: np.ndarray, steps: int
) -> tuple[float, float]:
    """Run ``steps`` steps on sum((w - target)**2) through autograd; (first, last) loss."""
    first = None
    loss = None
    for _ in range(steps):
        optimizer.zero_grad()
        loss = ((weights - target) ** 2).sum()
        if first is None:
            first = loss.item()
        loss.backward()
        optimizer.step()
    return first, ((weights - target) ** 2).sum().item()


# Every optimizer, each code path (momentum, Nesterov, coupled and decoupled decay,
# AMSGrad, centring, each clipping option) at least once.
ALL_OPTIMIZERS = [
    pytest.param(SGD, {"lr": 0.1}, id="sgd"),
    pytest.param(
        SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}, id="nesterov"
    ),
    pytest.param(SGD, {"lr": 0.1, "momentum": 0.5, "clipnorm": 0.5}, id="sgd-clipnorm"),
    pytest.param(Adam, {"lr": 0.01}, id="adam"),
    pytest.param(Adam, {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1}, id="adam-amsgrad"),
    pytest.param(Adam, {"lr": 0.01, "global_clipnorm": 0.5}, id="adam-globalclip"),
    pytest.param(AdamW, {"lr": 0.01, "weight_decay": 0.1}, id="adamw"),
    pytest.param(
        RMSprop,
        {"lr": 0.01, "momentum": 0.9, "centered": True, "weight_decay": 0.1},
        id="rmsprop-centered",
    ),
    pytest.param(RMSprop, {"lr": 0.01, "clipvalue": 0.2}, id="rmsprop-clipvalue"),
    pytest.param(Adagrad, {"lr": 0.1, "lr_decay": 0.1, "weight_decay": 0.1}, id="adagrad"),
]


class LazyModel:
    """A stand-in for a gn.nn.Module whose weights appear on the first forward pass."""

    def __init__(self) -> None:
        self.weights: list[gn.Tensor] = []

    def build(self) -> None:
        rng = np.random.default_rng(0)
        self.weights = [
            gn.Tensor(rng.normal(size=(3, 4)), requires_grad=True),
            gn.Tensor(rng.normal(size=(4,)), requires_grad=True),
        ]

    def parameters(self) -> list[gn.Tensor]:
        return list(self.weights)

    def loss(self) -> gn.Tensor:
        x = gn.Tensor(np.linspace(-1.0, 1.0, 6).reshape(2, 3))
        out = x @ self.weights[0] + self.weights[1]
        return ((out - 0.5) ** 2).mean()


def train(optimizer: Optimizer, model: LazyModel, steps: int) -> None:
    for _ in range(steps):
        optimizer.zero_grad()
        model.loss().backward()
        optimizer.step()
