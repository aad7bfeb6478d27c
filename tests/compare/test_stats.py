"""The corrected resampled t-test against hand-computed numbers and scipy's plain paired test."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from glassnet.compare.stats import corrected_t_test
from glassnet.errors import ConfigError


def test_with_no_correction_it_is_scipys_paired_t_test():
    a = [0.91, 0.95, 0.93, 0.97, 0.92]
    b = [0.90, 0.93, 0.94, 0.94, 0.90]
    ours = corrected_t_test(a, b, test_fraction=0.0)
    theirs = stats.ttest_rel(a, b)
    assert ours.t == pytest.approx(theirs.statistic)
    assert ours.p_value == pytest.approx(theirs.pvalue)


def test_the_correction_inflates_the_variance_by_one_over_k_plus_the_test_fraction():
    a = np.array([0.91, 0.95, 0.93, 0.97, 0.92])
    b = np.array([0.90, 0.93, 0.94, 0.94, 0.90])
    d = a - b
    result = corrected_t_test(a, b, test_fraction=0.25)
    expected_se = math.sqrt((1 / 5 + 0.25) * d.var(ddof=1))
    assert result.std_error == pytest.approx(expected_se)
    assert result.t == pytest.approx(d.mean() / expected_se)
    assert result.p_value == pytest.approx(2 * stats.t.sf(abs(result.t), df=4))
    # Larger than the plain test's p-value: harder to call a difference significant.
    assert result.p_value > corrected_t_test(a, b, 0.0).p_value


def test_identical_and_constant_differences():
    same = corrected_t_test([0.9, 0.8, 0.7], [0.9, 0.8, 0.7], 0.5)
    assert same.p_value == 1.0 and not same.significant
    constant = corrected_t_test([0.9, 0.8, 0.7], [0.8, 0.7, 0.6], 0.5)
    assert constant.p_value == 0.0 and constant.significant and constant.t > 0


def test_bad_inputs_are_refused():
    with pytest.raises(ConfigError, match="equal length"):
        corrected_t_test([0.9, 0.8], [0.9], 0.25)
    with pytest.raises(ConfigError, match="at least 2 folds"):
        corrected_t_test([0.9], [0.8], 0.25)
    with pytest.raises(ConfigError, match="finite"):
        corrected_t_test([0.9, float("nan")], [0.8, 0.7], 0.25)
