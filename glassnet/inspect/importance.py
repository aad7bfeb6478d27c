"""``permutation_importance``: how much a model's score drops when one feature is shuffled.

Shuffling a feature's column breaks its link with the target while keeping its
distribution; the drop in the score (accuracy, R², …) is what the model owed to
that feature. This is model-agnostic and measured on data, so it is the global
ranking to show next to the per-sample :func:`glassnet.inspect.explain`.

Example:
    >>> import glassnet as gn, numpy as np
    >>> layer = gn.Dense(1, input_dim=2)
    >>> layer.kernel.data[:] = [[3.0], [0.0]]
    >>> x = np.random.default_rng(0).normal(size=(200, 2)); y = 3 * x[:, 0]
    >>> result = gn.inspect.permutation_importance(gn.Sequential([layer]), x, y)
    >>> result.ranked()[0][0]
    'x1'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet.errors import ConfigError, ShapeError
from glassnet.inspect import _trace_format as tf
from glassnet.inspect.attributions import feature_names_for
from glassnet.nn.module import Module
from glassnet.train.api import raw_outputs
from glassnet.train.metrics import Metric, get_metric
from glassnet.train.outputs import OutputReader, true_labels


@dataclass
class FeatureImportance:
    """Permutation importances: the score's drop per shuffled feature, over repeats.

    Attributes:
        names: feature names.
        mean, std: the drop in ``metric`` (positive: the model needs the feature),
            mean and standard deviation over the repeats.
        importances: every repeat's drop, shape (features, repeats).
        metric: the metric's name; baseline_score: its value on the unshuffled data.
    """

    names: list[str]
    mean: np.ndarray
    std: np.ndarray
    importances: np.ndarray
    metric: str
    baseline_score: float

    def ranked(self) -> list[tuple[str, float, float]]:
        """``(name, mean drop, std)``, most important first."""
        order = np.argsort(-self.mean, kind="stable")
        return [(self.names[i], float(self.mean[i]), float(self.std[i])) for i in order]

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "baseline_score": self.baseline_score,
            "repeats": int(self.importances.shape[1]),
            "features": [
                {"name": name, "mean": mean, "std": std} for name, mean, std in self.ranked()
            ],
        }

    def __str__(self, limit: int = 15) -> str:
        width = max([7, *(len(name) for name in self.names)])
        lines = [
            f"permutation importance: drop in {self.metric} when a feature is shuffled "
            f"({self.importances.shape[1]} repeats; {self.metric} "
            f"{tf.fmt(self.baseline_score)} unshuffled)",
            f"  rank  {'feature':<{width}}  {'drop':>9}  {'± std':>9}",
        ]
        ranked = self.ranked()
        for rank, (name, mean, std) in enumerate(ranked[:limit], start=1):
            lines.append(f"  {rank:>4}  {name:<{width}}  {tf.fmt(mean):>9}  {tf.fmt(std):>9}")
        if len(ranked) > limit:
            lines.append(f"  … and {len(ranked) - limit} more features")
        return "\n".join(lines)


def permutation_importance(
    model: Module,
    x: Any,
    y: Any,
    *,
    feature_names: list[str] | None = None,
    n_repeats: int = 5,
    seed: int = 0,
    metric: Any = None,
) -> FeatureImportance:
    """Rank features by the drop in the model's score when each one is shuffled.

    Args:
        model: any model (it is only asked for predictions).
        x: samples, shape (samples, features) (or images: each value is a feature).
        y: their targets (class labels, one-hot rows or values).
        feature_names: one name per feature; default the model's saved names or
            ``x1``, ``x2``, ….
        n_repeats: shuffles per feature (the spread gives ``std``).
        seed: seeds the shuffles, so the same call gives the same numbers.
        metric: a metric name (``"accuracy"``, ``"r2"``, ``"mse"``, …), a
            :class:`~glassnet.train.metrics.Metric`, or a function
            ``(y_true, outputs) -> score`` where higher is better. Default:
            accuracy for a classifier, R² otherwise (as scikit-learn's ``score``).

    Returns:
        A :class:`FeatureImportance`.
    """
    if not isinstance(n_repeats, (int, np.integer)) or isinstance(n_repeats, bool) or n_repeats < 1:
        raise ConfigError(f"n_repeats must be a positive integer, got {n_repeats!r}")
    x = np.asarray(tf.host_values(x), dtype=np.float64)
    y = tf.host_values(y)
    if x.ndim < 2 or len(x) < 2:
        raise ShapeError(f"permutation importance needs a batch of samples, got shape {x.shape}")
    if len(y) != len(x):
        raise ShapeError(f"{len(x)} samples but {len(y)} targets")
    features = int(np.prod(x.shape[1:]))
    names = feature_names_for(model, features, feature_names)
    score, metric_name, greater_is_better = _scorer(model, metric, x)
    baseline = score(y, raw_outputs(model, x, 256))
    rng = np.random.default_rng(seed)
    flat = x.reshape(len(x), features)
    drops = np.empty((features, n_repeats))
    for feature in range(features):
        shuffled = flat.copy()
        for repeat in range(n_repeats):
            shuffled[:, feature] = flat[rng.permutation(len(x)), feature]
            permuted = score(y, raw_outputs(model, shuffled.reshape(x.shape), 256))
            drop = baseline - permuted
            drops[feature, repeat] = drop if greater_is_better else -drop
    return FeatureImportance(
        names, drops.mean(axis=1), drops.std(axis=1), drops, metric_name, float(baseline)
    )


def _scorer(
    model: Module, metric: Any, x: np.ndarray
) -> tuple[Callable[[np.ndarray, np.ndarray], float], str, bool]:
    """(score(y, outputs), its name, whether higher is better) for ``metric``."""
    reader = _reader(model, x)
    if metric is None:
        metric = "accuracy" if reader.is_classifier else "r2"
    if callable(metric) and not isinstance(metric, Metric):
        fn = metric
        return (lambda y, out: float(fn(y, out))), getattr(fn, "__name__", "score"), True
    chosen = get_metric(metric)

    def score(y: np.ndarray, outputs: np.ndarray) -> float:
        if chosen.kind == "values":
            return float(chosen(y.reshape(outputs.shape).astype(np.float64), outputs))
        if not reader.is_classifier:
            raise ConfigError(
                f"metric '{chosen.name}' needs class predictions, but the model is a "
                "regression model; use 'r2', 'mse' or 'mae'"
            )
        given = reader.labels(outputs) if chosen.kind == "labels" else reader.scores(outputs)
        return float(chosen(true_labels(y), given))

    return score, chosen.name, chosen.greater_is_better


def _reader(model: Module, x: np.ndarray) -> OutputReader:
    """How to read the outputs: from the compiled loss, else by the number of outputs."""
    config = getattr(model, "training_config", None)
    if config is not None:
        return config.reader
    width = raw_outputs(model, x[:1], 1).reshape(1, -1).shape[1]
    return OutputReader("multiclass", True) if width > 1 else OutputReader("regression", False)
