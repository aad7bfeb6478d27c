"""``compare``: a network against scikit-learn baselines on the same cross-validation folds.

Every model is fitted on the same training folds and scored on the same held-out
folds (stratified and shuffled with a seed for classification), so their fold
scores are paired and a paired test between the network and the best baseline is
valid. For each model: the metric's mean ± standard deviation over the folds, the
mean training and prediction time per fold, and the size of the fitted model.

Example:
    >>> result = compare("iris", folds=3, network=NetworkSettings(iterations=60))  # doctest: +SKIP
    >>> print(result.verdict.text)  # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from glassnet.compare.baselines import baselines
from glassnet.compare.contenders import (
    METRICS,
    NetworkContender,
    NetworkSettings,
    SklearnContender,
    score,
)
from glassnet.compare.verdict import ModelScores, Verdict, verdict
from glassnet.errors import ConfigError, DataError
from glassnet.pipeline.options import DataOptions
from glassnet.pipeline.sources import load_source


@dataclass
class Row:
    """One model's line of the table: times in seconds per fold, size in bytes."""

    model: str
    scores: list[float]
    fit_time: float
    predict_time: float
    size: int

    @property
    def mean(self) -> float:
        return float(np.mean(self.scores))

    @property
    def std(self) -> float:
        # The sample standard deviation over the folds (ddof=1).
        return float(np.std(self.scores, ddof=1)) if len(self.scores) > 1 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "mean": self.mean,
            "std": self.std,
            "fit_time": self.fit_time,
            "predict_time": self.predict_time,
            "size": self.size,
            "scores": self.scores,
        }


@dataclass
class Dataset:
    """Features, integer-coded targets and what they are, ready for cross-validation."""

    x: np.ndarray
    y: np.ndarray
    task: str
    classes: int
    name: str


@dataclass
class Comparison:
    """The table, the verdict and how they were measured."""

    metric: str
    rows: list[Row]
    verdict: Verdict
    best_baseline: str
    data: Dataset
    folds: list[tuple[np.ndarray, np.ndarray]]
    seed: int
    network: NetworkSettings
    extra: dict[str, Any] = field(default_factory=dict)

    def row(self, model: str) -> Row:
        return next(row for row in self.rows if row.model == model)

    def to_dict(self) -> dict[str, Any]:
        test = self.verdict.test
        return {
            "metric": self.metric,
            "rows": [row.to_dict() for row in self.rows],
            "verdict": self.verdict.text,
            "outcome": self.verdict.outcome,
            "best_baseline": self.best_baseline,
            "test": {
                "name": "corrected resampled t-test (Nadeau and Bengio), network − best baseline",
                "mean_difference": test.mean,
                "std_error": test.std_error,
                "t": test.t,
                "p_value": test.p_value,
                "alpha": test.alpha,
            },
            "data": self.data.name,
            "task": self.data.task,
            "samples": len(self.data.y),
            "folds": len(self.folds),
            "seed": self.seed,
            "network": self.network.to_dict(),
            "units": {
                "std": "sample standard deviation over the folds",
                "fit_time": "seconds per fold (mean)",
                "predict_time": "seconds per fold (mean)",
                "size": "bytes of the arrays the fitted model keeps (network: its float32 weights)",
            },
            **self.extra,
        }

    def table(self) -> str:
        """The table as aligned text, one model per line."""
        head = f"{'model':<22}{self.metric:>17}{'fit s':>10}{'predict s':>11}{'size':>10}"
        lines = [head, "-" * len(head)]
        for row in self.rows:
            lines.append(
                f"{row.model:<22}{row.mean:>9.3f} ± {row.std:.3f}{row.fit_time:>10.3f}"
                f"{row.predict_time:>11.4f}{human_bytes(row.size):>10}"
            )
        return "\n".join(lines)


def human_bytes(size: int) -> str:
    """``12.3 kB`` for 12,300 bytes (powers of 1,000)."""
    for unit in ("B", "kB", "MB"):
        if size < 1000 or unit == "MB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} MB"  # pragma: no cover - the loop returns


def prepare(
    data: Any,
    y: Any = None,
    target: str | None = None,
    task: str | None = None,
    options: DataOptions | None = None,
) -> Dataset:
    """A :class:`Dataset` from a DATA argument (bundled name, table, image folder) or arrays.

    ``task="anomaly"`` reads a binary classification target and makes its rarer
    class the positive one (1), the anomaly.
    """
    if task not in (None, "classification", "regression", "anomaly"):
        raise ConfigError(
            f"task must be classification, regression, anomaly or None (infer), got {task!r}"
        )
    load_task = "classification" if task == "anomaly" else task
    if isinstance(data, str):
        options = options or DataOptions(target=target)
        source = load_source(data, replace(options, task=load_task))
        if source.y is None:
            raise DataError(f"'{data}' has no target to compare models on")
        x, labels, found, name = source.x, source.y, source.task, data
    else:
        from glassnet.data.task import infer_task

        if y is None:
            raise ConfigError("compare(x, y): the targets y are needed with an array x")
        x, labels, name = np.asarray(data), np.asarray(y), "arrays"
        found = load_task or infer_task(labels)
    x = x.reshape(len(x), -1).astype(np.float64)
    if found == "regression":
        return Dataset(x, labels.astype(np.float64).reshape(len(x)), "regression", 0, name)
    values, codes, counts = np.unique(labels, return_inverse=True, return_counts=True)
    if task == "anomaly":
        if len(values) != 2:
            raise DataError(
                f"anomaly data needs a target with two classes (normal, anomaly), got {len(values)}"
            )
        # The rarer class is the anomaly, scored as the positive class.
        codes = (codes == int(np.argmin(counts))).astype(np.int64)
        return Dataset(x, codes, "anomaly", 2, name)
    return Dataset(x, codes.astype(np.int64), "classification", len(values), name)


def make_folds(data: Dataset, folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Seeded, shuffled k-fold splits; stratified by class unless it is a regression."""
    from sklearn.model_selection import KFold, StratifiedKFold

    if not isinstance(folds, int) or folds < 2:
        raise ConfigError(f"folds must be an integer of at least 2, got {folds!r}")
    if data.task == "regression":
        splitter: Any = KFold(folds, shuffle=True, random_state=seed)
    else:
        smallest = int(np.bincount(data.y).min())
        if smallest < folds:
            raise DataError(
                f"{folds}-fold cross-validation needs at least {folds} samples of every class; "
                f"the rarest class has {smallest} (use --folds {max(2, smallest)})"
            )
        splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    return list(splitter.split(data.x, data.y))


def cross_validate(
    contender: Any,
    data: Dataset,
    folds: list[tuple[np.ndarray, np.ndarray]],
    metric: str,
) -> Row:
    """Fit and score ``contender`` on every fold; mean times and size over the folds."""
    scores, fit_times, predict_times, sizes = [], [], [], []
    for train, test in folds:
        started = time.perf_counter()
        contender.fit(data.x[train], data.y[train])
        fitted = time.perf_counter()
        outputs = contender.outputs(data.x[test], metric)
        predicted = time.perf_counter()
        scores.append(score(metric, data.y[test], outputs))
        fit_times.append(fitted - started)
        predict_times.append(predicted - fitted)
        sizes.append(contender.size())
    return Row(
        contender.name,
        scores,
        float(np.mean(fit_times)),
        float(np.mean(predict_times)),
        round(float(np.mean(sizes))),
    )


def compare(
    data: Any,
    y: Any = None,
    *,
    target: str | None = None,
    task: str | None = None,
    folds: int = 5,
    seed: int = 0,
    network: NetworkSettings | None = None,
    alpha: float = 0.05,
    report: Callable[[str], None] | None = None,
    options: DataOptions | None = None,
) -> Comparison:
    """Cross-validate a glassnet network and scikit-learn baselines on the same folds.

    Args:
        data: a bundled data set name, a table file, an image folder, or an array of
            features (then ``y`` holds the targets).
        y: the targets, when ``data`` is an array.
        target: the column to predict in a table file.
        task: ``"classification"``, ``"regression"``, ``"anomaly"`` (binary, the rarer
            class is the anomaly, scored by ROC-AUC, with an isolation forest added), or
            None to infer classification or regression.
        folds: the number of cross-validation folds.
        seed: seeds the folds, the baselines' randomness and the network.
        network: the network and its per-fold budget (default :class:`NetworkSettings`).
        alpha: the significance level of the paired test.
        report: called with a line after each model (progress for the CLI).
        options: how to read a table (impute, drop, categorical, na_values); ``target``
            is a shorthand for a DataOptions naming only the target.

    Returns:
        A :class:`Comparison`: ``table()``, ``verdict.text``, ``to_dict()``.
    """
    dataset = prepare(data, y, target, task, options)
    settings = network or NetworkSettings()
    splits = make_folds(dataset, folds, seed)
    metric = METRICS[dataset.task]
    contenders: list[Any] = [NetworkContender(dataset.task, dataset.classes, settings, seed)]
    contenders += [SklearnContender(n, e) for n, e in baselines(dataset.task, seed)]
    rows = []
    for contender in contenders:
        row = cross_validate(contender, dataset, splits, metric)
        rows.append(row)
        if report is not None:
            report(
                f"{row.model}: {metric} {row.mean:.3f} ± {row.std:.3f} ({row.fit_time:.2f} s a fold)"
            )
    net = rows[0]
    best = max(rows[1:], key=lambda row: row.mean)
    # Test samples over training samples of one fold, for the corrected t-test.
    train, test = splits[0]
    outcome = verdict(
        ModelScores(net.model, net.scores, net.fit_time),
        ModelScores(best.model, best.scores, best.fit_time),
        metric,
        test_fraction=len(test) / len(train),
        alpha=alpha,
    )
    extra = {"network_parameters": contenders[0].parameters()}
    return Comparison(metric, rows, outcome, best.model, dataset, splits, seed, settings, extra)
