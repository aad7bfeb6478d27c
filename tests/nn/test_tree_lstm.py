"""Tests for glassnet/nn/tree_lstm.py: the Child-Sum Tree-LSTM."""

from __future__ import annotations

import json

import numpy as np
import pytest

import glassnet as gn
from glassnet.data.trees import Tree
from glassnet.nn.layers_registry import layer_from_config
from tests.nn._trees import feature_trees, post_order_reference


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def lstm_step(layer, node, children):
    """Tai et al. (2015), equations 2-8, for one node, in NumPy; returns (h, c)."""
    n = layer.units
    w, u, b = (p.numpy() for p in (layer.kernel, layer.recurrent_kernel, layer.bias))
    x = node.features if node.features is not None else np.zeros(w.shape[0])
    w_i, w_f, w_u, w_o = np.split(w, 4, axis=1)
    u_i, u_f, u_u, u_o = np.split(u, 4, axis=1)
    b_i, b_f, b_u, b_o = np.split(b, 4)
    h_tilde = sum((h for h, _ in children), np.zeros(n))
    i = sigmoid(x @ w_i + h_tilde @ u_i + b_i)
    o = sigmoid(x @ w_o + h_tilde @ u_o + b_o)
    candidate = np.tanh(x @ w_u + h_tilde @ u_u + b_u)
    c = i * candidate
    for h_k, c_k in children:
        c = c + sigmoid(x @ w_f + h_k @ u_f + b_f) * c_k
    return o * np.tanh(c), c


def test_matches_the_paper_node_by_node_and_one_tree_at_a_time():
    trees = feature_trees(inner_features=False) + feature_trees(seed=1)
    with gn.default_dtype("float64"):
        layer = gn.ChildSumTreeLSTM(4, bias_initializer="normal", rng=0)
        roots = layer(trees).numpy()
        singles = [layer([tree]).numpy()[0] for tree in trees]
    assert roots.shape == (8, 4)
    for i, tree in enumerate(trees):
        expected, _ = post_order_reference(tree, lambda n, c: lstm_step(layer, n, c))
        np.testing.assert_allclose(roots[i], expected, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(singles[i], roots[i], rtol=1e-12, atol=1e-12)


def test_children_are_unordered():
    a, b, c = (Tree(features=[v, -v]) for v in (0.3, -0.7, 1.1))
    layer = gn.ChildSumTreeLSTM(3, rng=0)
    one, two = layer([Tree(children=[a, b, c]), Tree(children=[c, a, b])]).numpy()
    np.testing.assert_allclose(one, two, rtol=1e-6)


def test_gradcheck_on_inputs_and_parameters():
    batch = gn.batch_trees(feature_trees(width=2))
    with gn.default_dtype("float64"):
        layer = gn.ChildSumTreeLSTM(3, bias_initializer="normal", rng=0)
        layer(batch)
        params = list(layer.named_parameters())
        report = gn.gradcheck(lambda x: layer(batch, x), batch.features, params=params)
    assert report.ok
    assert [t.name for t in report.tensors] == ["input 0", "kernel", "recurrent_kernel", "bias"]


def test_gradcheck_through_every_node_state():
    batch = gn.batch_trees(feature_trees(width=2)[2:])
    with gn.default_dtype("float64"):
        layer = gn.ChildSumTreeLSTM(2, return_all_nodes=True, rng=3)
        layer(batch)
        params = list(layer.named_parameters())
        report = gn.gradcheck(lambda x: layer(batch, x)[1], batch.features, params=params)
    assert report.ok


def test_shapes_forget_bias_and_dtype():
    trees = feature_trees()
    layer = gn.ChildSumTreeLSTM(6, input_dim=3)
    assert layer.kernel.shape == (3, 24) and layer.recurrent_kernel.shape == (6, 24)
    np.testing.assert_array_equal(layer.bias.numpy(), np.repeat([0.0, 1.0, 0.0, 0.0], 6))
    roots, nodes = gn.ChildSumTreeLSTM(6, return_all_nodes=True)(trees)
    assert roots.shape == (4, 6) and roots.dtype == np.float32
    assert nodes.shape == (gn.batch_trees(trees).num_nodes, 6)
    assert layer(trees[1:]).shape == (3, 6)
    no_forget = gn.ChildSumTreeLSTM(2, unit_forget_bias=False, input_dim=1)
    assert np.all(no_forget.bias.numpy() == 0)


def test_state_and_config_round_trip():
    trees = feature_trees()
    source = gn.ChildSumTreeLSTM(4, unit_forget_bias=False, name="lstm", rng=1)
    source(trees)
    config = source.get_config()
    assert json.loads(json.dumps(config)) == config
    copy = layer_from_config({"class": "ChildSumTreeLSTM", "config": config})
    assert copy.get_config() == config
    copy(trees)
    copy.load_state_dict(source.state_dict())
    np.testing.assert_array_equal(copy(trees).numpy(), source(trees).numpy())


def test_save_and_load_a_file(tmp_path):
    trees = feature_trees()
    layer = gn.ChildSumTreeLSTM(3, rng=2)
    expected = layer(trees).numpy()
    gn.save_model(layer, tmp_path / "tree.safetensors")
    loaded = gn.load(tmp_path / "tree.safetensors")
    assert isinstance(loaded, gn.ChildSumTreeLSTM)
    np.testing.assert_array_equal(loaded(trees).numpy(), expected)


def test_errors():
    with pytest.raises(gn.ConfigError, match="ChildSumTreeLSTM units"):
        gn.ChildSumTreeLSTM(-1)
    layer = gn.ChildSumTreeLSTM(2, name="enc")
    with pytest.raises(gn.DataError, match="leaf with no features and no token"):
        layer([Tree(children=[Tree("x")], features=[1.0])])
    layer(feature_trees(width=3))
    with pytest.raises(gn.ShapeError, match="'enc' expects inputs with 3 features"):
        layer(feature_trees(width=2))
