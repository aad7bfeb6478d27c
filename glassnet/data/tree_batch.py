"""``batch_trees``: the nodes of many trees, numbered level by level for batched layers.

A node's *height* is the length of the longest path down to a leaf (leaves: 0). Every
child is lower than its parent, so computing all nodes of height 0, then all of height
1, … composes every tree bottom-up, and each level of the whole batch is one matrix
product instead of one per node. The batch numbers its nodes ("rows") by height, then
by tree, then in post-order, so each level is a contiguous range of rows and the
states of the levels below a level are simply the rows before it.

Example:
    >>> from glassnet.data.trees import Tree
    >>> vocab = {"F": 0, "T": 1, "AND": 2, "NOT": 3}
    >>> batch = batch_trees([Tree.from_string(s, vocab=vocab) for s in ["(AND T (NOT F))", "T"]])
    >>> batch.num_nodes, len(batch.levels), batch.roots.tolist()
    (5, 3, [4, 2])
    >>> batch.levels[1].child_rows.tolist(), batch.tokens.tolist()
    ([1], [1, 0, 1, 3, 2])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet.data.trees import Tree
from glassnet.errors import DataError, ShapeError


@dataclass(frozen=True)
class TreeLevel:
    """The nodes of one height across the batch and where their children are.

    Attributes:
        start, stop: the level's nodes are rows ``start`` … ``stop - 1`` of the batch.
        child_rows: the rows of their children (all lower), grouped by parent in row
            order and left to right within a parent; empty for the leaves' level.
        child_parent: for each entry of ``child_rows``, its parent's position in the
            level (0 … ``stop - start - 1``), non-decreasing.
        child_position: for each entry of ``child_rows``, its index among its siblings.
    """

    start: int
    stop: int
    child_rows: np.ndarray
    child_parent: np.ndarray
    child_position: np.ndarray

    @property
    def size(self) -> int:
        return self.stop - self.start

    def padded_children(self, arity: int, missing: int) -> np.ndarray:
        """(nodes, arity) child rows by position; ``missing`` where a node has fewer children."""
        table = np.full((self.size, arity), missing, dtype=np.int64)
        table[self.child_parent, self.child_position] = self.child_rows
        return table


@dataclass(frozen=True)
class TreeBatch:
    """Many trees' nodes as rows, grouped by height; see :func:`batch_trees`.

    Attributes:
        trees: the trees, in batch order.
        nodes: the node of each row.
        links: where each row sits, as ``(tree index, link)``; read it with :meth:`path`.
        levels: one :class:`TreeLevel` per height, from the leaves (height 0) up.
        roots: the row of each tree's root, in batch order.
        tree_index: the tree each row belongs to.
        features: (rows, features) node features, zero rows where a node has none;
            None when no node has features.
        has_features: which rows have features.
        tokens: each row's token id, -1 where a node has none.
    """

    trees: tuple[Tree, ...]
    nodes: tuple[Tree, ...]
    links: tuple[tuple[int, Any], ...]
    levels: tuple[TreeLevel, ...]
    roots: np.ndarray
    tree_index: np.ndarray
    features: np.ndarray | None
    has_features: np.ndarray
    tokens: np.ndarray

    @property
    def num_nodes(self) -> int:
        return len(self.nodes)

    @property
    def num_trees(self) -> int:
        return len(self.trees)

    @property
    def max_children(self) -> int:
        return max((len(node.children) for node in self.nodes), default=0)

    def describe(self, row: int) -> str:
        """``tree 2, node at path (0, 1) ('NOT')``: where a row is, for messages."""
        return _where(self.links, self.nodes, row)

    def path(self, row: int) -> tuple[int, tuple[int, ...]]:
        """``(tree index, child positions from the root)`` of a row, e.g. ``(2, (0, 1))``."""
        tree, link = self.links[row]
        return tree, _unroll(link)


def _walk(tree: Tree, tree_number: int) -> list[tuple[Tree, Any, int, list[int]]]:
    """(node, link, height, child indices into the list) in post-order, without recursion.

    A link is ``(parent's link, position)`` (None for the root): building a tuple path
    for every node would cost depth² on deep trees.

    A node object used twice (a shared subtree) becomes two occurrences; a node that is
    its own ancestor is a cycle and raises DataError.
    """
    if not isinstance(tree, Tree):
        raise DataError(f"batch item {tree_number} must be a Tree, got {type(tree).__name__}")
    out: list[tuple[Tree, Any, int, list[int]]] = []
    on_path: set[int] = set()
    # Each frame: node, path, index of the next child to visit, indices of finished children.
    stack: list[tuple[Tree, Any, list[int]]] = [(tree, None, [])]
    on_path.add(id(tree))
    while stack:
        node, path, done = stack[-1]
        if len(done) < len(node.children):
            position = len(done)
            child = node.children[position]
            if id(child) in on_path:
                raise DataError(
                    f"tree {tree_number} has a cycle: the node at path {_unroll((path, position))} "
                    f"({child.label!r}) is one of its own ancestors"
                )
            on_path.add(id(child))
            stack.append((child, (path, position), []))
            continue
        stack.pop()
        on_path.discard(id(node))
        height = 1 + max((out[i][2] for i in done), default=-1)
        out.append((node, path, height, done))
        if stack:
            stack[-1][2].append(len(out) - 1)
    return out


def batch_trees(trees: Sequence[Tree], require_inputs: bool = True) -> TreeBatch:
    """Number the nodes of ``trees`` level by level (see the module docstring).

    Args:
        trees: the trees of the batch (at least one).
        require_inputs: every leaf must have features or a token (a leaf with neither
            gives the network nothing to start from).

    Raises:
        DataError: an item is not a Tree, a tree has a cycle, a leaf has no input, or
            nodes' feature vectors differ in width (the message names the node).
    """
    if isinstance(trees, Tree):
        trees = [trees]
    trees = tuple(trees)
    if not trees:
        raise DataError("batch_trees needs at least one tree, got none")
    entries: list[tuple[Tree, Any, int, list[int], int]] = []
    roots_local: list[int] = []
    for number, tree in enumerate(trees):
        offset = len(entries)
        walked = _walk(tree, number)
        for node, path, height, children in walked:
            entries.append((node, path, height, [offset + c for c in children], number))
        roots_local.append(len(entries) - 1)

    heights = np.array([entry[2] for entry in entries], dtype=np.int64)
    order = np.argsort(heights, kind="stable")  # by height, then tree, then post-order
    row_of = np.empty(len(entries), dtype=np.int64)
    row_of[order] = np.arange(len(entries))

    nodes = tuple(entries[i][0] for i in order)
    links = tuple((entries[i][4], entries[i][1]) for i in order)
    width: tuple[int, int] | None = None  # (features, first row that had them)
    features_list = []
    for row, node in enumerate(nodes):
        if node.features is not None:
            if width is None:
                width = (node.features.size, row)
            elif node.features.size != width[0]:
                raise DataError(
                    f"{_where(links, nodes, row)} has {node.features.size} features, but "
                    f"{_where(links, nodes, width[1])} has {width[0]}; every node of a batch "
                    "needs the same number"
                )
        elif require_inputs and node.is_leaf and node.token is None:
            raise DataError(
                f"{_where(links, nodes, row)} is a leaf with no features and no token, so a "
                "network has no input for it; give it features= or token= (e.g. "
                "Tree.from_nested(spec, vocab=...))"
            )
        features_list.append(node.features)

    features = None
    has_features = np.array([f is not None for f in features_list], dtype=bool)
    if width is not None:
        features = np.zeros((len(nodes), width[0]), dtype=np.float64)
        for row, vector in enumerate(features_list):
            if vector is not None:
                features[row] = vector
    tokens = np.array([-1 if n.token is None else n.token for n in nodes], dtype=np.int64)

    levels = []
    sorted_heights = heights[order]
    bounds = np.searchsorted(sorted_heights, np.arange(sorted_heights[-1] + 2))
    for height in range(int(sorted_heights[-1]) + 1):
        start, stop = int(bounds[height]), int(bounds[height + 1])
        child_rows, child_parent, child_position = [], [], []
        for position in range(stop - start):
            children = entries[order[start + position]][3]
            child_rows.extend(int(row_of[c]) for c in children)
            child_parent.extend([position] * len(children))
            child_position.extend(range(len(children)))
        levels.append(
            TreeLevel(
                start,
                stop,
                np.array(child_rows, dtype=np.int64),
                np.array(child_parent, dtype=np.int64),
                np.array(child_position, dtype=np.int64),
            )
        )
    return TreeBatch(
        trees=trees,
        nodes=nodes,
        links=links,
        levels=tuple(levels),
        roots=row_of[np.array(roots_local, dtype=np.int64)],
        tree_index=np.array([link[0] for link in links], dtype=np.int64),
        features=features,
        has_features=has_features,
        tokens=tokens,
    )


def _unroll(link: Any) -> tuple[int, ...]:
    positions = []
    while link is not None:
        link, position = link
        positions.append(position)
    return tuple(reversed(positions))


def _where(links, nodes, row: int) -> str:
    tree, link = links[row]
    path = _unroll(link)
    label = nodes[row].label
    return f"tree {tree}, node at path {path}" + ("" if label is None else f" ({label!r})")


def check_node_rows(batch: TreeBatch, x_shape: tuple[int, ...], owner: str) -> None:
    """Raise a ShapeError unless ``x_shape`` is (one row per node of ``batch``, features)."""
    if len(x_shape) != 2 or x_shape[0] != batch.num_nodes:
        raise ShapeError(
            f"{owner} expects node inputs x of shape (nodes, features) with one row per node "
            f"of the batch ({batch.num_nodes} nodes, in batch row order), got shape "
            f"{tuple(x_shape)}"
        )
