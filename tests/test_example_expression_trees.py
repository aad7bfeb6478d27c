"""Tests for examples/expression_trees.py: the tree model beats the bag of leaves."""

from __future__ import annotations

import re

import pytest

from tests.test_examples import load_example, run_example


def test_tree_model_beats_the_bag_of_leaves_on_held_out_expressions():
    result = load_example("expression_trees").compare(
        n_train=500, n_test=300, max_depth=4, epochs=6, seed=0
    )
    assert result["tree_accuracy"] >= 0.85
    assert result["bag_accuracy"] <= 0.70
    assert result["tree_accuracy"] - result["bag_accuracy"] >= 0.2
    # similar sizes: the comparison is about structure, not capacity
    assert 0.8 <= result["tree_params"] / result["bag_params"] <= 1.25


@pytest.mark.slow
def test_expression_trees_script_prints_both_accuracies(capsys):
    out = run_example("expression_trees", capsys)
    tree = float(re.search(r"^Child-Sum Tree-LSTM .*accuracy ([0-9.]+)$", out, re.M).group(1))
    bag = float(re.search(r"^bag of leaves \+ MLP .*accuracy ([0-9.]+)$", out, re.M).group(1))
    assert tree >= 0.95 and bag <= 0.65
