"""The paired test between two models scored on the same cross-validation folds.

Cross-validation folds share most of their training data, so the fold scores of
one model are correlated and a plain paired t-test underestimates the variance
of the difference: it calls too many differences "significant". Nadeau and
Bengio's *corrected resampled t-test* (Machine Learning 52, 2003) inflates the
variance by the ratio of test to training samples, which keeps the false-positive
rate near the nominal level (Bouckaert and Frank, 2004). See docs/decisions.md.

Example:
    >>> result = corrected_t_test([0.95, 0.96, 0.94, 0.97, 0.95], [0.93, 0.95, 0.93, 0.95, 0.94], 0.25)
    >>> round(result.mean, 3), result.significant
    (0.014, True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from glassnet.errors import ConfigError


@dataclass(frozen=True)
class PairedTest:
    """The difference ``a − b`` over paired folds and whether it is significant.

    Attributes:
        mean: the mean of the per-fold differences.
        std_error: the corrected standard error of that mean.
        t: the t statistic (0 when every difference is equal and zero).
        p_value: two-sided p-value with ``folds − 1`` degrees of freedom.
        alpha: the significance level the test was read at.
        folds: the number of paired scores.
    """

    mean: float
    std_error: float
    t: float
    p_value: float
    alpha: float
    folds: int

    @property
    def significant(self) -> bool:
        return self.p_value < self.alpha


def corrected_t_test(
    a: Sequence[float], b: Sequence[float], test_fraction: float, alpha: float = 0.05
) -> PairedTest:
    """Nadeau and Bengio's corrected resampled t-test of ``a − b``.

    Args:
        a: one model's score on each fold.
        b: the other model's score on the same folds, in the same order.
        test_fraction: test samples over training samples of one fold
            (``1 / (k − 1)`` for k-fold cross-validation); 0 gives the plain paired t-test.
        alpha: the significance level.

    Returns:
        The :class:`PairedTest`.

    Raises:
        ConfigError: fewer than two folds, lists of different lengths, or a
            non-finite score.
    """
    first = np.asarray(a, dtype=float)
    second = np.asarray(b, dtype=float)
    if first.shape != second.shape or first.ndim != 1:
        raise ConfigError(
            f"paired scores must be two lists of equal length, got {first.shape} and {second.shape}"
        )
    if len(first) < 2:
        raise ConfigError(f"a paired test needs at least 2 folds, got {len(first)}")
    if not (np.isfinite(first).all() and np.isfinite(second).all()):
        raise ConfigError("paired scores must be finite numbers")
    if not test_fraction >= 0 or not 0 < alpha < 1:
        raise ConfigError(
            f"need test_fraction >= 0 and 0 < alpha < 1, got {test_fraction}, {alpha}"
        )
    differences = first - second
    folds = len(differences)
    mean = float(differences.mean())
    variance = float(differences.var(ddof=1))
    std_error = math.sqrt((1 / folds + test_fraction) * variance)
    if std_error <= 1e-12 * max(1.0, abs(mean)):
        # Every fold gave the same difference (up to round-off): no spread to test against. A zero
        # difference is no evidence of anything; a constant non-zero one is as sure
        # as a difference can be.
        t = 0.0 if mean == 0 else math.copysign(math.inf, mean)
        p_value = 1.0 if mean == 0 else 0.0
    else:
        t = mean / std_error
        p_value = float(2 * stats.t.sf(abs(t), df=folds - 1))
    return PairedTest(mean, std_error, t, p_value, alpha, folds)
