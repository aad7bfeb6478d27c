"""Tests for glassnet/nn/tree_rnn.py, glassnet/nn/tree_base.py and glassnet/nn/tree_ops.py."""

from __future__ import annotations

import json

import numpy as np
import pytest

import glassnet as gn
from glassnet.data.trees import Tree
from glassnet.nn.layers_registry import layer_from_config
from glassnet.nn.tree_ops import segment_sum
from tests.nn._trees import feature_trees, post_order_reference


def test_segment_sum_values_and_gradients():
    x = np.arange(12.0).reshape(4, 3)
    out = segment_sum(gn.Tensor(x), np.array([0, 0, 1, 1]), 2).numpy()
    np.testing.assert_array_equal(out, [x[0] + x[1], x[2] + x[3]])
    unsorted = segment_sum(gn.Tensor(x), np.array([2, 0, 2, 0]), 3).numpy()
    np.testing.assert_array_equal(unsorted, [x[1] + x[3], np.zeros(3), x[0] + x[2]])
    for segments, count in [([0, 0, 1, 2], 3), ([1, 0, 1, 1], 3)]:
        ids = np.array(segments)
        assert gn.gradcheck(lambda t, ids=ids, count=count: segment_sum(t, ids, count), x).ok
    with pytest.raises(gn.ShapeError, match="one segment id per row"):
        segment_sum(gn.Tensor(x), np.array([0, 1]), 2)
    with pytest.raises(gn.ShapeError, match=r"\[0, 2\)"):
        segment_sum(gn.Tensor(x), np.array([0, 1, 2, 0]), 2)


def rnn_step(layer, node, children):
    """tanh(x W + Σ h U + b) or tanh(x W + [h_1; h_2] U + b), in NumPy."""
    w, u, b = (p.numpy() for p in (layer.kernel, layer.recurrent_kernel, layer.bias))
    x = node.features if node.features is not None else np.zeros(w.shape[0])
    z = x @ w + b
    if children and layer.arity is None:
        z = z + np.sum(children, axis=0) @ u
    elif children:
        stacked = np.zeros(u.shape[0])
        stacked[: len(children) * layer.units] = np.concatenate(children)
        z = z + stacked @ u
    return np.tanh(z)


@pytest.mark.parametrize("arity", [None, 3])
def test_matches_a_node_by_node_reference_and_one_tree_at_a_time(arity):
    trees = feature_trees()
    with gn.default_dtype("float64"):
        layer = gn.TreeRNN(4, arity=arity, bias_initializer="normal", rng=0)
        roots = layer(trees).numpy()
        singles = [layer([tree]).numpy()[0] for tree in trees]
    assert roots.shape == (4, 4)
    for i, tree in enumerate(trees):
        expected = post_order_reference(tree, lambda n, c: rnn_step(layer, n, c))
        np.testing.assert_allclose(roots[i], expected, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(singles[i], roots[i], rtol=1e-12, atol=1e-12)


def test_binary_composition_reads_only_the_leaves():
    trees = feature_trees(inner_features=False)[1:]
    trees = [trees[0], Tree(children=[trees[0], Tree(features=[0.1, 0.2, 0.3])])]
    with gn.default_dtype("float64"):
        layer = gn.TreeRNN(3, arity=2, rng=1)
        roots = layer(trees).numpy()
        a, b = Tree(features=[1.0, 0.0, 0.0]), Tree(features=[0.0, 1.0, 0.0])
        left, right = layer([Tree(children=[a, b]), Tree(children=[b, a])]).numpy()
    for i, tree in enumerate(trees):
        expected = post_order_reference(tree, lambda n, c: rnn_step(layer, n, c))
        np.testing.assert_allclose(roots[i], expected, rtol=1e-12, atol=1e-12)
    # order matters with positional weights
    assert not np.allclose(left, right)


@pytest.mark.parametrize("arity", [None, 2])
def test_gradcheck_on_inputs_and_parameters(arity):
    trees = feature_trees(width=2) if arity is None else feature_trees(width=2)[:2]
    batch = gn.batch_trees(trees)
    with gn.default_dtype("float64"):
        layer = gn.TreeRNN(3, arity=arity, bias_initializer="normal", rng=0)
        layer(batch)
        params = list(layer.named_parameters())
        report = gn.gradcheck(lambda x: layer(batch, x), batch.features, params=params)
    assert report.ok
    assert [t.name for t in report.tensors] == ["input 0", "kernel", "recurrent_kernel", "bias"]


def test_all_node_states_shapes_and_dtype():
    trees = feature_trees()
    layer = gn.TreeRNN(5, return_all_nodes=True)
    roots, nodes = layer(trees)
    batch = gn.batch_trees(trees)
    assert roots.shape == (4, 5) and nodes.shape == (batch.num_nodes, 5)
    assert roots.dtype == np.float32
    np.testing.assert_array_equal(nodes.numpy()[batch.roots], roots.numpy())
    assert layer.input_shape == (batch.num_nodes, 3)
    assert layer(trees[:2])[0].shape == (2, 5)  # another batch size


def test_token_inputs_through_an_embedding_table():
    vocab = {"F": 0, "T": 1, "AND": 2}
    trees = [Tree.from_string(s, vocab=vocab) for s in ["(AND T F)", "(AND (AND T T) F)"]]
    batch = gn.batch_trees(trees)
    table = gn.Tensor(np.random.default_rng(0).normal(size=(3, 4)), requires_grad=True)
    layer = gn.TreeRNN(2)
    out = layer(batch, gn.ops.getitem(table, batch.tokens))
    out.sum().backward()
    assert out.shape == (2, 2) and table.grad.shape == (3, 4)
    assert np.all(table.grad != 0)


def test_state_and_config_round_trip():
    trees = feature_trees()
    source = gn.TreeRNN(4, arity=3, activation="relu", kernel_initializer="he_normal", name="t")
    source(trees)
    config = source.get_config()
    assert json.loads(json.dumps(config)) == config
    copy = layer_from_config({"class": "TreeRNN", "config": config})
    assert isinstance(copy, gn.TreeRNN) and copy.get_config() == config
    copy(trees)
    copy.load_state_dict(source.state_dict())
    np.testing.assert_array_equal(copy(trees).numpy(), source(trees).numpy())


def test_errors():
    with pytest.raises(gn.ConfigError, match="units"):
        gn.TreeRNN(0)
    with pytest.raises(gn.ConfigError, match="arity"):
        gn.TreeRNN(3, arity=0)
    trees = feature_trees()
    with pytest.raises(gn.ShapeError, match=r"arity 2, but tree 2, node at path \(0,\) has 3"):
        gn.TreeRNN(3, arity=2)(trees)
    layer = gn.TreeRNN(3)
    layer(trees)
    with pytest.raises(gn.ShapeError, match="expects inputs with 3 features"):
        layer(feature_trees(width=4))
    with pytest.raises(gn.ShapeError, match=r"one row per node of the batch \(1 nodes"):
        layer(trees[:1], np.zeros((2, 3)))
    tokens_only = [Tree.from_string("(AND T F)", vocab={"T": 0, "F": 1, "AND": 2})]
    with pytest.raises(gn.DataError, match="no features; pass x="):
        gn.TreeRNN(3)(tokens_only)
    mixed = Tree(children=[Tree("t", token=0), Tree(features=[1.0])])
    with pytest.raises(
        gn.DataError, match=r"node at path \(0,\) \('t'\) is a leaf without features"
    ):
        gn.TreeRNN(3)([mixed])


def test_rows_alone_are_one_node_trees():
    x = np.random.default_rng(0).normal(size=(3, 2))
    layer = gn.TreeRNN(4, rng=0)
    as_rows = layer(gn.Tensor(x)).numpy()
    as_trees = layer([Tree(features=row) for row in x]).numpy()
    np.testing.assert_allclose(as_rows, as_trees, rtol=1e-6)
