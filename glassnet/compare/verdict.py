"""The plain verdict of a comparison: is the network worth it against the best baseline?

A pure function of the fold scores and training times, so that its logic can be
tested on constructed numbers.

Example:
    >>> net = ModelScores("network", [0.95, 0.96, 0.94, 0.97, 0.95], fit_time=4.0)
    >>> forest = ModelScores("random forest", [0.95, 0.95, 0.95, 0.96, 0.96], fit_time=0.1)
    >>> verdict(net, forest, "accuracy", test_fraction=0.25).outcome
    'not significant'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from glassnet.compare.stats import PairedTest, corrected_t_test

NOT_SIGNIFICANT = "not significant"
NETWORK_BETTER = "network better"
BASELINE_BETTER = "baseline better"

# How a sentence names each baseline (with its article).
_NOUN_PHRASES = {
    "logistic regression": "logistic regression",
    "linear regression": "linear regression",
    "decision tree": "a decision tree",
    "k-nearest neighbours": "k-nearest neighbours",
    "random forest": "a random forest",
    "SVM": "an SVM",
    "isolation forest": "an isolation forest",
}
# (as good as, better than) in the metric's own words.
_WORDS = {
    "accuracy": ("as accurate", "more accurate"),
    "r2": ("as good a fit (R²)", "a better fit (R²)"),
    "roc_auc": ("as good at ranking (ROC-AUC)", "better at ranking (ROC-AUC)"),
}


@dataclass(frozen=True)
class ModelScores:
    """One model's score on each fold (higher is better) and its mean training time."""

    name: str
    scores: Sequence[float]
    fit_time: float


@dataclass(frozen=True)
class Verdict:
    """The outcome (:data:`NOT_SIGNIFICANT`, :data:`NETWORK_BETTER`, :data:`BASELINE_BETTER`),
    the sentence that says it, the paired test (network − baseline) and how many times
    longer the network takes to train."""

    outcome: str
    text: str
    test: PairedTest
    fit_time_ratio: float


def noun_phrase(name: str) -> str:
    """``"a random forest"`` for ``"random forest"``; unknown names are used as they are."""
    return _NOUN_PHRASES.get(name, name)


def _p(p_value: float) -> str:
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"


def _times(ratio: float) -> str:
    """``40 ×`` or ``2.5 ×``: whole numbers once the ratio is large."""
    return f"{ratio:.0f} ×" if ratio >= 10 else f"{ratio:.1f} ×"


def verdict(
    network: ModelScores,
    baseline: ModelScores,
    metric: str,
    test_fraction: float,
    alpha: float = 0.05,
) -> Verdict:
    """Compare the network with the best baseline on paired fold scores.

    The difference is read in *points* (hundredths of the metric: percentage points
    of accuracy, of R², of ROC-AUC) with its corrected standard error, and tested by
    :func:`~glassnet.compare.stats.corrected_t_test` at ``alpha``. When the two are
    not significantly different, the faster one to train is preferred.

    Args:
        network: the network's fold scores and training time.
        baseline: the best baseline's, on the same folds in the same order.
        metric: the metric's name (``accuracy``, ``r2``, ``roc_auc`` read best).
        test_fraction: test over training samples per fold (1 / (k − 1) for k folds).
        alpha: the significance level.

    Returns:
        The :class:`Verdict`.
    """
    test = corrected_t_test(network.scores, baseline.scores, test_fraction, alpha)
    ratio = network.fit_time / max(baseline.fit_time, 1e-9)
    same, better = _WORDS.get(metric, (f"as good ({metric})", f"better ({metric})"))
    other = noun_phrase(baseline.name)
    points = abs(test.mean) * 100
    spread = f"{points:.1f} ± {test.std_error * 100:.1f} points, {_p(test.p_value)}"
    if not test.significant:
        difference = f"difference {test.mean * 100:+.1f} ± {test.std_error * 100:.1f} points"
        said = f"{difference}, p = {test.p_value:.2f}, not significant"
        if ratio >= 1:
            text = f"{other} is {same} ({said}) and {_times(ratio)} faster to train: prefer it"
        else:
            text = (
                f"{other} is {same} ({said}), but the network is {_times(1 / ratio)} faster "
                "to train: either will do"
            )
        outcome = NOT_SIGNIFICANT
    elif test.mean < 0:
        if ratio >= 1:
            tail = f"and {_times(ratio)} faster to train: prefer it"
        else:
            tail = (
                f"though the network is {_times(1 / ratio)} faster to train: prefer {other} "
                "unless training time matters more"
            )
        text = f"{other} is {better} (by {spread}, significant) {tail}"
        outcome = BASELINE_BETTER
    else:
        cost = (
            f"at {_times(ratio)} the training time"
            if ratio >= 1
            else f"and {_times(1 / ratio)} faster to train"
        )
        text = (
            f"the network is {better} than the best baseline, {other} (by {spread}, "
            f"significant), {cost}: the network is worth it here"
        )
        outcome = NETWORK_BETTER
    return Verdict(outcome, text[0].upper() + text[1:] + ".", test, ratio)
