"""``Tree``: a node of a tree-structured input (a parse tree, an expression), with helpers.

A node has a ``label`` (any value: an operator name, a word), ``children`` (other
nodes, in order), and what a network reads at that node: a feature vector
(``features``) and/or a token id (``token``, to look up an embedding). Leaves need one
of the two; inner nodes may have neither (a classic binary tree RNN reads only leaves).

Trees are built directly, from nested tuples ``(label, child, child, ...)`` or from
s-expressions such as ``"(AND T (NOT F))"``. :func:`glassnet.data.tree_batch.batch_trees`
groups the nodes of many trees by height so that a layer processes one level of a whole
batch at a time.

Example:
    >>> from glassnet.data.trees import Tree
    >>> tree = Tree.from_string("(AND T (NOT F))", vocab={"F": 0, "T": 1, "AND": 2, "NOT": 3})
    >>> tree.size, tree.depth, tree.token
    (4, 2, 2)
    >>> print(tree)
    (AND T (NOT F))
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from glassnet.errors import DataError


def _check_token(token: Any) -> int | None:
    if token is None:
        return None
    if isinstance(token, bool) or not isinstance(token, (int, np.integer)) or token < 0:
        raise DataError(f"a tree node's token must be a non-negative integer id, got {token!r}")
    return int(token)


def _check_features(features: Any) -> np.ndarray | None:
    if features is None:
        return None
    try:
        array = np.asarray(features, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise DataError(f"a tree node's features must be numbers, got {features!r}") from exc
    if array.ndim != 1 or array.size == 0:
        raise DataError(
            f"a tree node's features must be a non-empty vector (1-d), got shape {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise DataError(f"a tree node's features must be finite, got {array.tolist()}")
    return array


class Tree:
    """One node of a tree and, through its children, the subtree below it.

    Args:
        label: what the node is (``"AND"``, a word, a number); used for display,
            vocabularies and error messages.
        children: the child nodes, in order (left to right).
        features: the node's input vector (1-d, finite), or None.
        token: the node's token id (a non-negative int, e.g. for an embedding), or None.
    """

    __slots__ = ("children", "features", "label", "token")

    def __init__(
        self,
        label: Any = None,
        children: Iterable[Tree] = (),
        features: Any = None,
        token: int | None = None,
    ) -> None:
        self.label = label
        self.children: tuple[Tree, ...] = tuple(children)
        for position, child in enumerate(self.children):
            if not isinstance(child, Tree):
                raise DataError(
                    f"child {position} of tree node {label!r} must be a Tree, got "
                    f"{type(child).__name__} {child!r}; use Tree.from_nested for tuples"
                )
        self.features = _check_features(features)
        self.token = _check_token(token)

    # -- facts ----------------------------------------------------------------------

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def nodes(self) -> Iterator[Tree]:
        """Every node of the subtree in post-order: children (left to right) before parents."""
        stack: list[tuple[Tree, bool]] = [(self, False)]
        while stack:  # an explicit stack: deep trees must not hit Python's recursion limit
            node, expanded = stack.pop()
            if expanded:
                yield node
            else:
                stack.append((node, True))
                stack.extend((child, False) for child in reversed(node.children))

    def leaves(self) -> list[Tree]:
        """The leaves, left to right."""
        return [node for node in self.nodes() if node.is_leaf]

    @property
    def size(self) -> int:
        """The number of nodes."""
        return sum(1 for _ in self.nodes())

    @property
    def depth(self) -> int:
        """The number of edges on the longest root-to-leaf path (a single node: 0)."""
        heights: dict[int, int] = {}
        for node in self.nodes():
            heights[id(node)] = 1 + max((heights[id(c)] for c in node.children), default=-1)
        return heights[id(self)]

    # -- building -------------------------------------------------------------------

    @classmethod
    def from_nested(
        cls,
        spec: Any,
        vocab: Mapping[Any, int] | None = None,
        features: Mapping[Any, Any] | None = None,
    ) -> Tree:
        """A tree from nested tuples: ``(label, child, ...)`` for a node, anything else a leaf.

        Args:
            spec: e.g. ``("AND", "T", ("NOT", "F"))``; a ``Tree`` inside is used as is.
            vocab: label → token id; when given, every labelled node must be in it.
            features: label → feature vector, for the nodes whose label is in it.

        Example:
            >>> Tree.from_nested(("+", 1, ("*", 2, 3))).size
            5
        """
        return _from_nested(spec, vocab, features, ())

    @classmethod
    def from_string(
        cls,
        text: str,
        vocab: Mapping[Any, int] | None = None,
        features: Mapping[Any, Any] | None = None,
    ) -> Tree:
        """A tree from an s-expression, ``"(label child child ...)"``; a bare word is a leaf.

        Labels are strings. ``vocab`` and ``features`` are as in :meth:`from_nested`.
        """
        return cls.from_nested(_parse_sexpr(text), vocab=vocab, features=features)

    def to_nested(self) -> Any:
        """The inverse of :meth:`from_nested` for labels: ``(label, child, ...)`` or the leaf label."""
        built: dict[int, Any] = {}
        for node in self.nodes():
            if node.is_leaf:
                built[id(node)] = node.label
            else:
                built[id(node)] = (node.label, *(built[id(c)] for c in node.children))
        return built[id(self)]

    # -- display and comparison ---------------------------------------------------------

    def __str__(self) -> str:
        parts: dict[int, str] = {}
        for node in self.nodes():
            label = "" if node.label is None else str(node.label)
            if node.is_leaf:
                parts[id(node)] = label or "()"
            else:
                inside = " ".join(parts[id(c)] for c in node.children)
                parts[id(node)] = f"({label} {inside})" if label else f"({inside})"
        return parts[id(self)]

    def __repr__(self) -> str:
        text = str(self)
        return f"Tree({text[:200]}{'…' if len(text) > 200 else ''})"

    def __eq__(self, other: object) -> bool:
        """Equal labels, tokens, features and children, all the way down."""
        if not isinstance(other, Tree):
            return NotImplemented
        pairs = [(self, other)]
        while pairs:
            a, b = pairs.pop()
            if a.label != b.label or a.token != b.token or len(a.children) != len(b.children):
                return False
            if (a.features is None) != (b.features is None):
                return False
            if a.features is not None and not np.array_equal(a.features, b.features):
                return False
            pairs.extend(zip(a.children, b.children, strict=True))
        return True

    __hash__ = None  # mutable and compared by value, like a list


def _from_nested(
    spec: Any,
    vocab: Mapping[Any, int] | None,
    features: Mapping[Any, Any] | None,
    path: tuple[int, ...],
) -> Tree:
    if isinstance(spec, Tree):
        return spec  # an already built subtree is used as it is
    if isinstance(spec, (tuple, list)):
        if not spec:
            raise DataError(f"an empty tuple is not a tree node (at path {path})")
        label, child_specs = spec[0], spec[1:]
        if isinstance(label, (tuple, list, Tree)):
            raise DataError(
                f"a node is (label, child, ...): its first item must be the label, got "
                f"{type(label).__name__} {label!r} at path {path}; use None for no label"
            )
        children = [
            _from_nested(child, vocab, features, (*path, i)) for i, child in enumerate(child_specs)
        ]
    else:
        label, children = spec, []
    token = None
    if vocab is not None and label is not None:
        if label not in vocab:
            raise DataError(
                f"label {label!r} of the node at path {path} is not in the vocabulary "
                f"({len(vocab)} labels, e.g. {list(vocab)[:5]})"
            )
        token = vocab[label]
    node_features = features.get(label) if features is not None and label is not None else None
    return Tree(label, children, features=node_features, token=token)


_SEXPR_TOKENS = re.compile(r"\(|\)|[^\s()]+")


def _parse_sexpr(text: str) -> Any:
    """Nested tuples from ``"(a b (c d))"``; a DataError names the position of a mistake."""
    if not isinstance(text, str):
        raise DataError(f"Tree.from_string needs a string, got {type(text).__name__}")
    stack: list[list[Any]] = [[]]
    for match in _SEXPR_TOKENS.finditer(text):
        token = match.group()
        if token == "(":
            stack.append([])
        elif token == ")":
            if len(stack) == 1:
                raise DataError(f"unbalanced ')' at character {match.start()} of {text!r}")
            items = stack.pop()
            if not items:
                raise DataError(f"empty node '()' at character {match.start()} of {text!r}")
            stack[-1].append(tuple(items))
        else:
            stack[-1].append(token)
    if len(stack) != 1:
        raise DataError(f"{len(stack) - 1} unclosed '(' in {text!r}")
    if len(stack[0]) != 1:
        raise DataError(
            f"a tree string must hold exactly one tree, got {len(stack[0])} in {text!r}"
        )
    return stack[0][0]


def label_vocabulary(trees: Sequence[Tree]) -> dict[Any, int]:
    """Token ids for every label of ``trees`` (None excluded), by first appearance in post-order.

    Example:
        >>> label_vocabulary([Tree.from_string("(AND T F)")])
        {'T': 0, 'F': 1, 'AND': 2}
    """
    vocab: dict[Any, int] = {}
    for tree in trees:
        for node in tree.nodes():
            if node.label is not None and node.label not in vocab:
                vocab[node.label] = len(vocab)
    return vocab
