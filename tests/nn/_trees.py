"""Small trees with features, and a one-node-at-a-time reference, for the tree layer tests."""

from __future__ import annotations

import numpy as np

from glassnet.data.trees import Tree


def feature_trees(width: int = 3, seed: int = 0, inner_features: bool = True) -> list[Tree]:
    """Four trees of different shapes (a leaf, binary, unary, three children, depth 3)."""
    rng = np.random.default_rng(seed)

    def node(*children: Tree) -> Tree:
        has = inner_features or not children
        return Tree(children=children, features=rng.uniform(-1, 1, width) if has else None)

    return [
        node(),
        node(node(), node()),
        node(node(node(), node(), node()), node(node())),
        node(node(node(node(), node())), node()),
    ]


def post_order_reference(tree: Tree, step) -> np.ndarray:
    """The root state of ``tree`` computed node by node: ``step(x, [(h, c), ...])``."""
    states = {}
    for node in tree.nodes():
        children = [states[id(child)] for child in node.children]
        states[id(node)] = step(node, children)
    return states[id(tree)]
