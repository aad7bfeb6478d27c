"""The verdict logic on constructed fold scores: not significant, network better, baseline better."""

from __future__ import annotations

from glassnet.compare.verdict import (
    BASELINE_BETTER,
    NETWORK_BETTER,
    NOT_SIGNIFICANT,
    ModelScores,
    verdict,
)

NOISY = [0.95, 0.97, 0.93, 0.96, 0.94]


def test_a_difference_within_the_noise_is_not_significant_and_prefers_the_faster_model():
    network = ModelScores("network", NOISY, fit_time=4.0)
    forest = ModelScores("random forest", [0.96, 0.95, 0.95, 0.94, 0.95], fit_time=0.1)
    result = verdict(network, forest, "accuracy", test_fraction=0.25)
    assert result.outcome == NOT_SIGNIFICANT
    assert result.text.startswith("A random forest is as accurate (difference +0.0 ± ")
    assert "not significant) and 40 × faster to train: prefer it." in result.text
    assert result.fit_time_ratio == 40


def test_not_significant_but_the_network_trains_faster_says_either_will_do():
    network = ModelScores("network", NOISY, fit_time=0.5)
    svm = ModelScores("SVM", [0.96, 0.95, 0.95, 0.94, 0.95], fit_time=1.0)
    result = verdict(network, svm, "accuracy", test_fraction=0.25)
    assert result.outcome == NOT_SIGNIFICANT
    assert "the network is 2.0 × faster to train: either will do" in result.text
    assert result.text.startswith("An SVM is as accurate")


def test_a_consistently_better_network_is_worth_it():
    network = ModelScores("network", [0.97, 0.98, 0.97, 0.99, 0.98], fit_time=3.0)
    tree = ModelScores("decision tree", [0.90, 0.91, 0.89, 0.92, 0.90], fit_time=0.01)
    result = verdict(network, tree, "accuracy", test_fraction=0.25)
    assert result.outcome == NETWORK_BETTER
    assert result.test.mean > 0 and result.test.p_value < 0.05
    assert "more accurate than the best baseline, a decision tree (by 7.4 ± " in result.text
    assert "points, p < 0.001, significant)" in result.text
    assert "300 × the training time: the network is worth it here." in result.text


def test_a_consistently_better_baseline_is_preferred():
    network = ModelScores("network", [0.50, 0.52, 0.49, 0.51, 0.50], fit_time=2.0)
    linear = ModelScores("linear regression", [0.55, 0.58, 0.54, 0.57, 0.56], fit_time=0.01)
    result = verdict(network, linear, "r2", test_fraction=0.25)
    assert result.outcome == BASELINE_BETTER
    assert result.text.startswith("Linear regression is a better fit (R²) (by 5.6 ± ")
    assert "significant) and 200 × faster to train: prefer it." in result.text


def test_a_better_but_slower_baseline_still_says_so():
    network = ModelScores("network", [0.80, 0.82, 0.79, 0.81, 0.80], fit_time=0.1)
    forest = ModelScores("random forest", [0.90, 0.91, 0.90, 0.92, 0.90], fit_time=0.5)
    result = verdict(network, forest, "accuracy", test_fraction=0.25)
    assert result.outcome == BASELINE_BETTER
    assert "though the network is 5.0 × faster to train: prefer a random forest" in result.text


def test_the_same_scores_paired_differently_change_the_verdict():
    # Paired differences matter, not the two means: equal means → not significant.
    network = ModelScores("network", [0.9, 0.8, 0.7, 0.6, 0.5], fit_time=1.0)
    shifted = ModelScores("random forest", [0.8, 0.7, 0.6, 0.5, 0.4], fit_time=1.0)
    assert verdict(network, shifted, "accuracy", 0.25).outcome == NETWORK_BETTER
    reordered = ModelScores("random forest", [0.4, 0.5, 0.6, 0.7, 0.8], fit_time=1.0)
    assert verdict(network, reordered, "accuracy", 0.25).outcome == NOT_SIGNIFICANT
