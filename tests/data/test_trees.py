"""Tests for glassnet/data/trees.py and glassnet/data/tree_batch.py."""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pytest

import glassnet as gn
from glassnet.data.tree_batch import batch_trees
from glassnet.data.trees import Tree, label_vocabulary

VOCAB = {"F": 0, "T": 1, "NOT": 2, "AND": 3, "OR": 4}


def test_from_string_builds_labels_tokens_and_children():
    tree = Tree.from_string("(AND T (NOT F))", vocab=VOCAB)
    assert tree.label == "AND" and tree.token == 3
    assert [c.label for c in tree.children] == ["T", "NOT"]
    assert tree.children[1].children[0].token == 0
    assert tree.size == 4 and tree.depth == 2
    assert str(tree) == "(AND T (NOT F))"
    assert [leaf.label for leaf in tree.leaves()] == ["T", "F"]
    assert [n.label for n in tree.nodes()] == ["T", "F", "NOT", "AND"]


def test_nested_round_trip_and_equality():
    spec = ("+", 1, ("*", 2, 3))
    tree = Tree.from_nested(spec)
    assert tree.to_nested() == spec
    assert tree == Tree.from_nested(spec)
    assert tree != Tree.from_nested(("+", 1, ("*", 3, 2)))
    assert Tree(features=[1.0, 2.0]) != Tree(features=[1.0, 3.0])


def test_features_from_a_mapping():
    tree = Tree.from_nested(("and", "a", "b"), features={"a": [1.0, 0.0], "b": [0.0, 1.0]})
    assert tree.features is None
    np.testing.assert_array_equal(tree.children[1].features, [0.0, 1.0])


def test_single_node_and_deep_chain_need_no_recursion():
    assert Tree("x").depth == 0 and Tree("x").size == 1
    node = Tree("leaf", token=0)
    for _ in range(5000):  # far beyond Python's recursion limit
        node = Tree("NOT", [node], token=1)
    assert node.depth == 5000 and node.size == 5001
    batch = batch_trees([node])
    assert len(batch.levels) == 5001
    assert str(node).startswith("(NOT (NOT")


def test_label_vocabulary_in_order_of_appearance():
    trees = [Tree.from_string("(AND T F)"), Tree.from_string("(OR F (NOT T))")]
    assert label_vocabulary(trees) == {"T": 0, "F": 1, "AND": 2, "NOT": 3, "OR": 4}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("(AND T", "unclosed"),
        ("AND T)", "unbalanced"),
        ("(AND ())", "empty node"),
        ("T F", "exactly one tree"),
        ("", "exactly one tree"),
    ],
)
def test_malformed_strings_are_refused(text, message):
    with pytest.raises(gn.DataError, match=message):
        Tree.from_string(text)


def test_bad_nodes_are_refused():
    with pytest.raises(gn.DataError, match="must be a Tree"):
        Tree("AND", ["T", "F"])
    with pytest.raises(gn.DataError, match="non-negative integer"):
        Tree("x", token=-1)
    with pytest.raises(gn.DataError, match="1-d"):
        Tree("x", features=[[1.0, 2.0]])
    with pytest.raises(gn.DataError, match="finite"):
        Tree("x", features=[np.nan])
    with pytest.raises(gn.DataError, match=r"'XOR' of the node at path \(1,\)"):
        Tree.from_nested(("AND", "T", ("XOR", "T", "F")), vocab=VOCAB)


def test_batch_groups_nodes_by_height():
    trees = [Tree.from_string(s, vocab=VOCAB) for s in ["(AND T (NOT F))", "T", "(OR F T)"]]
    batch = batch_trees(trees)
    assert batch.num_nodes == 8 and batch.num_trees == 3
    # height 0: T, F (tree 0), T (tree 1), F, T (tree 2); height 1: NOT, OR; height 2: AND
    assert [n.label for n in batch.nodes] == ["T", "F", "T", "F", "T", "NOT", "OR", "AND"]
    assert [(lv.start, lv.stop) for lv in batch.levels] == [(0, 5), (5, 7), (7, 8)]
    assert batch.levels[0].child_rows.size == 0
    assert batch.levels[1].child_rows.tolist() == [1, 3, 4]
    assert batch.levels[1].child_parent.tolist() == [0, 1, 1]
    assert batch.levels[1].child_position.tolist() == [0, 0, 1]
    assert batch.levels[2].child_rows.tolist() == [0, 5]
    assert batch.roots.tolist() == [7, 2, 6]
    assert batch.tree_index.tolist() == [0, 0, 1, 2, 2, 0, 2, 0]
    assert batch.tokens.tolist() == [1, 0, 1, 0, 1, 2, 4, 3]
    assert batch.features is None and batch.max_children == 2
    assert batch.levels[2].padded_children(3, missing=99).tolist() == [[0, 5, 99]]
    # every child sits on a lower level than its parent
    for level in batch.levels:
        assert np.all(level.child_rows < level.start)


def test_batch_collects_features_with_zero_rows_for_inner_nodes():
    leaf = lambda v: Tree(features=[v, -v])  # noqa: E731
    batch = batch_trees([Tree(children=[leaf(1.0), leaf(2.0)])])
    np.testing.assert_array_equal(batch.features, [[1, -1], [2, -2], [0, 0]])
    assert batch.has_features.tolist() == [True, True, False]


def test_shared_subtrees_become_separate_nodes():
    shared = Tree("T", token=1)
    batch = batch_trees([Tree("AND", [shared, shared], token=3)])
    assert batch.num_nodes == 3


def test_batch_errors_name_the_node():
    with pytest.raises(gn.DataError, match=r"tree 1, node at path \(0,\) \('x'\).*no features"):
        batch_trees([Tree("a", token=0), Tree("r", [Tree("x")], token=1)])
    good, bad = Tree(features=[1.0, 2.0]), Tree("odd", features=[1.0, 2.0, 3.0])
    with pytest.raises(gn.DataError, match=r"\('odd'\) has 3 features.*has 2"):
        batch_trees([Tree(children=[good, bad])])
    with pytest.raises(gn.DataError, match="at least one tree"):
        batch_trees([])
    with pytest.raises(gn.DataError, match="must be a Tree"):
        batch_trees(["(AND T F)"])
    loop = Tree("a", token=0)
    parent = Tree("p", [loop], token=0)
    loop.children = (parent,)
    with pytest.raises(gn.DataError, match="cycle"):
        batch_trees([parent])
    assert batch_trees([Tree("x")], require_inputs=False).num_nodes == 1


def test_path_of_a_row():
    batch = batch_trees([Tree("a", token=0), Tree.from_string("(AND T (NOT F))", vocab=VOCAB)])
    assert [batch.path(row) for row in range(batch.num_nodes)] == [
        (0, ()),
        (1, (0,)),
        (1, (1, 0)),
        (1, (1,)),
        (1, ()),
    ]


@pytest.mark.parametrize(
    "name",
    [
        "glassnet.data.trees",
        "glassnet.data.tree_batch",
        "glassnet.data.expressions",
        "glassnet.nn.tree_ops",
        "glassnet.nn.tree_rnn",
        "glassnet.nn.tree_lstm",
    ],
)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
