"""Learning curves: score against training-set size, and whether more data is likely to help.

Each model is trained on growing seeded subsets of each training fold and scored
on the fold's held-out part (validation) and on the subset it learned (training).
:func:`more_data_verdict` reads the curve's end:

* **likely** — the validation score still rises by at least ``min_slope`` points
  (hundredths of the metric) per doubling of the data at the largest sizes (a
  least-squares slope over the last three sizes against log₂ size);
* **possibly** — it has flattened, but training and validation scores are still
  ``min_gap`` points or more apart: the gap may close slowly with more data, while
  regularisation would close it sooner;
* **unlikely** — it has flattened and the two scores have met: a different model
  or better features, not more samples.

Example:
    >>> more_data_verdict([100, 200, 400, 800], [1.0, 1.0, 1.0, 1.0], [0.70, 0.76, 0.82, 0.88]).outcome
    'likely'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet.compare.contenders import score
from glassnet.errors import ConfigError

FRACTIONS = (0.1, 0.25, 0.5, 0.75, 1.0)


@dataclass(frozen=True)
class DataVerdict:
    """``likely``, ``possibly`` or ``unlikely``, the sentence, and the numbers it rests on."""

    outcome: str
    text: str
    slope: float  # points of the metric per doubling of the training set, at the end
    gap: float  # training minus validation score at the largest size, in points


def more_data_verdict(
    sizes: Sequence[float],
    train_scores: Sequence[float],
    val_scores: Sequence[float],
    min_slope: float = 1.0,
    min_gap: float = 5.0,
) -> DataVerdict:
    """Whether more data is likely to help, from a learning curve (rule in the module doc).

    Args:
        sizes: training-set sizes, increasing (at least two).
        train_scores: the mean score on the training subsets (higher is better).
        val_scores: the mean score on the held-out folds.
        min_slope: points per doubling that still count as rising.
        min_gap: points between training and validation scores that count as a gap.
    """
    n = np.asarray(sizes, dtype=float)
    train = np.asarray(train_scores, dtype=float)
    val = np.asarray(val_scores, dtype=float)
    if not len(n) == len(train) == len(val) or len(n) < 2:
        raise ConfigError(
            "a learning curve needs at least two sizes, with one score of each kind per size"
        )
    if np.any(np.diff(n) <= 0) or n[0] <= 0:
        raise ConfigError(f"learning-curve sizes must be positive and increasing, got {n.tolist()}")
    last = slice(-3, None)
    slope = float(np.polyfit(np.log2(n[last]), val[last] * 100, 1)[0])
    gap = float((train[-1] - val[-1]) * 100)
    numbers = f"{slope:+.1f} points per doubling of the data at the largest sizes; train–validation gap {gap:.1f} points"
    if slope >= min_slope:
        outcome = "likely"
        text = f"more data is likely to help: the validation score still rises ({numbers})"
    elif gap >= min_gap:
        outcome = "possibly"
        text = (
            f"more data may help, slowly: the curve has flattened but training and validation "
            f"scores are still apart ({numbers}); regularisation would close the gap sooner"
        )
    else:
        outcome = "unlikely"
        text = (
            f"more data is unlikely to help: the curve has flattened and training and validation "
            f"scores have met ({numbers}); try another model or better features"
        )
    return DataVerdict(outcome, text, slope, gap)


@dataclass
class Curve:
    """One model's learning curve, averaged over folds."""

    model: str
    sizes: list[int]
    train: list[float]
    validation: list[float]
    validation_std: list[float]

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "sizes": self.sizes,
            "train": self.train,
            "validation": self.validation,
            "validation_std": self.validation_std,
        }


def _subset(train: np.ndarray, y: np.ndarray, size: int, stratify: bool, seed: int) -> np.ndarray:
    from sklearn.model_selection import train_test_split

    if size >= len(train):
        return train
    try:
        part, _ = train_test_split(
            train, train_size=size, stratify=y[train] if stratify else None, random_state=seed
        )
    except ValueError:  # a class too rare to stratify a subset this small
        part = np.random.default_rng(seed).permutation(train)[:size]
    return np.sort(part)


def learning_curve(
    make: Callable[[], Any],
    x: np.ndarray,
    y: np.ndarray,
    folds: Sequence[tuple[np.ndarray, np.ndarray]],
    metric: str,
    fractions: Sequence[float] = FRACTIONS,
    stratify: bool = True,
    seed: int = 0,
) -> Curve:
    """Train a fresh ``make()`` contender on growing parts of each training fold.

    Args:
        make: builds an unfitted contender (``fit``, ``outputs``, ``name``).
        x, y: all the samples.
        folds: (training, held-out) index pairs, as for the comparison.
        metric: ``accuracy``, ``r2`` or ``roc_auc``.
        fractions: the parts of each training fold to train on, increasing.
        stratify: keep the classes' proportions in the subsets.
        seed: seeds the subsets.
    """
    if any(not 0 < f <= 1 for f in fractions) or list(fractions) != sorted(set(fractions)):
        raise ConfigError(f"fractions must increase within (0, 1], got {list(fractions)}")
    smallest = min(len(train) for train, _ in folds)
    sizes = [max(2, round(f * smallest)) for f in fractions]
    train_scores = np.zeros((len(folds), len(sizes)))
    val_scores = np.zeros_like(train_scores)
    name = ""
    for i, (train, test) in enumerate(folds):
        for j, size in enumerate(sizes):
            part = _subset(train, y, size, stratify, seed + i)
            model = make().fit(x[part], y[part])
            name = model.name
            train_scores[i, j] = score(metric, y[part], model.outputs(x[part], metric))
            val_scores[i, j] = score(metric, y[test], model.outputs(x[test], metric))
    return Curve(
        name,
        sizes,
        train_scores.mean(axis=0).tolist(),
        val_scores.mean(axis=0).tolist(),
        val_scores.std(axis=0, ddof=1).tolist() if len(folds) > 1 else [0.0] * len(sizes),
    )
