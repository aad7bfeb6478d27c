"""The models of a comparison behind one small interface: fit, outputs for a metric, size.

``SklearnContender`` wraps a scikit-learn baseline; ``NetworkContender`` trains a
glassnet multi-layer perceptron exactly as ``glassnet train`` builds it (z-scored
inputs, He-initialised ReLU layers with dropout, Adam, a cosine learning-rate
schedule), with a per-fold budget of iterations instead of the CLI's longer
default (see :class:`NetworkSettings`).

Example:
    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=(40, 3)); y = (x[:, 0] > 0).astype(int)
    >>> net = NetworkContender("classification", 2, NetworkSettings(iterations=20), seed=0)
    >>> net.fit(x, y).outputs(x, "accuracy").shape
    (40,)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from glassnet.backend import seed
from glassnet.compare.baselines import model_bytes, positive_scores
from glassnet.errors import ConfigError
from glassnet.pipeline import fitting, recipe
from glassnet.pipeline.options import TrainSettings

METRICS = {"classification": "accuracy", "regression": "r2", "anomaly": "roc_auc"}


def score(metric: str, y: np.ndarray, outputs: np.ndarray) -> float:
    """The metric (higher is better) of ``outputs`` as :meth:`outputs` gives them."""
    from sklearn.metrics import accuracy_score, r2_score, roc_auc_score

    if metric == "accuracy":
        return float(accuracy_score(y, outputs))
    if metric == "r2":
        return float(r2_score(y, outputs))
    if metric == "roc_auc":
        return float(roc_auc_score(y, outputs))
    raise ConfigError(f"unknown comparison metric {metric!r}; known: accuracy, r2, roc_auc")


@dataclass
class NetworkSettings:
    """The network of a comparison and its per-fold training budget.

    The CLI's default (about 4,000 iterations) times 5 folds is too slow for a
    comparison; about 1,000 iterations per fold (20 to 200 epochs) reach within a
    point or so of it on the bundled sets. See docs/decisions.md.
    """

    layers: tuple[int, ...] = (256,)
    activation: str = "relu"
    dropout: float = 0.2
    optimizer: str = "adam"
    lr: float = 1e-3
    weight_decay: float = 0.0
    batch_size: int = 32
    iterations: int = 1000
    min_epochs: int = 20
    max_epochs: int = 200
    schedule: str = "cosine"
    extra: dict[str, Any] = field(default_factory=dict)

    def epochs(self, samples: int) -> int:
        """Epochs that give about ``iterations`` batches on ``samples`` training samples."""
        steps = math.ceil(samples / self.batch_size)
        return min(self.max_epochs, max(self.min_epochs, math.ceil(self.iterations / steps)))

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "layers": list(self.layers)}


class SklearnContender:
    """A scikit-learn estimator, cloned fresh for every fit."""

    def __init__(self, name: str, estimator: Any) -> None:
        self.name = name
        self.template = estimator
        self.fitted: Any = None

    def fit(self, x: np.ndarray, y: np.ndarray) -> SklearnContender:
        from sklearn.base import clone

        self.fitted = clone(self.template)
        if self.name == "isolation forest":
            self.fitted.fit(x)  # unsupervised: the labels are not its to see
        else:
            self.fitted.fit(x, y)
        return self

    def outputs(self, x: np.ndarray, metric: str) -> np.ndarray:
        if self.fitted is None:
            raise ConfigError(f"{self.name} is not fitted")
        if metric == "roc_auc":
            return positive_scores(self.fitted, x)
        return np.asarray(self.fitted.predict(x))

    def size(self) -> int:
        return model_bytes(self.fitted)


class NetworkContender:
    """A glassnet MLP, built and trained by ``glassnet train``'s recipe steps."""

    name = "network"

    def __init__(self, task: str, classes: int, settings: NetworkSettings, seed: int) -> None:
        self.task, self.classes, self.settings, self.seed = task, classes, settings, seed
        self.model: Any = None
        self.scaler: Any = None
        self.target_scaler: Any = None
        self.epochs = 0

    def fit(self, x: np.ndarray, y: np.ndarray) -> NetworkContender:
        """Train through glassnet train's recipe steps (scale, build, compile, fit)."""
        settings = self.settings
        task = "regression" if self.task == "regression" else "classification"
        self.scaler, self.target_scaler = recipe.fit_scalers(x, y, task)
        inputs = self.scaler.transform(x)
        targets = (
            y if self.target_scaler is None else self.target_scaler.transform(y.reshape(len(y), -1))
        )
        recipe_settings = TrainSettings(
            layers=list(settings.layers),
            activation=settings.activation,
            dropout=settings.dropout,
            optimizer=settings.optimizer,
            lr=settings.lr,
            batch_size=settings.batch_size,
            weight_decay=settings.weight_decay,
            schedule=settings.schedule,
            seed=self.seed,
        )
        seed(self.seed)
        self.model = recipe.build_network(
            recipe_settings, task, self.classes if task == "classification" else 1, inputs
        )
        fitting.compile_network(self.model, task, recipe_settings)
        self.epochs = settings.epochs(len(inputs))
        fitting.fit_network(self.model, inputs, targets, recipe_settings, self.epochs, verbose=0)
        return self

    def outputs(self, x: np.ndarray, metric: str) -> np.ndarray:
        if self.model is None:
            raise ConfigError("the network is not fitted")
        raw = self.model.predict(self.scaler.transform(x))
        if metric == "r2":
            return self.target_scaler.inverse_transform(raw).reshape(len(x))
        if metric == "roc_auc":
            # The softmax probability of class 1 is monotone in this logit difference.
            return raw[:, 1] - raw[:, 0]
        return raw.argmax(axis=1)

    def size(self) -> int:
        return int(sum(p.data.nbytes for p in self.model.parameters()))

    def parameters(self) -> int:
        return int(sum(p.data.size for p in self.model.parameters()))
