"""Generated boolean expression trees: a task whose answer lies in the structure.

``boolean_expressions(n, seed=...)`` draws ``n`` distinct expressions over the literals
``T`` and ``F`` with the operators AND, OR, XOR (two operands) and NOT (one), each with
its truth value as the label. Every node carries a token id from
:data:`BOOLEAN_VOCAB`, so a model can embed operators and literals alike. The same
leaves and operators arranged differently give different answers, which is what a
model that ignores structure (a bag of leaves) cannot see.

Example:
    >>> trees, labels = boolean_expressions(4, max_depth=2, seed=0)
    >>> len(trees), labels.tolist().count(1)
    (4, 2)
    >>> evaluate_boolean(Tree.from_string("(XOR T (NOT F))"))
    False
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from glassnet.backend import get_rng
from glassnet.data.trees import Tree
from glassnet.errors import ConfigError, DataError

#: Token ids of the literals and operators.
BOOLEAN_VOCAB: dict[str, int] = {"F": 0, "T": 1, "NOT": 2, "AND": 3, "OR": 4, "XOR": 5}

_ARITY = {"NOT": 1, "AND": 2, "OR": 2, "XOR": 2}


def evaluate_boolean(tree: Tree) -> bool:
    """The truth value of a boolean expression tree (without recursion)."""
    values: dict[int, bool] = {}
    for node in tree.nodes():
        args = [values[id(child)] for child in node.children]
        label = node.label
        if label in ("T", "F") and not args:
            values[id(node)] = label == "T"
        elif label in _ARITY and len(args) == _ARITY[label]:
            if label == "NOT":
                values[id(node)] = not args[0]
            elif label == "AND":
                values[id(node)] = args[0] and args[1]
            elif label == "OR":
                values[id(node)] = args[0] or args[1]
            else:
                values[id(node)] = args[0] != args[1]
        else:
            raise DataError(
                f"not a boolean expression node: {label!r} with {len(args)} operands "
                f"(literals T, F; NOT takes 1 operand, AND, OR, XOR take 2)"
            )
    return values[id(tree)]


def _expression(depth: int, operators: Sequence[str], rng: np.random.Generator) -> Tree:
    """A random expression whose depth is exactly ``depth`` (0: a literal)."""
    if depth == 0:
        label = "T" if rng.random() < 0.5 else "F"
        return Tree(label, token=BOOLEAN_VOCAB[label])
    operator = operators[int(rng.integers(len(operators)))]
    arity = _ARITY[operator]
    deep = int(rng.integers(arity))  # one operand reaches depth - 1, the others may be shallower
    children = [
        _expression(depth - 1 if i == deep else int(rng.integers(depth)), operators, rng)
        for i in range(arity)
    ]
    return Tree(operator, children, token=BOOLEAN_VOCAB[operator])


def boolean_expressions(
    n: int,
    min_depth: int = 1,
    max_depth: int = 4,
    operators: Sequence[str] = ("AND", "OR", "XOR", "NOT"),
    seed: int | np.random.Generator | None = 0,
) -> tuple[list[Tree], np.ndarray]:
    """``n`` distinct random boolean expressions and their truth values (1 true, 0 false).

    Depths are drawn uniformly from ``min_depth`` … ``max_depth``; half the expressions
    are true and half false (for odd ``n`` one more false), in random order.

    Args:
        n: how many expressions.
        min_depth, max_depth: the range of tree depths (edges from root to deepest leaf).
        operators: a subset of AND, OR, XOR, NOT.
        seed: a seed or generator; the same seed gives the same expressions.

    Raises:
        ConfigError: bad settings, or fewer distinct expressions of these depths exist
            than asked for.
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise ConfigError(f"boolean_expressions needs a positive number n, got {n!r}")
    if not 0 <= min_depth <= max_depth:
        raise ConfigError(
            f"depths must satisfy 0 <= min_depth <= max_depth, got {min_depth}, {max_depth}"
        )
    unknown = [op for op in operators if op not in _ARITY]
    if unknown or not operators:
        raise ConfigError(
            f"operators must be a non-empty subset of {sorted(_ARITY)}, got {list(operators)}"
        )
    rng = get_rng(seed)
    wanted = {True: n // 2, False: n - n // 2}
    seen: set[str] = set()
    trees: list[Tree] = []
    labels: list[int] = []
    attempts = 0
    while len(trees) < n:
        attempts += 1
        if attempts > 200 * n + 10_000:
            raise ConfigError(
                f"could not draw {n} distinct balanced expressions of depth {min_depth}–"
                f"{max_depth} (got {len(trees)}); allow deeper trees or ask for fewer"
            )
        tree = _expression(int(rng.integers(min_depth, max_depth + 1)), list(operators), rng)
        value = evaluate_boolean(tree)
        text = str(tree)
        if wanted[value] == 0 or text in seen:
            continue
        wanted[value] -= 1
        seen.add(text)
        trees.append(tree)
        labels.append(int(value))
    return trees, np.array(labels, dtype=np.int64)
