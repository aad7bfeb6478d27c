"""Tests for glassnet/data/expressions.py."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.data.expressions import BOOLEAN_VOCAB, boolean_expressions, evaluate_boolean
from glassnet.data.trees import Tree


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("T", True),
        ("(NOT T)", False),
        ("(AND T F)", False),
        ("(OR F T)", True),
        ("(XOR T T)", False),
        ("(XOR (NOT F) (AND T (OR F F)))", True),
    ],
)
def test_evaluate(text, value):
    assert evaluate_boolean(Tree.from_string(text)) is value


def test_evaluate_refuses_malformed_expressions():
    with pytest.raises(gn.DataError, match="NOT takes 1"):
        evaluate_boolean(Tree.from_string("(NOT T F)"))
    with pytest.raises(gn.DataError, match="'MAYBE'"):
        evaluate_boolean(Tree.from_string("MAYBE"))


def test_generator_is_seeded_balanced_distinct_and_labelled_correctly():
    trees, labels = boolean_expressions(200, min_depth=2, max_depth=4, seed=3)
    again, labels_again = boolean_expressions(200, min_depth=2, max_depth=4, seed=3)
    assert [str(t) for t in trees] == [str(t) for t in again]
    np.testing.assert_array_equal(labels, labels_again)
    assert labels.sum() == 100
    assert len({str(t) for t in trees}) == 200
    for tree, label in zip(trees, labels, strict=True):
        assert evaluate_boolean(tree) == bool(label)
        assert 2 <= tree.depth <= 4
        assert all(BOOLEAN_VOCAB[node.label] == node.token for node in tree.nodes())
    other, _ = boolean_expressions(200, min_depth=2, max_depth=4, seed=4)
    assert [str(t) for t in other] != [str(t) for t in trees]


def test_generator_settings_are_checked():
    with pytest.raises(gn.ConfigError, match="positive"):
        boolean_expressions(0)
    with pytest.raises(gn.ConfigError, match="min_depth"):
        boolean_expressions(5, min_depth=3, max_depth=2)
    with pytest.raises(gn.ConfigError, match="subset"):
        boolean_expressions(5, operators=("NAND",))
    with pytest.raises(gn.ConfigError, match="distinct"):
        boolean_expressions(10, min_depth=0, max_depth=0)  # only T and F exist
